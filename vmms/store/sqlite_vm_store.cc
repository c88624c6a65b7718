#include "vmms/store/sqlite_vm_store.h"

#include <sys/stat.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "vmms/store/sqlite_db.h"

namespace hv::vmms {
namespace {

// Schema version 1. CHECK constraints repeat the domain rules so that no
// writer, however buggy, can store settings Hyper-V would refuse.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE vms (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  generation INTEGER NOT NULL DEFAULT 1,
  state INTEGER NOT NULL,
  health INTEGER NOT NULL DEFAULT 5,
  vcpu_count INTEGER NOT NULL CHECK (vcpu_count BETWEEN 1 AND 4),
  guest_image TEXT NOT NULL DEFAULT '',
  guest_command_line TEXT NOT NULL DEFAULT '',
  backend TEXT NOT NULL DEFAULT 'auto' CHECK (backend IN ('auto', 'kvm', 'tcg')),
  recovery INTEGER NOT NULL DEFAULT 0,
  saved_state_path TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  version INTEGER NOT NULL
);
CREATE TABLE memory_settings (
  vm_id TEXT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
  dynamic_memory_enabled INTEGER NOT NULL,
  startup_mib INTEGER NOT NULL,
  minimum_mib INTEGER NOT NULL,
  maximum_mib INTEGER NOT NULL,
  buffer_percent INTEGER NOT NULL CHECK (buffer_percent BETWEEN 5 AND 2000),
  weight INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 10000),
  CHECK (minimum_mib <= startup_mib AND startup_mib <= maximum_mib)
);
CREATE TABLE workers (
  vm_id TEXT PRIMARY KEY REFERENCES vms(id) ON DELETE CASCADE,
  pid INTEGER NOT NULL,
  start_time_ticks INTEGER NOT NULL,
  socket_path TEXT NOT NULL,
  started_ms INTEGER NOT NULL
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  vm_id TEXT NOT NULL DEFAULT '',
  job_type INTEGER NOT NULL,
  description TEXT NOT NULL,
  state INTEGER NOT NULL,
  percent_complete INTEGER NOT NULL,
  error_code INTEGER NOT NULL,
  error_description TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL,
  time_before_removal_s INTEGER NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  vm_id TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_vm ON events(vm_id, seq);
)sql";

// Schema version 2 (applied after V1, also to an existing version-1 file):
// the descriptive settings clients write through CIM (VmRecord::notes,
// primary_owner_*, roles). List fields are rows, one per entry, in order.
constexpr char kSchemaV2[] = R"sql(
ALTER TABLE vms ADD COLUMN primary_owner_name TEXT NOT NULL DEFAULT '';
ALTER TABLE vms ADD COLUMN primary_owner_contact TEXT NOT NULL DEFAULT '';
CREATE TABLE vm_strings (
  vm_id TEXT NOT NULL REFERENCES vms(id) ON DELETE CASCADE,
  field TEXT NOT NULL CHECK (field IN ('note', 'role')),
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (vm_id, field, position)
);
)sql";

// Schema version 3: jobs by VM, so per-VM job questions (when did this VM
// last start?) are an index lookup instead of a scan of the jobs table.
constexpr char kSchemaV3[] = R"sql(
CREATE INDEX IF NOT EXISTS jobs_by_vm ON jobs(vm_id, job_type, state, finished_ms);
)sql";

constexpr char kVmColumns[] =
    "v.id, v.name, v.generation, v.state, v.health, v.vcpu_count, v.guest_image, "
    "v.guest_command_line, v.backend, v.recovery, v.saved_state_path, v.created_ms, "
    "v.updated_ms, v.version, m.dynamic_memory_enabled, m.startup_mib, m.minimum_mib, "
    "m.maximum_mib, m.buffer_percent, m.weight, v.primary_owner_name, v.primary_owner_contact";

VmRecord ReadVm(const SqliteStatement& s) {
  VmRecord vm;
  vm.id = s.Text(0);
  vm.name = s.Text(1);
  vm.generation = static_cast<uint32_t>(s.Int(2));
  vm.state = static_cast<VmState>(s.Int(3));
  vm.health = static_cast<HealthState>(s.Int(4));
  vm.vcpu_count = static_cast<uint32_t>(s.Int(5));
  vm.guest_image = s.Text(6);
  vm.guest_command_line = s.Text(7);
  vm.backend = s.Text(8);
  vm.recovery = static_cast<RecoveryAction>(s.Int(9));
  vm.saved_state_path = s.Text(10);
  vm.created_unix_ms = s.Int(11);
  vm.updated_unix_ms = s.Int(12);
  vm.version = static_cast<uint64_t>(s.Int(13));
  vm.memory.dynamic_memory_enabled = s.Int(14) != 0;
  vm.memory.startup_mib = static_cast<uint64_t>(s.Int(15));
  vm.memory.minimum_mib = static_cast<uint64_t>(s.Int(16));
  vm.memory.maximum_mib = static_cast<uint64_t>(s.Int(17));
  vm.memory.buffer_percent = static_cast<uint32_t>(s.Int(18));
  vm.memory.weight = static_cast<uint32_t>(s.Int(19));
  vm.primary_owner_name = s.Text(20);
  vm.primary_owner_contact = s.Text(21);
  return vm;
}

JobRecord ReadJob(const SqliteStatement& s) {
  JobRecord j;
  j.id = s.Text(0);
  j.vm_id = s.Text(1);
  j.job_type = static_cast<uint32_t>(s.Int(2));
  j.description = s.Text(3);
  j.state = static_cast<JobState>(s.Int(4));
  j.percent_complete = static_cast<uint32_t>(s.Int(5));
  j.error_code = static_cast<uint32_t>(s.Int(6));
  j.error_description = s.Text(7);
  j.created_unix_ms = s.Int(8);
  j.finished_unix_ms = s.Int(9);
  j.time_before_removal_s = static_cast<uint32_t>(s.Int(10));
  return j;
}

class SqliteVmStore : public VmStore {
 public:
  // `exclusive`: the connection holds the file's exclusive lock, so only this
  // store's own writes can change what it reads (SqliteStoreOptions).
  SqliteVmStore(std::unique_ptr<SqliteDb> db, bool exclusive)
      : db_(std::move(db)), exclusive_(exclusive) {}

  absl::StatusOr<VmRecord> CreateVm(const VmRecord& vm, const EventRecord& event) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(InTransaction([&]() -> absl::Status {
      ASSIGN_OR_RETURN(auto dup, db_->Prepare("SELECT id FROM vms WHERE id = ?1 OR name = ?2"));
      dup->Bind(1, vm.id).Bind(2, vm.name);
      ASSIGN_OR_RETURN(bool exists, dup->Step());
      if (exists) return absl::AlreadyExistsError(absl::StrCat("vm '", vm.name, "': already exists"));
      ASSIGN_OR_RETURN(auto ins, db_->Prepare(
          "INSERT INTO vms (id, name, generation, state, health, vcpu_count, guest_image, "
          "guest_command_line, backend, recovery, saved_state_path, created_ms, updated_ms, "
          "primary_owner_name, primary_owner_contact, version) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?14, ?15, 1)"));
      BindVm(*ins, vm);
      ins->Bind(12, vm.updated_unix_ms);
      RETURN_IF_ERROR(ins->Run());
      RETURN_IF_ERROR(WriteMemory(vm));
      RETURN_IF_ERROR(WriteStrings(vm));
      return InsertEvent(event).status();
    }));
    vm_cache_.erase(vm.id);
    return GetVmLocked(vm.id);
  }

  absl::StatusOr<VmRecord> GetVm(absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(DropCachesIfSharedFileChanged());
    if (auto it = vm_cache_.find(id); it != vm_cache_.end()) return it->second;
    absl::StatusOr<VmRecord> vm = GetVmLocked(id);
    if (vm.ok()) vm_cache_.insert_or_assign(vm->id, *vm);
    return vm;
  }

  absl::StatusOr<VmRecord> GetVmByName(absl::string_view name) override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(absl::StrCat(
        "SELECT ", kVmColumns, " FROM vms v JOIN memory_settings m ON m.vm_id = v.id "
        "WHERE v.name = ?1 COLLATE NOCASE")));
    s->Bind(1, name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("vm '", name, "': not found"));
    VmRecord vm = ReadVm(*s);
    RETURN_IF_ERROR(ReadStrings(vm.id, {&vm}));
    return vm;
  }

  absl::StatusOr<std::vector<VmRecord>> ListVms() override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(absl::StrCat(
        "SELECT ", kVmColumns, " FROM vms v JOIN memory_settings m ON m.vm_id = v.id "
        "ORDER BY v.name COLLATE NOCASE")));
    std::vector<VmRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadVm(*s));
    }
    std::vector<VmRecord*> all;
    for (VmRecord& vm : out) all.push_back(&vm);
    RETURN_IF_ERROR(ReadStrings("", all));
    return out;
  }

  absl::StatusOr<VmRecord> UpdateVm(const VmRecord& vm, const EventRecord& event) override {
    absl::MutexLock lock(&mu_);
    vm_cache_.erase(vm.id);  // whatever the outcome: the next read goes to the file
    RETURN_IF_ERROR(InTransaction([&]() -> absl::Status {
      ASSIGN_OR_RETURN(auto dup, db_->Prepare("SELECT id FROM vms WHERE name = ?1 AND id <> ?2"));
      dup->Bind(1, vm.name).Bind(2, vm.id);
      ASSIGN_OR_RETURN(bool clash, dup->Step());
      if (clash) return absl::AlreadyExistsError(absl::StrCat("vm '", vm.name, "': already exists"));
      ASSIGN_OR_RETURN(auto up, db_->Prepare(
          "UPDATE vms SET id = ?1, name = ?2, generation = ?3, state = ?4, health = ?5, "
          "vcpu_count = ?6, guest_image = ?7, guest_command_line = ?8, backend = ?9, recovery = ?10, "
          "saved_state_path = ?11, updated_ms = ?12, primary_owner_name = ?14, "
          "primary_owner_contact = ?15, version = version + 1 "
          "WHERE id = ?1 AND version = ?13"));
      BindVm(*up, vm);
      up->Bind(12, vm.updated_unix_ms).Bind(13, static_cast<int64_t>(vm.version));
      RETURN_IF_ERROR(up->Run());
      if (db_->Changes() == 0) {
        ASSIGN_OR_RETURN(auto probe, db_->Prepare("SELECT version FROM vms WHERE id = ?1"));
        probe->Bind(1, vm.id);
        ASSIGN_OR_RETURN(bool exists, probe->Step());
        if (!exists) return absl::NotFoundError(absl::StrCat("vm '", vm.name, "': not found"));
        return absl::AbortedError(absl::StrCat("vm '", vm.name, "': changed concurrently (version ",
                                               vm.version, " is stale, stored ", probe->Int(0), ")"));
      }
      RETURN_IF_ERROR(WriteMemory(vm));
      RETURN_IF_ERROR(WriteStrings(vm));
      return InsertEvent(event).status();
    }));
    return GetVmLocked(vm.id);
  }

  absl::Status DeleteVm(absl::string_view id, const EventRecord& event) override {
    absl::MutexLock lock(&mu_);
    vm_cache_.erase(id);
    return InTransaction([&]() -> absl::Status {
      ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM vms WHERE id = ?1"));
      del->Bind(1, id);
      RETURN_IF_ERROR(del->Run());
      if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat("vm ", id, ": not found"));
      return InsertEvent(event).status();
    });
  }

  absl::Status PutWorker(const WorkerRecord& w) override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT OR REPLACE INTO workers (vm_id, pid, start_time_ticks, socket_path, started_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->Bind(1, w.vm_id).Bind(2, int64_t{w.pid}).Bind(3, static_cast<int64_t>(w.start_time_ticks))
        .Bind(4, w.socket_path).Bind(5, w.started_unix_ms);
    return s->Run();
  }

  absl::Status DeleteWorker(absl::string_view vm_id) override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare("DELETE FROM workers WHERE vm_id = ?1"));
    s->Bind(1, vm_id);
    return s->Run();
  }

  absl::StatusOr<std::vector<WorkerRecord>> ListWorkers() override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT vm_id, pid, start_time_ticks, socket_path, started_ms FROM workers ORDER BY vm_id"));
    std::vector<WorkerRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({s->Text(0), static_cast<int32_t>(s->Int(1)), static_cast<uint64_t>(s->Int(2)),
                     s->Text(3), s->Int(4)});
    }
    return out;
  }

  absl::Status PutJob(const JobRecord& j) override {
    absl::MutexLock lock(&mu_);
    job_finish_cache_.clear();  // whatever the outcome
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT OR REPLACE INTO jobs (id, vm_id, job_type, description, state, percent_complete, "
        "error_code, error_description, created_ms, finished_ms, time_before_removal_s) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    s->Bind(1, j.id).Bind(2, j.vm_id).Bind(3, int64_t{j.job_type}).Bind(4, j.description)
        .Bind(5, static_cast<int64_t>(j.state)).Bind(6, int64_t{j.percent_complete})
        .Bind(7, int64_t{j.error_code}).Bind(8, j.error_description).Bind(9, j.created_unix_ms)
        .Bind(10, j.finished_unix_ms).Bind(11, int64_t{j.time_before_removal_s});
    return s->Run();
  }

  absl::StatusOr<JobRecord> GetJob(absl::string_view id) override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(absl::StrCat(kJobSelect, " WHERE id = ?1")));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("job ", id, ": not found"));
    return ReadJob(*s);
  }

  absl::StatusOr<std::vector<JobRecord>> ListJobs() override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(absl::StrCat(kJobSelect, " ORDER BY created_ms, id")));
    std::vector<JobRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadJob(*s));
    }
    return out;
  }

  absl::StatusOr<int64_t> LatestJobFinish(absl::string_view vm_id, uint32_t job_type,
                                          JobState state) override {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(DropCachesIfSharedFileChanged());
    const std::string key = absl::StrCat(vm_id, "/", job_type, "/", static_cast<int>(state));
    if (auto it = job_finish_cache_.find(key); it != job_finish_cache_.end()) return it->second;
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT COALESCE(MAX(finished_ms), 0) FROM jobs "
        "WHERE vm_id = ?1 AND job_type = ?2 AND state = ?3"));
    s->Bind(1, vm_id).Bind(2, int64_t{job_type}).Bind(3, static_cast<int64_t>(state));
    ASSIGN_OR_RETURN(bool row, s->Step());
    const int64_t latest = row ? s->Int(0) : 0;
    job_finish_cache_.insert_or_assign(key, latest);
    return latest;
  }

  absl::StatusOr<int> RemoveExpiredJobs(int64_t now_ms) override {
    absl::MutexLock lock(&mu_);
    job_finish_cache_.clear();
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "DELETE FROM jobs WHERE state >= 7 AND finished_ms > 0 AND "
        "finished_ms + time_before_removal_s * 1000 <= ?1"));
    s->Bind(1, now_ms);
    RETURN_IF_ERROR(s->Run());
    return db_->Changes();
  }

  absl::StatusOr<int64_t> AppendEvent(const EventRecord& event) override {
    absl::MutexLock lock(&mu_);
    return InsertEvent(event);
  }

  absl::StatusOr<std::vector<EventRecord>> ListEvents(absl::string_view vm_id, int64_t after_seq,
                                                      int limit) override {
    absl::MutexLock lock(&mu_);
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT seq, at_ms, vm_id, kind, detail FROM events WHERE seq > ?1 "
        "AND (?2 = '' OR vm_id = ?2) ORDER BY seq LIMIT ?3"));
    s->Bind(1, after_seq).Bind(2, vm_id).Bind(3, int64_t{limit});
    std::vector<EventRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({s->Int(0), s->Int(1), s->Text(2), s->Text(3), s->Text(4)});
    }
    return out;
  }

  absl::StatusOr<std::string> IntegrityCheck() override {
    absl::MutexLock lock(&mu_);
    return db_->QueryText("PRAGMA integrity_check");
  }

 private:
  static constexpr char kJobSelect[] =
      "SELECT id, vm_id, job_type, description, state, percent_complete, error_code, "
      "error_description, created_ms, finished_ms, time_before_removal_s FROM jobs";

  // BEGIN IMMEDIATE takes the write lock up front so a busy database fails
  // early (after the busy timeout) instead of mid-transaction.
  absl::Status InTransaction(const std::function<absl::Status()>& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    absl::Status s = body();
    if (!s.ok()) {
      db_->Exec("ROLLBACK").IgnoreError();
      return s;
    }
    s = db_->Exec("COMMIT");
    if (!s.ok()) db_->Exec("ROLLBACK").IgnoreError();
    return s;
  }

  absl::StatusOr<VmRecord> GetVmLocked(absl::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ASSIGN_OR_RETURN(auto s, db_->Prepare(absl::StrCat(
        "SELECT ", kVmColumns, " FROM vms v JOIN memory_settings m ON m.vm_id = v.id "
        "WHERE v.id = ?1")));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(absl::StrCat("vm ", id, ": not found"));
    VmRecord vm = ReadVm(*s);
    RETURN_IF_ERROR(ReadStrings(vm.id, {&vm}));
    return vm;
  }

  // Fills notes and roles of `vms` from vm_strings (`vm_id` "" = every VM).
  absl::Status ReadStrings(absl::string_view vm_id, const std::vector<VmRecord*>& vms)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "SELECT vm_id, field, value FROM vm_strings WHERE ?1 = '' OR vm_id = ?1 "
        "ORDER BY vm_id, field, position"));
    s->Bind(1, vm_id);
    std::map<std::string, VmRecord*> by_id;
    for (VmRecord* vm : vms) by_id[vm->id] = vm;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      auto it = by_id.find(s->Text(0));
      if (it == by_id.end()) continue;
      (s->Text(1) == "note" ? it->second->notes : it->second->roles).push_back(s->Text(2));
    }
    return absl::OkStatus();
  }

  absl::Status WriteStrings(const VmRecord& vm) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ASSIGN_OR_RETURN(auto del, db_->Prepare("DELETE FROM vm_strings WHERE vm_id = ?1"));
    del->Bind(1, vm.id);
    RETURN_IF_ERROR(del->Run());
    for (const auto& [field, list] : {std::pair<const char*, const std::vector<std::string>*>{
                                          "note", &vm.notes},
                                      {"role", &vm.roles}}) {
      for (size_t i = 0; i < list->size(); ++i) {
        ASSIGN_OR_RETURN(auto ins, db_->Prepare(
            "INSERT INTO vm_strings (vm_id, field, position, value) VALUES (?1, ?2, ?3, ?4)"));
        ins->Bind(1, vm.id).Bind(2, field).Bind(3, static_cast<int64_t>(i)).Bind(4, (*list)[i]);
        RETURN_IF_ERROR(ins->Run());
      }
    }
    return absl::OkStatus();
  }

  static void BindVm(SqliteStatement& s, const VmRecord& vm) {
    s.Bind(1, vm.id).Bind(2, vm.name).Bind(3, int64_t{vm.generation})
        .Bind(4, static_cast<int64_t>(vm.state)).Bind(5, static_cast<int64_t>(vm.health))
        .Bind(6, int64_t{vm.vcpu_count}).Bind(7, vm.guest_image).Bind(8, vm.guest_command_line)
        .Bind(9, vm.backend).Bind(10, static_cast<int64_t>(vm.recovery))
        .Bind(11, vm.saved_state_path).Bind(14, vm.primary_owner_name)
        .Bind(15, vm.primary_owner_contact);
  }

  absl::Status WriteMemory(const VmRecord& vm) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT OR REPLACE INTO memory_settings (vm_id, dynamic_memory_enabled, startup_mib, "
        "minimum_mib, maximum_mib, buffer_percent, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    const MemorySettings& m = vm.memory;
    s->Bind(1, vm.id).Bind(2, int64_t{m.dynamic_memory_enabled})
        .Bind(3, static_cast<int64_t>(m.startup_mib)).Bind(4, static_cast<int64_t>(m.minimum_mib))
        .Bind(5, static_cast<int64_t>(m.maximum_mib)).Bind(6, int64_t{m.buffer_percent})
        .Bind(7, int64_t{m.weight});
    absl::Status st = s->Run();
    if (st.code() == absl::StatusCode::kAlreadyExists) {  // a CHECK constraint, not a duplicate
      return absl::InvalidArgumentError(
          absl::StrCat("vm '", vm.name, "': memory settings break a stored rule: ", st.message()));
    }
    return st;
  }

  absl::StatusOr<int64_t> InsertEvent(const EventRecord& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ASSIGN_OR_RETURN(auto s, db_->Prepare(
        "INSERT INTO events (at_ms, vm_id, kind, detail) VALUES (?1, ?2, ?3, ?4)"));
    s->Bind(1, e.at_unix_ms).Bind(2, e.vm_id).Bind(3, e.kind).Bind(4, e.detail);
    RETURN_IF_ERROR(s->Run());
    return db_->QueryInt("SELECT last_insert_rowid()");
  }

  // Empties the caches below when another connection has committed since the
  // last check. Free for an exclusive store (no other connection can);
  // otherwise one PRAGMA data_version query.
  absl::Status DropCachesIfSharedFileChanged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (exclusive_) return absl::OkStatus();
    ASSIGN_OR_RETURN(int64_t data_version, db_->QueryInt("PRAGMA data_version"));
    if (data_version != cache_data_version_) {
      vm_cache_.clear();
      job_finish_cache_.clear();
      cache_data_version_ = data_version;
    }
    return absl::OkStatus();
  }

  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
  const bool exclusive_;
  // VM records as last read, by id: a GetVm (every CIM GetInstance of a VM)
  // is then a map lookup, not two queries (docs/scale/README.md finding 5).
  // CreateVm, UpdateVm and DeleteVm erase their entry; a commit by another
  // connection empties it (DropCachesIfSharedFileChanged).
  absl::flat_hash_map<std::string, VmRecord> vm_cache_ ABSL_GUARDED_BY(mu_);
  // LatestJobFinish answers by "vm_id/job_type/state", emptied by every job
  // write (PutJob, RemoveExpiredJobs) and by another connection's commit.
  absl::flat_hash_map<std::string, int64_t> job_finish_cache_ ABSL_GUARDED_BY(mu_);
  int64_t cache_data_version_ ABSL_GUARDED_BY(mu_) = -1;
};

// The error for a file another connection has locked (SQLITE_BUSY).
absl::Status InUse(const SqliteDb& db, const absl::Status& cause) {
  return absl::UnavailableError(absl::StrCat(
      "database '", db.path(), "' is in use by another connection (is another vmms running on "
      "this state directory?): ", cause.message()));
}

// Checks an existing file before anything writes to it; migrates an empty one.
absl::Status PrepareSchema(SqliteDb& db) {
  // quick_check reads every page; a foreign file fails here with NOTADB and a
  // damaged one reports problems. Nothing has been written yet.
  absl::StatusOr<std::string> check = db.QueryText("PRAGMA quick_check");
  if (check.status().code() == absl::StatusCode::kUnavailable) return InUse(db, check.status());
  if (!check.ok()) {
    return absl::DataLossError(absl::StrCat("database '", db.path(),
                                            "' cannot be read as an SQLite database; refusing to "
                                            "use it (file left unchanged): ", check.status().message()));
  }
  if (*check != "ok") {
    return absl::DataLossError(absl::StrCat("database '", db.path(), "' is corrupt (", *check,
                                            "); refusing to use it (file left unchanged)"));
  }
  if (db.ReadOnly()) {
    return absl::PermissionDeniedError(
        absl::StrCat("database '", db.path(), "' is read-only; vmms needs to write it"));
  }
  ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  if (version > kStoreSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database '", db.path(), "' has schema version ", version, ", newer than this vmms (",
        kStoreSchemaVersion, "); refusing to use it"));
  }
  RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  if (version < kStoreSchemaVersion) {
    // One transaction per open: a crash mid-migration leaves the old version.
    RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    absl::Status s = version < 1 ? db.Exec(kSchemaV1) : absl::OkStatus();
    if (s.ok() && version < 2) s = db.Exec(kSchemaV2);
    if (s.ok() && version < 3) s = db.Exec(kSchemaV3);
    if (s.ok()) s = db.Exec(absl::StrCat("PRAGMA user_version = ", kStoreSchemaVersion));
    if (s.ok()) s = db.Exec("COMMIT");
    if (!s.ok()) {
      db.Exec("ROLLBACK").IgnoreError();
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<VmStore>> OpenSqliteVmStore(const SqliteStoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("database path is empty");
  if (options.path != ":memory:") {
    struct stat st;
    if (stat(options.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("database '", options.path, "' is not a regular file"));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                   SqliteDb::Open(options.path, options.create_if_missing));
  RETURN_IF_ERROR(db->Exec(absl::StrCat("PRAGMA busy_timeout = ", options.busy_timeout_ms)));
  // Before the first read, so WAL runs without a shared-memory index
  // (https://sqlite.org/wal.html#noshm) and no lock is ever given back.
  if (options.exclusive) RETURN_IF_ERROR(db->Exec("PRAGMA locking_mode = EXCLUSIVE"));
  RETURN_IF_ERROR(PrepareSchema(*db));
  if (options.exclusive) {
    // Take the write lock now, not at the first write: from here on no other
    // connection reads or writes the file.
    absl::Status s = db->Exec("BEGIN EXCLUSIVE");
    if (s.code() == absl::StatusCode::kUnavailable) return InUse(*db, s);
    RETURN_IF_ERROR(s);
    RETURN_IF_ERROR(db->Exec("COMMIT"));
  }
  return std::unique_ptr<VmStore>(new SqliteVmStore(std::move(db), options.exclusive));
}

}  // namespace hv::vmms
