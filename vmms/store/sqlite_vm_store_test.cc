#include "vmms/store/sqlite_vm_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vmms-store-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "vmms.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `exclusive` false: the store shares the file with other connections.
  std::unique_ptr<VmStore> Open(bool exclusive = true) {
    SqliteStoreOptions o{path_};
    o.exclusive = exclusive;
    absl::StatusOr<std::unique_ptr<VmStore>> s = OpenSqliteVmStore(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? std::move(*s) : nullptr;
  }

  static VmRecord Vm(std::string id, std::string name) {
    VmRecord vm;
    vm.id = std::move(id);
    vm.name = std::move(name);
    vm.memory = {true, 1024, 512, 4096, 20, 5000};
    vm.created_unix_ms = vm.updated_unix_ms = 1000;
    return vm;
  }
  static EventRecord Ev(std::string vm_id, std::string kind, std::string detail) {
    return {0, 1000, std::move(vm_id), std::move(kind), std::move(detail)};
  }
  std::string ReadFile() {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(StoreTest, GetVmSeesEveryWriteOfThisStoreAndOfAnotherConnection) {
  auto store = Open(/*exclusive=*/false);
  absl::StatusOr<VmRecord> a = store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "DefineSystem"));
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(store->GetVm("A-1")->name, "web1");  // now read through the cache
  VmRecord changed = *a;
  changed.name = "web2";
  changed.memory.startup_mib = 2048;
  ASSERT_TRUE(store->UpdateVm(changed, Ev("A-1", "method", "Modify")).ok());
  EXPECT_EQ(store->GetVm("A-1")->name, "web2") << "an update left the cached record";
  EXPECT_EQ(store->GetVm("A-1")->memory.startup_mib, 2048u);
  // A write through another connection to the same file is seen too.
  {
    auto other = Open(/*exclusive=*/false);
    absl::StatusOr<VmRecord> cur = other->GetVm("A-1");
    ASSERT_TRUE(cur.ok());
    cur->name = "web3";
    ASSERT_TRUE(other->UpdateVm(*cur, Ev("A-1", "method", "Modify")).ok());
  }
  EXPECT_EQ(store->GetVm("A-1")->name, "web3") << "another connection's commit was missed";
  ASSERT_TRUE(store->DeleteVm("A-1", Ev("A-1", "method", "DestroySystem")).ok());
  EXPECT_TRUE(absl::IsNotFound(store->GetVm("A-1").status()));
}

TEST_F(StoreTest, CreateGetListAndDurableAcrossReopen) {
  {
    auto store = Open();
    absl::StatusOr<VmRecord> a = store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "DefineSystem"));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->version, 1u);
    ASSERT_TRUE(store->CreateVm(Vm("B-2", "db1"), Ev("B-2", "method", "DefineSystem")).ok());
  }
  auto store = Open();  // a new connection sees what the first acknowledged
  absl::StatusOr<std::vector<VmRecord>> all = store->ListVms();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "db1");
  absl::StatusOr<VmRecord> web = store->GetVmByName("WEB1");  // case-insensitive
  ASSERT_TRUE(web.ok());
  EXPECT_EQ(web->id, "A-1");
  EXPECT_EQ(web->memory, (MemorySettings{true, 1024, 512, 4096, 20, 5000}));
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

TEST_F(StoreTest, DuplicateNameIsRefusedCaseInsensitively) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok());
  absl::StatusOr<VmRecord> dup = store->CreateVm(Vm("C-3", "Web1"), Ev("C-3", "method", "x"));
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "vm 'Web1': already exists");
  EXPECT_EQ(store->ListVms()->size(), 1u);
  // The refused create logged nothing (the transaction rolled back).
  EXPECT_EQ(store->ListEvents("", 0, 100)->size(), 1u);
}

TEST_F(StoreTest, StaleVersionUpdateIsAbortedAndChangesNothing) {
  auto first = Open(/*exclusive=*/false);
  auto second = Open(/*exclusive=*/false);  // another connection, as after a restart
  ASSERT_TRUE(first->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok());
  VmRecord a = *first->GetVm("A-1");
  VmRecord b = *second->GetVm("A-1");
  a.state = VmState::kRunning;
  ASSERT_TRUE(first->UpdateVm(a, Ev("A-1", "state", "Off -> Running")).ok());
  b.memory.startup_mib = 2048;
  absl::StatusOr<VmRecord> late = second->UpdateVm(b, Ev("A-1", "method", "Modify"));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kAborted);
  VmRecord now = *second->GetVm("A-1");
  EXPECT_EQ(now.state, VmState::kRunning);
  EXPECT_EQ(now.memory.startup_mib, 1024u);
  EXPECT_EQ(now.version, 2u);
}

TEST_F(StoreTest, StoredRulesRejectImpossibleSettings) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok());
  VmRecord vm = *store->GetVm("A-1");
  vm.memory.minimum_mib = 8192;  // above startup: the domain refuses it, and so does the schema
  absl::StatusOr<VmRecord> r = store->UpdateVm(vm, Ev("A-1", "method", "x"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->GetVm("A-1")->memory.minimum_mib, 512u);
  EXPECT_EQ(store->GetVm("A-1")->version, 1u);  // the whole update rolled back
}

TEST_F(StoreTest, DeleteCascadesToSettingsAndWorker) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok());
  ASSERT_TRUE(store->PutWorker({"A-1", 4242, 99, "/run/w.sock", 5}).ok());
  ASSERT_TRUE(store->DeleteVm("A-1", Ev("A-1", "method", "DestroySystem")).ok());
  EXPECT_EQ(store->GetVm("A-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store->ListWorkers()->empty());
  EXPECT_EQ(store->DeleteVm("A-1", Ev("A-1", "m", "x")).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, JobsPersistAndExpireAfterTimeBeforeRemoval) {
  auto store = Open();
  JobRecord done{"J-1", "A-1", 2, "Starting vm 'web1'", JobState::kCompleted, 100, 0, "", 1000, 2000, 300};
  JobRecord running{"J-2", "A-1", 3, "Stopping", JobState::kRunning, 40, 0, "", 1500, 0, 300};
  JobRecord failed{"J-3", "A-1", 2, "Starting", JobState::kException, 100, 32775,
                   "vm 'web1': cannot start from Running", 1600, 2100, 1};
  ASSERT_TRUE(store->PutJob(done).ok());
  ASSERT_TRUE(store->PutJob(running).ok());
  ASSERT_TRUE(store->PutJob(failed).ok());
  EXPECT_EQ(store->GetJob("J-3")->error_description, "vm 'web1': cannot start from Running");
  EXPECT_EQ(*store->RemoveExpiredJobs(3099), 0);  // J-3 finished at 2100 + 1 s: not yet
  EXPECT_EQ(*store->RemoveExpiredJobs(3100), 1);  // J-3 only
  EXPECT_EQ(*store->RemoveExpiredJobs(2000 + 300 * 1000), 1);  // then J-1
  std::vector<JobRecord> left = *store->ListJobs();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "J-2");  // a running job never expires
}

TEST_F(StoreTest, EventsAreAnOrderedAuditLog) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "DefineSystem")).ok());
  ASSERT_TRUE(store->AppendEvent(Ev("", "host", "balancer started")).ok());
  ASSERT_TRUE(store->AppendEvent(Ev("A-1", "guest-misbehaviour", "dm: bad size")).ok());
  std::vector<EventRecord> all = *store->ListEvents("", 0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].seq, all[1].seq);
  std::vector<EventRecord> vm = *store->ListEvents("A-1", 0, 100);
  ASSERT_EQ(vm.size(), 2u);
  EXPECT_EQ(vm[1].kind, "guest-misbehaviour");
  EXPECT_EQ(store->ListEvents("", all[1].seq, 100)->size(), 1u);
}

TEST_F(StoreTest, ForeignFileIsRefusedAndLeftUnchanged) {
  {
    std::ofstream out(path_, std::ios::binary);
    out << "this is not a database, it is somebody's notes\n";
  }
  std::string before = ReadFile();
  absl::StatusOr<std::unique_ptr<VmStore>> s = OpenSqliteVmStore({path_});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.status().message().find(path_), std::string::npos) << s.status();
  EXPECT_EQ(ReadFile(), before);
  EXPECT_FALSE(fs::exists(path_ + "-wal"));
}

TEST_F(StoreTest, CorruptDatabaseIsRefusedAndLeftUnchanged) {
  {
    auto store = Open();
    for (int i = 0; i < 200; ++i) {
      std::string id = "VM-" + std::to_string(i);
      ASSERT_TRUE(store->CreateVm(Vm(id, "vm" + std::to_string(i)), Ev(id, "method", std::string(200, 'x'))).ok());
    }
  }
  // Checkpoint the WAL into the main file, then damage a page in the middle.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  std::string bytes = ReadFile();
  ASSERT_GT(bytes.size(), 16384u);
  for (size_t i = 8192; i < 8192 + 4096; ++i) bytes[i] = static_cast<char>(0xA5);
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  absl::StatusOr<std::unique_ptr<VmStore>> s = OpenSqliteVmStore({path_});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss) << s.status();
  EXPECT_EQ(ReadFile(), bytes);
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  { auto store = Open(); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  absl::StatusOr<std::unique_ptr<VmStore>> s = OpenSqliteVmStore({path_});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("schema version 99"), std::string::npos);
}

TEST_F(StoreTest, DescriptiveSettingsAreDurableInOrder) {
  {
    auto store = Open();
    VmRecord vm = Vm("A-1", "web1");
    vm.notes = {"second line", "first", ""};
    vm.roles = {"web"};
    vm.primary_owner_name = "ops";
    ASSERT_TRUE(store->CreateVm(vm, Ev("A-1", "method", "DefineSystem")).ok());
    ASSERT_TRUE(store->CreateVm(Vm("B-2", "db1"), Ev("B-2", "method", "DefineSystem")).ok());
    absl::StatusOr<VmRecord> got = store->GetVm("A-1");
    ASSERT_TRUE(got.ok());
    got->roles = {"web", "frontend"};
    got->notes.clear();
    got->primary_owner_contact = "ops@example.com";
    ASSERT_TRUE(store->UpdateVm(*got, Ev("A-1", "method", "owner")).ok());
  }
  auto store = Open();
  absl::StatusOr<std::vector<VmRecord>> all = store->ListVms();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  const VmRecord& a = (*all)[1];  // ordered by name: db1, web1
  EXPECT_EQ(a.id, "A-1");
  EXPECT_TRUE(a.notes.empty());
  EXPECT_EQ(a.roles, (std::vector<std::string>{"web", "frontend"}));
  EXPECT_EQ(a.primary_owner_name, "ops");
  EXPECT_EQ(a.primary_owner_contact, "ops@example.com");
  EXPECT_TRUE((*all)[0].roles.empty());
  EXPECT_EQ(store->GetVmByName("WEB1")->roles, a.roles);
  ASSERT_TRUE(store->DeleteVm("A-1", Ev("A-1", "method", "DestroySystem")).ok());
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "again")).ok());
  EXPECT_TRUE(store->GetVm("A-1")->roles.empty());  // rows went with the VM
}

TEST_F(StoreTest, SchemaVersion1IsMigratedKeepingItsVms) {
  { ASSERT_TRUE(Open()->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok()); }
  // Turn the file back into a version-1 database.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP INDEX jobs_by_vm; DROP TABLE vm_strings; "
                         "ALTER TABLE vms DROP COLUMN primary_owner_name; "
                         "ALTER TABLE vms DROP COLUMN primary_owner_contact; PRAGMA user_version = 1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto store = Open();
  absl::StatusOr<VmRecord> vm = store->GetVm("A-1");
  ASSERT_TRUE(vm.ok()) << vm.status();
  EXPECT_EQ(vm->memory.maximum_mib, 4096u);
  vm->notes = {"migrated"};
  vm->primary_owner_name = "ops";
  ASSERT_TRUE(store->UpdateVm(*vm, Ev("A-1", "method", "notes")).ok());
  EXPECT_EQ(store->GetVm("A-1")->notes, std::vector<std::string>{"migrated"});
  EXPECT_EQ(store->GetVm("A-1")->primary_owner_name, "ops");
}

TEST_F(StoreTest, LatestJobFinishIsPerVmTypeAndState) {
  auto store = Open();
  const auto kDone = JobState::kCompleted;
  for (const JobRecord& j : std::vector<JobRecord>{
           {"J-1", "A-1", 2, "Starting", kDone, 100, 0, "", 1000, 2000, 300},
           {"J-2", "A-1", 2, "Starting", kDone, 100, 0, "", 3000, 4000, 300},
           {"J-3", "A-1", 2, "Starting", JobState::kException, 100, 1, "no", 5000, 6000, 300},
           {"J-4", "A-1", 3, "Stopping", kDone, 100, 0, "", 7000, 8000, 300},
           {"J-5", "B-2", 2, "Starting", kDone, 100, 0, "", 9000, 9500, 300}}) {
    ASSERT_TRUE(store->PutJob(j).ok());
  }
  EXPECT_EQ(*store->LatestJobFinish("A-1", 2, kDone), 4000);
  EXPECT_EQ(*store->LatestJobFinish("A-1", 3, kDone), 8000);
  EXPECT_EQ(*store->LatestJobFinish("B-2", 2, kDone), 9500);
  EXPECT_EQ(*store->LatestJobFinish("B-2", 3, kDone), 0);
  EXPECT_EQ(*store->LatestJobFinish("C-3", 2, kDone), 0);
}

TEST_F(StoreTest, LatestJobFinishSeesLaterJobWritesOfEitherConnection) {
  for (bool exclusive : {true, false}) {
    SCOPED_TRACE(exclusive ? "exclusive" : "shared");
    fs::remove(path_);
    fs::remove(path_ + "-wal");
    auto store = Open(exclusive);
    const auto kDone = JobState::kCompleted;
    ASSERT_TRUE(store->PutJob({"J-1", "A-1", 2, "Starting", kDone, 100, 0, "", 1000, 2000, 1}).ok());
    EXPECT_EQ(*store->LatestJobFinish("A-1", 2, kDone), 2000);  // now answered from memory
    ASSERT_TRUE(store->PutJob({"J-2", "A-1", 2, "Starting", kDone, 100, 0, "", 3000, 4000, 1}).ok());
    EXPECT_EQ(*store->LatestJobFinish("A-1", 2, kDone), 4000) << "a job write left the cached answer";
    // Both jobs expire (1 s after they finished): the next answer is 0.
    EXPECT_EQ(*store->RemoveExpiredJobs(10000), 2);
    EXPECT_EQ(*store->LatestJobFinish("A-1", 2, kDone), 0) << "expired jobs were still counted";
    if (!exclusive) {
      auto other = Open(/*exclusive=*/false);
      ASSERT_TRUE(other->PutJob({"J-3", "A-1", 2, "Starting", kDone, 100, 0, "", 5000, 6000, 1}).ok());
      EXPECT_EQ(*store->LatestJobFinish("A-1", 2, kDone), 6000) << "another connection's job was missed";
    }
  }
}

TEST_F(StoreTest, AnExclusiveStoreLocksOutEveryOtherConnectionUntilItCloses) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "DefineSystem")).ok());
  // A second store (another vmms on the same state directory) is refused,
  // after its busy timeout, naming the file.
  SqliteStoreOptions o{path_};
  o.busy_timeout_ms = 50;
  absl::StatusOr<std::unique_ptr<VmStore>> second = OpenSqliteVmStore(o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
  EXPECT_NE(second.status().message().find(path_), std::string::npos) << second.status();
  EXPECT_NE(second.status().message().find("in use"), std::string::npos) << second.status();
  o.exclusive = false;
  EXPECT_EQ(OpenSqliteVmStore(o).status().code(), absl::StatusCode::kUnavailable);
  // Nor can any other program read it meanwhile.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "SELECT count(*) FROM vms", nullptr, nullptr, nullptr), SQLITE_BUSY);
  sqlite3_close(db);
  // The refused opens changed nothing, and once the owner closes the file
  // the next store opens it and finds the VM.
  EXPECT_EQ(store->GetVm("A-1")->name, "web1");
  store.reset();
  EXPECT_EQ(Open()->GetVm("A-1")->name, "web1");
}

TEST_F(StoreTest, SchemaVersion2GainsTheJobsByVmIndex) {
  { ASSERT_TRUE(Open()->PutJob({"J-1", "A-1", 2, "S", JobState::kCompleted, 100, 0, "", 1, 2, 300}).ok()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP INDEX jobs_by_vm; PRAGMA user_version = 2", nullptr, nullptr,
                         nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  { EXPECT_EQ(*Open()->LatestJobFinish("A-1", 2, JobState::kCompleted), 2); }
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "name = 'jobs_by_vm'",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), kStoreSchemaVersion);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(StoreTest, MissingFileWithoutCreateIsAnError) {
  SqliteStoreOptions o{path_};
  o.create_if_missing = false;
  EXPECT_FALSE(OpenSqliteVmStore(o).ok());
  EXPECT_FALSE(fs::exists(path_));
  EXPECT_EQ(OpenSqliteVmStore({dir_.string()}).status().code(),
            absl::StatusCode::kFailedPrecondition);  // a directory
}

TEST_F(StoreTest, WalAndFullSyncAreOn) {
  auto store = Open();
  ASSERT_TRUE(store->CreateVm(Vm("A-1", "web1"), Ev("A-1", "method", "x")).ok());
  EXPECT_TRUE(fs::exists(path_ + "-wal"));
}

}  // namespace
}  // namespace hv::vmms
