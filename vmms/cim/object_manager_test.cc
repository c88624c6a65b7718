// ObjectManager over a real VmManager and SQLite store; workers are an
// in-process fake (the domain's WorkerFactory interface), so these tests need
// no vmwp. The gRPC path and real workers are in tests/integration/cim_*.
#include "vmms/cim/object_manager.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <set>

#include "absl/synchronization/mutex.h"
#include "cim-schema/cim_status.h"
#include "counters/counter_registry.h"
#include "gtest/gtest.h"
#include "vmms/cim/cim_backend.h"
#include "vmms/cim/keys.h"
#include "vmms/store/sqlite_vm_store.h"

namespace hv::vmms::cim {
namespace {

namespace fs = std::filesystem;
using hv::cim::CimStatusCode;
using hv::cim::GetCimStatus;
using hv::cim::Instance;
using hv::cim::ObjectPath;
using hv::cim::Value;

class NullControl : public WorkerControl {
 public:
  absl::Status Pause() override { return absl::OkStatus(); }
  absl::Status Resume() override { return absl::OkStatus(); }
  absl::Status Shutdown(absl::Duration) override { return absl::OkStatus(); }
  absl::Status TurnOff() override { return absl::OkStatus(); }
  absl::Status Save(const std::string&) override { return absl::OkStatus(); }
  absl::Status SetMemoryTarget(uint64_t) override { return absl::OkStatus(); }
  absl::Status RunWorkload(const std::string&) override { return absl::OkStatus(); }
};

class FakeFactory : public WorkerFactory {
 public:
  absl::StatusOr<StartedWorker> Start(const WorkerStartRequest& r, WorkerCallbacks) override {
    if (fail_start) return absl::InternalError("vmwp: cannot map guest memory");
    return StartedWorker{{r.vm.id, next_pid++, 7, "/tmp/none", 1}, std::make_unique<NullControl>()};
  }
  absl::StatusOr<std::unique_ptr<WorkerControl>> Adopt(const WorkerRecord&, WorkerCallbacks) override {
    return absl::NotFoundError("no adoption in tests");
  }
  void Kill(const WorkerRecord&) override {}
  std::atomic<bool> fail_start{false};
  int next_pid = 1000;
};

// Forwards to a real store and counts the job queries, so a test can tell a
// per-VM lookup from a scan of the whole jobs table.
class CountingStore : public VmStore {
 public:
  explicit CountingStore(std::unique_ptr<VmStore> s) : s_(std::move(s)) {}
  absl::StatusOr<VmRecord> CreateVm(const VmRecord& vm, const EventRecord& e) override {
    return s_->CreateVm(vm, e);
  }
  absl::StatusOr<VmRecord> GetVm(absl::string_view id) override { return s_->GetVm(id); }
  absl::StatusOr<VmRecord> GetVmByName(absl::string_view n) override { return s_->GetVmByName(n); }
  absl::StatusOr<std::vector<VmRecord>> ListVms() override { return s_->ListVms(); }
  absl::StatusOr<VmRecord> UpdateVm(const VmRecord& vm, const EventRecord& e) override {
    return s_->UpdateVm(vm, e);
  }
  absl::Status DeleteVm(absl::string_view id, const EventRecord& e) override {
    return s_->DeleteVm(id, e);
  }
  absl::Status PutWorker(const WorkerRecord& w) override { return s_->PutWorker(w); }
  absl::Status DeleteWorker(absl::string_view id) override { return s_->DeleteWorker(id); }
  absl::StatusOr<std::vector<WorkerRecord>> ListWorkers() override { return s_->ListWorkers(); }
  absl::Status PutJob(const JobRecord& j) override { return s_->PutJob(j); }
  absl::StatusOr<JobRecord> GetJob(absl::string_view id) override { return s_->GetJob(id); }
  absl::StatusOr<std::vector<JobRecord>> ListJobs() override {
    ++list_jobs;
    return s_->ListJobs();
  }
  absl::StatusOr<int64_t> LatestJobFinish(absl::string_view vm_id, uint32_t type,
                                          JobState state) override {
    ++latest_job_finish;
    return s_->LatestJobFinish(vm_id, type, state);
  }
  absl::StatusOr<int> RemoveExpiredJobs(int64_t now) override { return s_->RemoveExpiredJobs(now); }
  absl::StatusOr<int64_t> AppendEvent(const EventRecord& e) override { return s_->AppendEvent(e); }
  absl::StatusOr<std::vector<EventRecord>> ListEvents(absl::string_view vm_id, int64_t after,
                                                      int limit) override {
    return s_->ListEvents(vm_id, after, limit);
  }
  absl::StatusOr<std::string> IntegrityCheck() override { return s_->IntegrityCheck(); }
  std::atomic<int> list_jobs{0};
  std::atomic<int> latest_job_finish{0};

 private:
  std::unique_ptr<VmStore> s_;
};

class ObjectManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vmms-cim-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto counting = std::make_unique<CountingStore>(*OpenSqliteVmStore({(dir_ / "vmms.db").string()}));
    counting_ = counting.get();
    store_ = std::move(counting);
    VmManagerOptions o;
    o.state_dir = (dir_ / "state").string();
    o.budget_mib = 8192;
    o.balancer_interval = absl::ZeroDuration();
    manager_ = std::make_unique<VmManager>(store_.get(), &factory_, o);
    ASSERT_TRUE(manager_->Start().ok());
    auto b = MakeCimBackend(manager_.get(), &counters_, {"testhost"});
    ASSERT_TRUE(b.ok()) << b.status();
    backend_ = *std::move(b);
    om_ = backend_->objects.get();
  }
  void TearDown() override {
    backend_.reset();
    manager_.reset();
    fs::remove_all(dir_);
  }
  CallContext Ctx(const std::string& ns, const std::string& pin = "") {
    absl::StatusOr<CallContext> c = om_->Context(ns, pin);
    EXPECT_TRUE(c.ok()) << c.status();
    return *c;
  }
  static ObjectPath Vsms(const std::string& ns) {
    ObjectPath p;
    p.name_space = ns;
    p.class_name = "Msvm_VirtualSystemManagementService";
    return p;
  }
  static InArg Str(const std::string& n, const std::string& v) { return {n, Value::String(v)}; }
  static InArg StrArr(const std::string& n, std::vector<std::string> v) {
    std::vector<hv::cim::Scalar> e(v.begin(), v.end());
    return {n, Value::Array(hv::cim::CimType::kString, std::move(e))};
  }
  // Defines a VM through v2 DefineSystem; returns its GUID.
  std::string Define(const std::string& name, const std::string& memory_mof) {
    auto r = om_->InvokeMethod(
        Ctx("root/virtualization/v2"), Vsms("root/virtualization/v2"), "DefineSystem",
        {Str("SystemSettings",
             "instance of Msvm_VirtualSystemSettingData { ElementName = \"" + name + "\"; };"),
         StrArr("ResourceSettings", {memory_mof})});
    EXPECT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->return_value, 0u) << r->error_description;
    return StringKey(r->out.at(0).value.AsReference(), "Name");
  }
  Instance Get(const std::string& ns, const ObjectPath& p, const std::string& pin = "") {
    auto s = om_->GetInstance(Ctx(ns, pin), p, std::nullopt);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->instance : Instance();
  }
  ObjectPath MemPath(const std::string& id) {
    return SettingPath("Msvm_MemorySettingData", SettingInstanceId(id, SettingKind::kMemory));
  }

  fs::path dir_;
  std::unique_ptr<VmStore> store_;
  CountingStore* counting_ = nullptr;  // store_, with its job query counts
  FakeFactory factory_;
  counters::CounterRegistry counters_;
  std::unique_ptr<VmManager> manager_;
  std::unique_ptr<CimBackend> backend_;
  ObjectManager* om_ = nullptr;
};

// A MOF string literal ("Microsoft:<GUID>\\..." needs its backslash escaped).
std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

constexpr char kDmMemory[] =
    "instance of Msvm_MemorySettingData { VirtualQuantity = 1024; Reservation = 512; "
    "Limit = 4096; DynamicMemoryEnabled = TRUE; TargetMemoryBuffer = 25; Weight = 6000; };";

TEST_F(ObjectManagerTest, EveryProjectClassHasAProvider) {
  for (const std::string& ns : backend_->registry->Namespaces()) {
    CallContext ctx = Ctx(ns);
    for (const auto& c : ctx.schema->classes()) {
      const std::string& n = c->name();
      bool ours = n.rfind("Msvm_", 0) == 0 || n.rfind("Win32_Perf", 0) == 0 ||
                  (ns == "root/interop" && (n == "CIM_Namespace" || n == "CIM_ObjectManager" ||
                                            n == "CIM_RegisteredProfile"));
      // Msvm_SummaryInformation is only ever embedded (keyless, never enumerated).
      if (!ours || c->IsAbstract() || n == "Msvm_SummaryInformation") continue;
      auto all = om_->EnumerateInstances(ctx, n, true, std::nullopt);
      EXPECT_TRUE(all.ok()) << ns << ":" << n << " " << all.status();
    }
  }
}

TEST_F(ObjectManagerTest, DefineWithDynamicMemoryAndReadBackInBothNamespaces) {
  std::string id = Define("web1", kDmMemory);
  Instance cs = Get("root/virtualization/v2", ComputerSystemPath(id));
  EXPECT_EQ(cs.Get("ElementName")->AsString(), "web1");
  EXPECT_EQ(cs.Get("CreationClassName")->AsString(), "Msvm_ComputerSystem");
  EXPECT_EQ(cs.Get("EnabledState")->AsUnsigned(), 3u);
  Instance mem = Get("root/virtualization/v2", MemPath(id));
  EXPECT_EQ(mem.Get("Reservation")->AsUnsigned(), 512u);
  EXPECT_EQ(mem.Get("TargetMemoryBuffer")->AsUnsigned(), 25u);
  EXPECT_EQ(mem.Get("AllocationUnits")->AsString(), "byte * 2^20");
  // v1 sees the same VM with v1 units and DeviceID.
  Instance v1 = Get("root/virtualization", MemPath(id));
  EXPECT_EQ(v1.Get("AllocationUnits")->AsString(), "MB");
  EXPECT_NE(v1.Get("DeviceID"), nullptr);
  EXPECT_TRUE(v1.Get("DynamicMemoryEnabled")->AsBool());  // unpinned = newest (SP1)
  // Pinned to RTM: the Dynamic Memory properties are absent.
  Instance rtm = Get("root/virtualization", MemPath(id), "root/virtualization@2008R2-RTM");
  EXPECT_EQ(rtm.Get("DynamicMemoryEnabled"), nullptr);
  EXPECT_EQ(rtm.Get("TargetMemoryBuffer"), nullptr);
  EXPECT_EQ(rtm.Get("VirtualQuantity")->AsUnsigned(), 1024u);
}

TEST_F(ObjectManagerTest, CimXmlEmbeddedInstanceIsAccepted) {
  std::string id = Define(
      "xml1",
      "<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\">"
      "<PROPERTY NAME=\"VirtualQuantity\" TYPE=\"uint64\"><VALUE>2048</VALUE></PROPERTY>"
      "<PROPERTY NAME=\"DynamicMemoryEnabled\" TYPE=\"boolean\"><VALUE>false</VALUE></PROPERTY>"
      "</INSTANCE>");
  Instance mem = Get("root/virtualization/v2", MemPath(id));
  EXPECT_EQ(mem.Get("VirtualQuantity")->AsUnsigned(), 2048u);
  EXPECT_FALSE(mem.Get("DynamicMemoryEnabled")->AsBool());
}

TEST_F(ObjectManagerTest, RtmPinnedWriteLeavesDynamicMemoryExactlyAsItWas) {
  std::string id = Define("old1", kDmMemory);
  const std::string pin = "root/virtualization@2008R2-RTM";
  CallContext ctx = Ctx("root/virtualization", pin);
  // An RTM tool: read the instance, change VirtualQuantity, send it all back
  // (static-memory era: Reservation = Limit = VirtualQuantity).
  auto r = om_->InvokeMethod(
      ctx, Vsms("root/virtualization"), "ModifyVirtualSystemResources",
      {{"ComputerSystem", Value::Reference(ComputerSystemPath(id))},
       StrArr("ResourceSettingData",
              {"instance of Msvm_MemorySettingData { InstanceID = " +
               Quoted(SettingInstanceId(id, SettingKind::kMemory)) +
               "; VirtualQuantity = 2048; Reservation = 2048; Limit = 2048; };"})});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->return_value, 0u) << r->error_description;
  Instance mem = Get("root/virtualization/v2", MemPath(id));
  EXPECT_EQ(mem.Get("VirtualQuantity")->AsUnsigned(), 2048u);
  EXPECT_TRUE(mem.Get("DynamicMemoryEnabled")->AsBool());
  EXPECT_EQ(mem.Get("TargetMemoryBuffer")->AsUnsigned(), 25u);
  EXPECT_EQ(mem.Get("Reservation")->AsUnsigned(), 512u);
  EXPECT_EQ(mem.Get("Limit")->AsUnsigned(), 4096u);
  // The RTM client cannot even name the property it does not know.
  auto bad = om_->InvokeMethod(
      ctx, Vsms("root/virtualization"), "ModifyVirtualSystemResources",
      {{"ComputerSystem", Value::Reference(ComputerSystemPath(id))},
       StrArr("ResourceSettingData",
              {"instance of Msvm_MemorySettingData { DynamicMemoryEnabled = FALSE; };"})});
  EXPECT_EQ(GetCimStatus(bad.status()), CimStatusCode::kInvalidParameter) << bad.status();
  // An SP1 (unpinned) v1 client may change them.
  auto sp1 = om_->InvokeMethod(
      Ctx("root/virtualization"), Vsms("root/virtualization"), "ModifyVirtualSystemResources",
      {{"ComputerSystem", Value::Reference(ComputerSystemPath(id))},
       StrArr("ResourceSettingData",
              {"instance of Msvm_MemorySettingData { TargetMemoryBuffer = 40; };"})});
  ASSERT_TRUE(sp1.ok()) << sp1.status();
  EXPECT_EQ(sp1->return_value, 0u) << sp1->error_description;
  EXPECT_EQ(Get("root/virtualization/v2", MemPath(id)).Get("TargetMemoryBuffer")->AsUnsigned(), 40u);
}

TEST_F(ObjectManagerTest, RuleViolationsReturnInvalidParameterAndChangeNothing) {
  std::string id = Define("rules", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  const std::string iid = SettingInstanceId(id, SettingKind::kMemory);
  for (const std::string& body :
       {std::string("Reservation = 2048;"), std::string("TargetMemoryBuffer = 2001;"),
        std::string("TargetMemoryBuffer = 4;"), std::string("Weight = 10001;"),
        std::string("Limit = 512; VirtualQuantity = 1024;")}) {
    auto r = om_->InvokeMethod(
        v2, Vsms("root/virtualization/v2"), "ModifyResourceSettings",
        {StrArr("ResourceSettings",
                {"instance of Msvm_MemorySettingData { InstanceID = " + Quoted(iid) + "; " + body + " };"})});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->return_value, 4u) << body;
    EXPECT_FALSE(r->error_description.empty()) << body;
  }
  // The same through v1: the 32768 family.
  auto v1 = om_->InvokeMethod(
      Ctx("root/virtualization"), Vsms("root/virtualization"), "ModifyVirtualSystemResources",
      {{"ComputerSystem", Value::Reference(ComputerSystemPath(id))},
       StrArr("ResourceSettingData",
              {"instance of Msvm_MemorySettingData { Reservation = 9999; };"})});
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->return_value, 32773u);
  Instance mem = Get("root/virtualization/v2", MemPath(id));
  EXPECT_EQ(mem.Get("Reservation")->AsUnsigned(), 512u);
  EXPECT_EQ(mem.Get("Limit")->AsUnsigned(), 4096u);
  EXPECT_EQ(mem.Get("TargetMemoryBuffer")->AsUnsigned(), 25u);
  EXPECT_EQ(mem.Get("Weight")->AsUnsigned(), 6000u);
}

TEST_F(ObjectManagerTest, BadInputGetsThePreciseCimError) {
  std::string id = Define("bad", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  auto code = [](const absl::Status& s) { return GetCimStatus(s).value_or(CimStatusCode::kFailed); };
  EXPECT_EQ(code(om_->Context("root/nowhere", "").status()), CimStatusCode::kInvalidNamespace);
  EXPECT_EQ(code(om_->Context("root/virtualization", "root/virtualization@1999").status()),
            CimStatusCode::kInvalidParameter);
  EXPECT_EQ(code(om_->Context("root/virtualization", "garbage").status()),
            CimStatusCode::kInvalidParameter);
  EXPECT_EQ(code(om_->EnumerateInstances(v2, "Msvm_Nope", true, std::nullopt).status()),
            CimStatusCode::kInvalidClass);
  ObjectPath missing = ComputerSystemPath("00000000-0000-0000-0000-000000000001");
  auto nf = om_->GetInstance(v2, missing, std::nullopt);
  EXPECT_EQ(code(nf.status()), CimStatusCode::kNotFound);
  EXPECT_FALSE(nf.status().message().empty());
  ObjectPath nokey;
  nokey.class_name = "Msvm_ComputerSystem";
  nokey.SetKey("Bogus", Value::String("x"));
  EXPECT_EQ(code(om_->GetInstance(v2, nokey, std::nullopt).status()), CimStatusCode::kInvalidParameter);
  EXPECT_EQ(code(om_->InvokeMethod(v2, ComputerSystemPath(id), "Explode", {}).status()),
            CimStatusCode::kMethodNotFound);
  EXPECT_EQ(code(om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                   {Str("RequestedState", "many")})
                     .status()),
            CimStatusCode::kTypeMismatch);
  EXPECT_EQ(code(om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                   {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint32, 70000)}})
                     .status()),
            CimStatusCode::kTypeMismatch);
  EXPECT_EQ(code(om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                   {Str("NoSuchParam", "2")})
                     .status()),
            CimStatusCode::kInvalidParameter);
  for (const std::string& text :
       {std::string("instance of Msvm_MemorySettingData { VirtualQuantity = ; };"),
        std::string("<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY NAME=\"Nope\">"),
        std::string("instance of Msvm_MemorySettingData { NoSuchProperty = 1; };"),
        std::string("instance of Msvm_ComputerSystem { Name = \"x\"; };"),
        std::string("<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY NAME=\"Limit\" "
                    "TYPE=\"string\"><VALUE>5</VALUE></PROPERTY></INSTANCE>")}) {
    auto r = om_->InvokeMethod(v2, Vsms("root/virtualization/v2"), "ModifyResourceSettings",
                               {StrArr("ResourceSettings", {text})});
    EXPECT_EQ(code(r.status()), CimStatusCode::kInvalidParameter) << text << " " << r.status();
    EXPECT_FALSE(r.status().message().empty());
  }
  // Nothing changed.
  EXPECT_EQ(Get("root/virtualization/v2", MemPath(id)).Get("VirtualQuantity")->AsUnsigned(), 1024u);
}

// Finding 2 of docs/scale/README.md: each Msvm_ComputerSystem instance used
// to list the whole jobs table to find when its VM started, so enumerating
// was O(VMs x jobs). Now each running VM costs one indexed lookup.
TEST_F(ObjectManagerTest, EnumeratingSystemsLooksUpEachStartInsteadOfListingJobs) {
  CallContext v2 = Ctx("root/virtualization/v2");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(Define("run" + std::to_string(i), kDmMemory));
    auto start = om_->InvokeMethod(v2, ComputerSystemPath(ids.back()), "RequestStateChange",
                                   {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 2)}});
    ASSERT_TRUE(start.ok()) << start.status();
    ASSERT_EQ(start->return_value, 4096u);
    auto job = manager_->WaitJob(StringKey(start->out.at(0).value.AsReference(), "InstanceID"),
                                 absl::Seconds(30));
    ASSERT_TRUE(job.ok()) << job.status();
    ASSERT_EQ(job->state, JobState::kCompleted);
  }
  Define("off", kDmMemory);  // no worker: no lookup at all
  counting_->list_jobs = 0;
  counting_->latest_job_finish = 0;
  auto all = om_->EnumerateInstances(v2, "Msvm_ComputerSystem", true, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(counting_->list_jobs.load(), 0);
  EXPECT_EQ(counting_->latest_job_finish.load(), 3);
  int running = 0;
  for (const auto& s : *all) {
    const Value* on = s.instance.Get("OnTimeInMilliseconds");
    if (std::find(ids.begin(), ids.end(), s.instance.Get("Name")->AsString()) == ids.end()) continue;
    ++running;
    ASSERT_NE(on, nullptr);
  }
  EXPECT_EQ(running, 3);
  // GetInstance: one lookup, no scan.
  counting_->latest_job_finish = 0;
  Get("root/virtualization/v2", ComputerSystemPath(ids[0]));
  EXPECT_EQ(counting_->list_jobs.load(), 0);
  EXPECT_EQ(counting_->latest_job_finish.load(), 1);
}

TEST_F(ObjectManagerTest, StateChangeJobsInBothNumberings) {
  std::string id = Define("jobs", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  auto start = om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                 {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 2)}});
  ASSERT_TRUE(start.ok()) << start.status();
  ASSERT_EQ(start->return_value, 4096u);
  const ObjectPath& job = start->out.at(0).value.AsReference();
  EXPECT_EQ(job.name_space, "root/virtualization/v2");
  ASSERT_TRUE(manager_->WaitJob(StringKey(job, "InstanceID"), absl::Seconds(10)).ok());
  Instance j = Get("root/virtualization/v2", job);
  EXPECT_EQ(j.Get("JobState")->AsUnsigned(), 7u);
  EXPECT_EQ(Get("root/virtualization/v2", ComputerSystemPath(id)).Get("EnabledState")->AsUnsigned(), 2u);
  // Starting a running VM: 32775 with a description.
  auto again = om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                 {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 2)}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->return_value, 32775u);
  EXPECT_FALSE(again->error_description.empty());
  // v1 pause = 32768, seen as 32768 in v1 and 9 in v2.
  auto pause = om_->InvokeMethod(Ctx("root/virtualization"), ComputerSystemPath(id),
                                 "RequestStateChange",
                                 {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 32768)}});
  ASSERT_TRUE(pause.ok()) << pause.status();
  ASSERT_EQ(pause->return_value, 4096u) << pause->error_description;
  ASSERT_TRUE(manager_->WaitJob(StringKey(pause->out.at(0).value.AsReference(), "InstanceID"),
                                absl::Seconds(10)).ok());
  EXPECT_EQ(Get("root/virtualization", ComputerSystemPath(id)).Get("EnabledState")->AsUnsigned(), 32768u);
  EXPECT_EQ(Get("root/virtualization/v2", ComputerSystemPath(id)).Get("EnabledState")->AsUnsigned(), 9u);
  // Destroying a paused VM is a job (4096 in v1 too): turn off, then delete.
  auto destroy = om_->InvokeMethod(Ctx("root/virtualization"), Vsms("root/virtualization"),
                                   "DestroyVirtualSystem",
                                   {{"ComputerSystem", Value::Reference(ComputerSystemPath(id))}});
  ASSERT_TRUE(destroy.ok()) << destroy.status();
  ASSERT_EQ(destroy->return_value, 4096u) << destroy->error_description;
  ASSERT_EQ(destroy->out.at(0).name, "Job");
  const ObjectPath& djob = destroy->out.at(0).value.AsReference();
  EXPECT_EQ(djob.name_space, "root/virtualization");
  ASSERT_TRUE(manager_->WaitJob(StringKey(djob, "InstanceID"), absl::Seconds(10)).ok());
  EXPECT_EQ(Get("root/virtualization", djob).Get("JobState")->AsUnsigned(), 7u);
  EXPECT_EQ(GetCimStatus(om_->GetInstance(v2, ComputerSystemPath(id), std::nullopt).status()),
            CimStatusCode::kNotFound);
}

TEST_F(ObjectManagerTest, FailedJobCarriesErrorDescriptionAndGetError) {
  std::string id = Define("failing", kDmMemory);
  factory_.fail_start = true;
  CallContext v2 = Ctx("root/virtualization/v2");
  auto start = om_->InvokeMethod(v2, ComputerSystemPath(id), "RequestStateChange",
                                 {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 2)}});
  ASSERT_TRUE(start.ok());
  ASSERT_EQ(start->return_value, 4096u);
  const ObjectPath job = start->out.at(0).value.AsReference();
  ASSERT_TRUE(manager_->WaitJob(StringKey(job, "InstanceID"), absl::Seconds(10)).ok());
  Instance j = Get("root/virtualization/v2", job);
  EXPECT_EQ(j.Get("JobState")->AsUnsigned(), 10u);
  EXPECT_NE(j.Get("ErrorDescription")->AsString().find("cannot map guest memory"), std::string::npos);
  auto err = om_->InvokeMethod(v2, job, "GetError", {});
  ASSERT_TRUE(err.ok()) << err.status();
  ASSERT_EQ(err->out.at(0).instances.size(), 1u);
  EXPECT_NE(err->out[0].instances[0].Get("Message")->AsString().find("cannot map"), std::string::npos);
}

TEST_F(ObjectManagerTest, InheritancePropertyListQueriesAndAssociations) {
  std::string id = Define("assoc", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  auto rasd = om_->EnumerateInstances(v2, "CIM_ResourceAllocationSettingData", true, std::nullopt);
  ASSERT_TRUE(rasd.ok());
  EXPECT_EQ(rasd->size(), 2u);  // memory + processor
  auto shallow = om_->EnumerateInstances(v2, "CIM_ResourceAllocationSettingData", false, std::nullopt);
  ASSERT_TRUE(shallow.ok());
  for (const auto& s : *shallow) EXPECT_EQ(s.instance.Get("DynamicMemoryEnabled"), nullptr);
  auto listed = om_->EnumerateInstances(v2, "Msvm_MemorySettingData", true,
                                        std::vector<std::string>{"limit"});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].instance.properties().size(), 1u);
  auto q = om_->ExecQuery(v2, "WQL",
                          "SELECT Limit FROM Msvm_MemorySettingData WHERE DynamicMemoryEnabled = TRUE "
                          "AND Limit > 2000");
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ(GetCimStatus(om_->ExecQuery(v2, "WQL", "SELEKT * FROM x").status()),
            CimStatusCode::kInvalidQuery);
  EXPECT_EQ(GetCimStatus(om_->ExecQuery(v2, "CQL", "SELECT * FROM x").status()),
            CimStatusCode::kQueryLanguageNotSupported);
  // Computer system -> settings -> memory, by API and by WQL.
  AssociationFilter f;
  f.result_class = "Msvm_VirtualSystemSettingData";
  auto vssd = om_->Associators(v2, ComputerSystemPath(id), f, std::nullopt, false);
  ASSERT_TRUE(vssd.ok()) << vssd.status();
  ASSERT_EQ(vssd->size(), 1u);
  auto parts = om_->ExecQuery(v2, "WQL",
                              "ASSOCIATORS OF {Msvm_VirtualSystemSettingData.InstanceID=" +
                                  Quoted(SettingInstanceId(id, SettingKind::kSystem)) +
                                  "} WHERE ResultClass = Msvm_MemorySettingData");
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].instance.Get("Limit")->AsUnsigned(), 4096u);
  auto refs = om_->ExecQuery(v2, "WQL",
                             "REFERENCES OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\","
                             "Name=\"" + id + "\"} WHERE ResultClass = Msvm_SystemDevice");
  ASSERT_TRUE(refs.ok()) << refs.status();
  EXPECT_EQ(refs->size(), 2u);  // memory + heartbeat
}

TEST_F(ObjectManagerTest, ClassDefsOnlyGivesEachResultClassOnceAtItsPinnedVersion) {
  std::string id = Define("defs", kDmMemory);
  const std::string vssd_path = "{Msvm_VirtualSystemSettingData.InstanceID=" +
                                Quoted(SettingInstanceId(id, SettingKind::kSystem)) + "}";
  auto instances = om_->ExecQuery(Ctx("root/virtualization/v2"), "WQL", "ASSOCIATORS OF " + vssd_path);
  ASSERT_TRUE(instances.ok()) << instances.status();
  auto defs = om_->ExecQuery(Ctx("root/virtualization/v2"), "WQL",
                             "ASSOCIATORS OF " + vssd_path + " WHERE ClassDefsOnly");
  ASSERT_TRUE(defs.ok()) << defs.status();
  std::vector<std::string> want;
  for (const ServedInstance& s : *instances) {
    if (std::find(want.begin(), want.end(), s.instance.class_name()) == want.end()) {
      want.push_back(s.instance.class_name());
    }
  }
  std::vector<std::string> got;
  for (const ServedInstance& d : *defs) {
    EXPECT_TRUE(d.path.IsClassPath()) << d.path.class_name;
    EXPECT_EQ(d.path.name_space, "root/virtualization/v2");
    got.push_back(d.instance.class_name());
  }
  EXPECT_EQ(got, want);
  auto mem = std::find(got.begin(), got.end(), "Msvm_MemorySettingData");
  ASSERT_NE(mem, got.end());
  const Instance& mem_class = (*defs)[mem - got.begin()].instance;
  EXPECT_EQ(mem_class.Get("ResourceSubType")->AsString(), "Microsoft:Hyper-V:Memory");
  ASSERT_NE(mem_class.Get("Limit"), nullptr);
  EXPECT_TRUE(mem_class.Get("Limit")->is_null());  // a class has no instance values
  // References: the association classes, each once (two Msvm_SystemDevice links, one class).
  const std::string cs_path = "{Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"" +
                              id + "\"}";
  auto links = om_->ExecQuery(Ctx("root/virtualization/v2"), "WQL", "REFERENCES OF " + cs_path);
  ASSERT_TRUE(links.ok()) << links.status();
  auto refs = om_->ExecQuery(Ctx("root/virtualization/v2"), "WQL",
                             "REFERENCES OF " + cs_path + " WHERE ClassDefsOnly");
  ASSERT_TRUE(refs.ok()) << refs.status();
  EXPECT_LT(refs->size(), links->size());
  std::vector<std::string> assoc_classes;
  for (const ServedInstance& d : *refs) assoc_classes.push_back(d.path.class_name);
  EXPECT_EQ(std::count(assoc_classes.begin(), assoc_classes.end(), "Msvm_SystemDevice"), 1);
  EXPECT_EQ(std::set<std::string>(assoc_classes.begin(), assoc_classes.end()).size(),
            assoc_classes.size());
  // An RTM-pinned client sees the RTM class: no Dynamic Memory properties.
  auto v1 = om_->ExecQuery(Ctx("root/virtualization", "root/virtualization@2008R2-RTM"), "WQL",
                           "ASSOCIATORS OF {Msvm_VirtualSystemSettingData.InstanceID=" +
                               Quoted(SettingInstanceId(id, SettingKind::kSystem)) +
                               "} WHERE ClassDefsOnly");
  ASSERT_TRUE(v1.ok()) << v1.status();
  bool saw_memory = false;
  for (const ServedInstance& d : *v1) {
    if (d.instance.class_name() != "Msvm_MemorySettingData") continue;
    saw_memory = true;
    EXPECT_NE(d.instance.Get("AllocationUnits"), nullptr);
    EXPECT_EQ(d.instance.Get("DynamicMemoryEnabled"), nullptr);
  }
  EXPECT_TRUE(saw_memory);
  // ClassDefsOnly still refuses ResultClass (cim.md §4).
  EXPECT_EQ(GetCimStatus(om_->ExecQuery(Ctx("root/virtualization/v2"), "WQL",
                                        "ASSOCIATORS OF " + vssd_path +
                                            " WHERE ClassDefsOnly ResultClass = Msvm_Memory")
                             .status()),
            CimStatusCode::kInvalidQuery);
}

TEST_F(ObjectManagerTest, DefineSystemStoresWhatItIsGivenOrRefusesItByName) {
  CallContext v2 = Ctx("root/virtualization/v2");
  auto define = [&](const std::string& system) {
    return om_->InvokeMethod(v2, Vsms("root/virtualization/v2"), "DefineSystem",
                             {Str("SystemSettings", system), StrArr("ResourceSettings", {kDmMemory})});
  };
  auto vm_count = [&] {
    auto all = om_->EnumerateInstances(v2, "Msvm_VirtualSystemSettingData", true, std::nullopt);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? all->size() : 0u;
  };
  // Notes and AutomaticRecoveryAction are stored at definition, as
  // ModifySystemSettings stores them.
  auto ok = define("instance of Msvm_VirtualSystemSettingData { ElementName = \"kept\"; "
                   "Notes = {\"web tier\", \"owner: ops\"}; AutomaticRecoveryAction = 1; };");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->return_value, 0u) << ok->error_description;
  const std::string id = StringKey(ok->out.at(0).value.AsReference(), "Name");
  Instance vssd = Get("root/virtualization/v2",
                      SettingPath("Msvm_VirtualSystemSettingData",
                                  SettingInstanceId(id, SettingKind::kSystem)));
  ASSERT_NE(vssd.Get("Notes"), nullptr);
  ASSERT_EQ(vssd.Get("Notes")->array().size(), 2u);
  EXPECT_EQ(std::get<std::string>(vssd.Get("Notes")->array()[1]), "owner: ops");
  EXPECT_EQ(vssd.Get("AutomaticRecoveryAction")->AsUnsigned(), 1u);
  const size_t defined = vm_count();
  // A setting vmms has nowhere to keep is refused by name, not dropped.
  auto dropped = define("instance of Msvm_VirtualSystemSettingData { ElementName = \"lost\"; "
                        "SnapshotDataRoot = \"/srv/snap\"; };");
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(dropped->return_value, 1u);  // Not Supported
  EXPECT_NE(dropped->error_description.find("SnapshotDataRoot"), std::string::npos)
      << dropped->error_description;
  // A value outside the rules is refused by the same check as a modify.
  auto bad = define("instance of Msvm_VirtualSystemSettingData { ElementName = \"bad\"; "
                    "AutomaticRecoveryAction = 7; };");
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_NE(bad->return_value, 0u);
  EXPECT_NE(bad->error_description.find("AutomaticRecoveryAction 7"), std::string::npos)
      << bad->error_description;
  EXPECT_EQ(vm_count(), defined);  // neither refusal defined a VM
}

TEST_F(ObjectManagerTest, ModifyInstanceOnlyWritesWriteProperties) {
  std::string id = Define("mi", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  Instance cs = Get("root/virtualization/v2", ComputerSystemPath(id));
  Instance ro = cs;
  ro.Set("ElementName", Value::String("renamed"));
  absl::Status s = om_->ModifyInstance(v2, ComputerSystemPath(id), ro, std::nullopt);
  EXPECT_EQ(GetCimStatus(s), CimStatusCode::kNotSupported) << s;
  Instance rw = cs;
  rw.Set("PrimaryOwnerName", Value::String("ops"));
  ASSERT_TRUE(om_->ModifyInstance(v2, ComputerSystemPath(id), rw, std::nullopt).ok());
  EXPECT_EQ(Get("root/virtualization/v2", ComputerSystemPath(id)).Get("PrimaryOwnerName")->AsString(), "ops");
  EXPECT_EQ(Get("root/virtualization/v2", ComputerSystemPath(id)).Get("ElementName")->AsString(), "mi");
  // A fresh instance: the stored write moved TimeOfLastConfigurationChange.
  Instance unknown = Get("root/virtualization/v2", ComputerSystemPath(id));
  unknown.Set("Bogus", Value::String("x"));
  EXPECT_EQ(GetCimStatus(om_->ModifyInstance(v2, ComputerSystemPath(id), unknown, std::nullopt)),
            CimStatusCode::kNoSuchProperty);
}

TEST_F(ObjectManagerTest, ModifyInstanceStoresThroughTheDomainOrRefusesByName) {
  std::string id = Define("durable", kDmMemory);
  CallContext v2 = Ctx("root/virtualization/v2");
  Instance cs = Get("root/virtualization/v2", ComputerSystemPath(id));
  cs.Set("PrimaryOwnerName", Value::String("ops"));
  cs.Set("Roles", Value::Array(hv::cim::CimType::kString, {std::string("web"), std::string("db")}));
  ASSERT_TRUE(om_->ModifyInstance(v2, ComputerSystemPath(id), cs, std::nullopt).ok());
  // In the store, not in the object manager: a fresh backend sees it.
  EXPECT_EQ(store_->GetVm(id)->primary_owner_name, "ops");
  EXPECT_EQ(store_->GetVm(id)->roles, (std::vector<std::string>{"web", "db"}));
  backend_.reset();
  backend_ = *MakeCimBackend(manager_.get(), &counters_, {"testhost"});
  om_ = backend_->objects.get();
  v2 = Ctx("root/virtualization/v2");  // the old context's schema went with the old backend
  Instance again = Get("root/virtualization/v2", ComputerSystemPath(id));
  EXPECT_EQ(again.Get("PrimaryOwnerName")->AsString(), "ops");
  EXPECT_EQ(again.Get("Roles")->array().size(), 2u);
  // Too long for CIM_System.PrimaryOwnerName (MaxLen 64): invalid, unchanged.
  Instance too_long = again;
  too_long.Set("PrimaryOwnerName", Value::String(std::string(65, 'x')));
  absl::Status s = om_->ModifyInstance(v2, ComputerSystemPath(id), too_long, std::nullopt);
  EXPECT_EQ(GetCimStatus(s), CimStatusCode::kInvalidParameter) << s;
  EXPECT_NE(s.message().find("PrimaryOwnerName"), std::string::npos) << s;
  // Write properties with nothing durable behind them are refused by name.
  Instance enabled_default = again;
  enabled_default.Set("EnabledDefault", Value::Unsigned(hv::cim::CimType::kUint16, 2));
  enabled_default.Set("PrimaryOwnerName", Value::String("someone else"));
  s = om_->ModifyInstance(v2, ComputerSystemPath(id), enabled_default, std::nullopt);
  EXPECT_EQ(GetCimStatus(s), CimStatusCode::kNotSupported) << s;
  EXPECT_NE(s.message().find("Msvm_ComputerSystem.EnabledDefault is not stored"), std::string::npos) << s;
  EXPECT_EQ(store_->GetVm(id)->primary_owner_name, "ops");  // all or nothing
  ObjectPath mem;
  mem.class_name = "Msvm_Memory";
  mem.keys = {{"SystemCreationClassName", Value::String("Msvm_ComputerSystem")},
              {"SystemName", Value::String(id)},
              {"CreationClassName", Value::String("Msvm_Memory")},
              {"DeviceID", Value::String(SettingInstanceId(id, SettingKind::kMemory))}};
  Instance device = Get("root/virtualization/v2", mem);
  device.Set("LocationIndicator", Value::Unsigned(hv::cim::CimType::kUint16, 3));
  s = om_->ModifyInstance(v2, mem, device, std::nullopt);
  EXPECT_EQ(GetCimStatus(s), CimStatusCode::kNotSupported) << s;
  EXPECT_NE(s.message().find("Msvm_Memory.LocationIndicator"), std::string::npos) << s;
  EXPECT_EQ(Get("root/virtualization/v2", mem).Get("LocationIndicator"), nullptr);
}

TEST_F(ObjectManagerTest, TheHostIsAComputerSystemThatHostsEveryVm) {
  std::string id = Define("guest", kDmMemory);
  for (const char* ns : {"root/virtualization/v2", "root/virtualization"}) {
    CallContext ctx = Ctx(ns);
    auto all = om_->ExecQuery(ctx, "WQL", "SELECT * FROM Msvm_ComputerSystem");
    ASSERT_TRUE(all.ok()) << all.status();
    ASSERT_EQ(all->size(), 2u) << ns;
    const Instance& host = (*all)[0].instance;
    EXPECT_EQ(host.Get("Name")->AsString(), "testhost");
    EXPECT_EQ(host.Get("Description")->AsString(), "Microsoft Hosting Computer System");
    EXPECT_EQ(host.Get("Caption")->AsString(), "Hosting Computer System");
    EXPECT_EQ(host.Get("EnabledState")->AsUnsigned(), 2u);
    EXPECT_EQ((*all)[1].instance.Get("Name")->AsString(), id);
    EXPECT_EQ((*all)[1].instance.Get("Description")->AsString(), "Microsoft Virtual Machine");
    auto hosted = om_->ExecQuery(ctx, "WQL",
                                 "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName="
                                 "\"Msvm_ComputerSystem\",Name=\"testhost\"} WHERE "
                                 "AssocClass = Msvm_HostedDependency");
    ASSERT_TRUE(hosted.ok()) << hosted.status();
    ASSERT_EQ(hosted->size(), 1u);
    EXPECT_EQ(hosted->at(0).instance.Get("Name")->AsString(), id);
    auto host_of = om_->Associators(ctx, ComputerSystemPath(id), {"Msvm_HostedDependency", "", "Dependent", "Antecedent"},
                                    std::nullopt, false);
    ASSERT_TRUE(host_of.ok()) << host_of.status();
    ASSERT_EQ(host_of->size(), 1u);
    EXPECT_EQ(host_of->at(0).instance.Get("Name")->AsString(), "testhost");
    // The host's state is not vmms's to change.
    auto rsc = om_->InvokeMethod(ctx, ComputerSystemPath("testhost"), "RequestStateChange",
                                 {{"RequestedState", Value::Unsigned(hv::cim::CimType::kUint16, 3)}});
    ASSERT_TRUE(rsc.ok()) << rsc.status();
    EXPECT_EQ(rsc->return_value, 32770u);
    EXPECT_NE(rsc->error_description.find("hosting computer system"), std::string::npos);
  }
  // Only VMs have settings: the host is not a VM anywhere else.
  auto settings = om_->EnumerateInstances(Ctx("root/virtualization/v2"),
                                          "Msvm_VirtualSystemSettingData", true, std::nullopt);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->size(), 1u);
}

TEST_F(ObjectManagerTest, SummaryInformationHonoursTheVersionsCodes) {
  std::string id = Define("sum", kDmMemory);
  auto codes = [](std::vector<uint64_t> c) {
    std::vector<hv::cim::Scalar> e(c.begin(), c.end());
    return InArg{"RequestedInformation", Value::Array(hv::cim::CimType::kUint32, std::move(e))};
  };
  auto all = om_->InvokeMethod(Ctx("root/virtualization/v2"), Vsms("root/virtualization/v2"),
                               "GetSummaryInformation",
                               {codes({0, 1, 4, 100, 101, 103, 104, 105, 109, 112, 113, 120, 123})});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->return_value, 0u) << all->error_description;
  ASSERT_EQ(all->out.at(0).instances.size(), 1u);
  const Instance& s = all->out[0].instances[0];
  EXPECT_EQ(s.Get("Name")->AsString(), id);
  EXPECT_EQ(s.Get("ElementName")->AsString(), "sum");
  EXPECT_EQ(s.Get("EnabledState")->AsUnsigned(), 3u);
  EXPECT_NE(s.Get("MemorySpansPhysicalNumaNodes"), nullptr);
  // 112 (MemoryAvailable) is not in RTM's ValueMap.
  auto rtm = om_->InvokeMethod(Ctx("root/virtualization", "root/virtualization@2008R2-RTM"),
                               Vsms("root/virtualization"), "GetSummaryInformation", {codes({0, 112})});
  ASSERT_TRUE(rtm.ok());
  EXPECT_EQ(rtm->return_value, 32773u);
}

}  // namespace
}  // namespace hv::vmms::cim
