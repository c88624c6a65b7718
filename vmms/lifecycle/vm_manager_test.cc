// VmManager over a real SQLite store and a hand-written fake worker factory
// (with failure knobs). Real worker processes are exercised by
// tests/integration; here every lifecycle rule is checked in isolation.
#include "vmms/lifecycle/vm_manager.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "vmms/lifecycle/return_code.h"
#include "vmms/store/sqlite_vm_store.h"

namespace hv::vmms {
namespace {

namespace fs = std::filesystem;

struct FakeLog {
  absl::Mutex mu;
  std::vector<std::string> calls;
  void Add(std::string c) {
    absl::MutexLock l(&mu);
    calls.push_back(std::move(c));
  }
  bool Has(const std::string& c) {
    absl::MutexLock l(&mu);
    return std::find(calls.begin(), calls.end(), c) != calls.end();
  }
};

class FakeControl : public WorkerControl {
 public:
  FakeControl(std::string id, FakeLog* log, std::optional<WorkerCallbacks> watch = std::nullopt)
      : id_(std::move(id)), log_(log), watch_(std::move(watch)) {}
  // As GrpcWorkerControl's: the destructor joins the status watcher, and a
  // watcher in the middle of a report is calling back into the manager.
  ~FakeControl() override {
    if (!watch_) return;
    std::thread watcher([this] { watch_->on_status(id_, WorkerStatus{}); });
    watcher.join();
  }
  absl::Status Pause() override { return Call("Pause"); }
  absl::Status Resume() override { return Call("Resume"); }
  absl::Status Shutdown(absl::Duration) override { return Call("Shutdown"); }
  absl::Status TurnOff() override { return Call("TurnOff"); }
  absl::Status Save(const std::string& path) override { return Call("Save " + path); }
  absl::Status SetMemoryTarget(uint64_t mib) override { return Call("Target " + std::to_string(mib)); }
  absl::Status RunWorkload(const std::string& c) override { return Call("Workload " + c); }

 private:
  absl::Status Call(const std::string& what) {
    log_->Add(id_ + " " + what);
    return absl::OkStatus();
  }
  std::string id_;
  FakeLog* log_;
  std::optional<WorkerCallbacks> watch_;
};

class FakeFactory : public WorkerFactory {
 public:
  absl::StatusOr<StartedWorker> Start(const WorkerStartRequest& r, WorkerCallbacks cb) override {
    if (fail_start) return absl::InternalError("vmwp: boom");
    log.Add(r.vm.id + " Start restore=" + r.restore_from);
    callbacks[r.vm.id] = cb;
    return StartedWorker{{r.vm.id, next_pid++, 7, "/tmp/s", 1},
                         std::make_unique<FakeControl>(
                             r.vm.id, &log, watch_on_destroy ? std::optional(cb) : std::nullopt)};
  }
  absl::StatusOr<std::unique_ptr<WorkerControl>> Adopt(const WorkerRecord& w, WorkerCallbacks cb) override {
    if (refuse_adopt) return absl::NotFoundError("pid gone");
    log.Add(w.vm_id + " Adopt");
    callbacks[w.vm_id] = cb;
    return std::unique_ptr<WorkerControl>(std::make_unique<FakeControl>(w.vm_id, &log));
  }
  void Kill(const WorkerRecord& w) override { log.Add(w.vm_id + " Kill"); }

  FakeLog log;
  std::map<std::string, WorkerCallbacks> callbacks;
  int next_pid = 1000;
  bool fail_start = false;
  bool refuse_adopt = false;
  bool watch_on_destroy = false;  // controls report a status while destroyed
};

class VmManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vmms-mgr-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = *OpenSqliteVmStore({(dir_ / "vmms.db").string()});
    Restart();
  }
  void TearDown() override {
    manager_.reset();
    fs::remove_all(dir_);
  }
  void Restart(uint64_t budget = 8192) {
    manager_.reset();
    VmManagerOptions o;
    o.state_dir = (dir_ / "state").string();
    o.budget_mib = budget;
    o.balancer_interval = absl::ZeroDuration();
    o.saved_worker_exit_timeout = absl::ZeroDuration();  // fake workers never exit
    manager_ = std::make_unique<VmManager>(store_.get(), &factory_, o);
    ASSERT_TRUE(manager_->Start().ok());
  }
  VmRecord Define(const std::string& name, uint64_t startup = 1024) {
    VmDefinition d;
    d.name = name;
    d.memory = {true, startup, 512, 4096, 20, 5000};
    absl::StatusOr<VmRecord> vm = manager_->DefineVm(d);
    EXPECT_TRUE(vm.ok()) << vm.status();
    return *vm;
  }
  JobRecord Request(const VmRecord& vm, uint32_t state) {
    absl::StatusOr<JobRecord> job = manager_->RequestStateChange(vm.id, state);
    EXPECT_TRUE(job.ok()) << job.status();
    absl::StatusOr<JobRecord> done = manager_->WaitJob(job->id, absl::Seconds(10));
    EXPECT_TRUE(done.ok());
    return *done;
  }
  VmState StateOf(const VmRecord& vm) { return store_->GetVm(vm.id)->state; }
  void Report(const VmRecord& vm, uint64_t assigned, uint64_t committed) {
    WorkerStatus s;
    s.state = VmState::kRunning;
    s.dm_state = DmState::kActive;
    s.assigned_mib = assigned;
    s.committed_mib = committed;
    factory_.callbacks[vm.id].on_status(vm.id, s);
  }

  fs::path dir_;
  std::unique_ptr<VmStore> store_;
  FakeFactory factory_;
  std::unique_ptr<VmManager> manager_;
};

// A control is never destroyed under the manager's lock: its destructor
// joins a watcher that may be waiting for that lock in OnStatus (vmms hung on
// SIGTERM in CI this way).
TEST_F(VmManagerTest, ControlsAreReleasedOutsideTheLockOnStopAndOnAWorkerDeath) {
  factory_.watch_on_destroy = true;
  VmRecord died = Define("died");
  VmRecord kept = Define("kept");
  EXPECT_EQ(Request(died, 2).state, JobState::kCompleted);
  EXPECT_EQ(Request(kept, 2).state, JobState::kCompleted);
  WorkerExit exit;
  exit.signal = SIGKILL;  // pid 0: unknown, taken as the current worker
  factory_.callbacks[died.id].on_exit(died.id, exit);  // returns: no deadlock
  manager_->Stop();                                     // returns: no deadlock
  factory_.watch_on_destroy = false;
}

TEST_F(VmManagerTest, DefineRefusesBadInputBeforeAnythingChanges) {
  VmDefinition d;
  d.name = "web1";
  d.memory = {true, 1024, 2048, 4096, 20, 5000};
  EXPECT_EQ(manager_->DefineVm(d).status().message(), "vm 'web1': minimum 2048 MiB is above startup 1024 MiB");
  d.memory.minimum_mib = 512;
  d.vcpu_count = 9;
  EXPECT_EQ(manager_->DefineVm(d).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListVms()->empty());
  Define("web1");
  d.vcpu_count = 1;
  d.name = "WEB1";
  EXPECT_EQ(manager_->DefineVm(d).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(VmManagerTest, ModifySystemIsDurableAndRefusesBrokenLimits) {
  VmRecord vm = Define("web1");
  Define("db1");
  VmSystemChange c;
  c.notes = std::vector<std::string>{"line 1", "line 2"};
  c.primary_owner_name = "ops";
  c.guest_command_line = "workload=idle";
  c.recovery = RecoveryAction::kRestart;
  ASSERT_TRUE(manager_->ModifySystem(vm.id, c).ok());
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);  // allowed while running too
  VmSystemChange running;
  running.roles = std::vector<std::string>{"web"};
  ASSERT_TRUE(manager_->ModifySystem(vm.id, running).ok());
  VmSystemChange bad;
  bad.primary_owner_contact = std::string(300, 'c');
  bad.notes = std::vector<std::string>{"lost"};
  EXPECT_EQ(manager_->ModifySystem(vm.id, bad).status().code(), absl::StatusCode::kInvalidArgument);
  VmSystemChange dup;
  dup.name = "DB1";
  EXPECT_EQ(manager_->ModifySystem(vm.id, dup).status().code(), absl::StatusCode::kAlreadyExists);
  Restart();  // a new VmManager over the same store
  VmRecord got = *store_->GetVm(vm.id);
  EXPECT_EQ(got.name, "web1");
  EXPECT_EQ(got.notes, (std::vector<std::string>{"line 1", "line 2"}));
  EXPECT_EQ(got.roles, std::vector<std::string>{"web"});
  EXPECT_EQ(got.primary_owner_name, "ops");
  EXPECT_EQ(got.primary_owner_contact, "");
  EXPECT_EQ(got.guest_command_line, "workload=idle");
  EXPECT_EQ(got.recovery, RecoveryAction::kRestart);
  EXPECT_EQ(manager_->ModifySystem("no-such-id", c).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VmManagerTest, DestroySystemIsInstantWhenOffAndAJobWhenRunning) {
  VmRecord off = Define("off1");
  absl::StatusOr<std::optional<JobRecord>> now = manager_->DestroySystem(off.id);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_FALSE(now->has_value());
  EXPECT_EQ(store_->GetVm(off.id).status().code(), absl::StatusCode::kNotFound);

  VmRecord vm = Define("run1");
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);
  EXPECT_EQ(Request(vm, 9).state, JobState::kCompleted);  // paused VMs too
  absl::StatusOr<std::optional<JobRecord>> job = manager_->DestroySystem(vm.id);
  ASSERT_TRUE(job.ok()) << job.status();
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->job_type, kDestroySystemJobType);
  absl::StatusOr<JobRecord> done = manager_->WaitJob((*job)->id, absl::Seconds(30));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, JobState::kCompleted) << done->error_description;
  EXPECT_TRUE(factory_.log.Has(vm.id + " TurnOff"));
  EXPECT_EQ(store_->GetVm(vm.id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListWorkers()->empty());
  EXPECT_EQ(manager_->DestroySystem(vm.id).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VmManagerTest, StartPauseResumeSaveRestoreTurnOff) {
  VmRecord vm = Define("web1");
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);
  EXPECT_EQ(StateOf(vm), VmState::kRunning);
  EXPECT_EQ(store_->ListWorkers()->size(), 1u);
  EXPECT_EQ(Request(vm, 9).state, JobState::kCompleted);
  EXPECT_EQ(StateOf(vm), VmState::kPaused);
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);  // resume
  EXPECT_TRUE(factory_.log.Has(vm.id + " Resume"));
  EXPECT_EQ(Request(vm, 6).state, JobState::kCompleted);
  EXPECT_EQ(StateOf(vm), VmState::kSaved);
  std::string saved = store_->GetVm(vm.id)->saved_state_path;
  EXPECT_FALSE(saved.empty());
  EXPECT_TRUE(store_->ListWorkers()->empty());
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);  // restore
  EXPECT_TRUE(factory_.log.Has(vm.id + " Start restore=" + saved));
  EXPECT_TRUE(store_->GetVm(vm.id)->saved_state_path.empty());
  EXPECT_EQ(Request(vm, 3).state, JobState::kCompleted);
  EXPECT_EQ(StateOf(vm), VmState::kOff);
  EXPECT_TRUE(factory_.log.Has(vm.id + " TurnOff"));
  std::vector<EventRecord> events = *store_->ListEvents(vm.id, 0, 1000);
  EXPECT_GE(events.size(), 12u);  // every state change and method call is audited
}

TEST_F(VmManagerTest, IllegalTransitionCarriesReturnCode) {
  VmRecord vm = Define("web1");
  absl::StatusOr<JobRecord> job = manager_->RequestStateChange(vm.id, 9);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().message(), "vm 'web1': cannot Pause from Off");
  EXPECT_EQ(ReturnCodeOf(job.status()), StateChangeReturn::kInvalidState);
  EXPECT_EQ(StateOf(vm), VmState::kOff);
}

TEST_F(VmManagerTest, InsufficientMemoryFailsTheJobAndLeavesTheVmOff) {
  Restart(/*budget=*/1500);
  VmRecord a = Define("a");
  VmRecord b = Define("b");
  EXPECT_EQ(Request(a, 2).state, JobState::kCompleted);
  JobRecord job = Request(b, 2);
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_code, 32778u);
  EXPECT_NE(job.error_description.find("insufficient memory"), std::string::npos) << job.error_description;
  EXPECT_EQ(StateOf(b), VmState::kOff);
}

TEST_F(VmManagerTest, FailedStartReportsTheWorkersError) {
  factory_.fail_start = true;
  VmRecord vm = Define("web1");
  JobRecord job = Request(vm, 2);
  EXPECT_EQ(job.state, JobState::kException);
  EXPECT_EQ(job.error_description, "vmwp: boom");
  EXPECT_EQ(StateOf(vm), VmState::kOff);
}

TEST_F(VmManagerTest, UnexpectedWorkerDeathTurnsVmOffCriticalAndIsLogged) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  factory_.callbacks[vm.id].on_exit(vm.id, {true, -1, 9, ""});
  for (int i = 0; i < 200 && StateOf(vm) != VmState::kOff; ++i) absl::SleepFor(absl::Milliseconds(5));
  VmRecord now = *store_->GetVm(vm.id);
  EXPECT_EQ(now.state, VmState::kOff);
  EXPECT_EQ(now.health, HealthState::kCriticalFailure);
  EXPECT_TRUE(store_->ListWorkers()->empty());
  bool logged = false;
  std::vector<EventRecord> events = *store_->ListEvents(vm.id, 0, 100);
  for (const EventRecord& e : events)
    logged |= e.kind == "worker-exit" && e.detail == "worker killed by signal 9";
  EXPECT_TRUE(logged);
  EXPECT_EQ(manager_->AssignedTotalMib(), 0u);  // its memory is back in the pool
}

TEST_F(VmManagerTest, AutomaticRecoveryRestartsTheVm) {
  VmRecord vm = Define("web1");
  vm = *store_->GetVm(vm.id);
  vm.recovery = RecoveryAction::kRestart;
  vm = *store_->UpdateVm(vm, {0, 1, vm.id, "test", "recovery"});
  Request(vm, 2);
  factory_.callbacks[vm.id].on_exit(vm.id, {true, 1, 0, "guest triple fault"});
  for (int i = 0; i < 400; ++i) {
    if (StateOf(vm) == VmState::kRunning && store_->ListWorkers()->size() == 1 &&
        store_->ListWorkers()->at(0).pid != 1000) break;
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(StateOf(vm), VmState::kRunning);
  EXPECT_EQ(store_->ListWorkers()->at(0).pid, 1001);
}

TEST_F(VmManagerTest, SavedWorkerExitingAfterTheRestoreStartedIsNotACrash) {
  // The saved worker exits after Save returned; vmms may see that exit only
  // once the restoring worker runs. It used to turn the restored VM Off
  // (VmctlE2eTest.ReadmeDemoAndLifecycle's "KNOWN BUG").
  VmRecord vm = Define("qm1");
  Request(vm, 2);
  const int saved_pid = store_->ListWorkers()->at(0).pid;
  auto saved_cb = factory_.callbacks[vm.id];
  EXPECT_EQ(Request(vm, 6).state, JobState::kCompleted);
  EXPECT_EQ(Request(vm, 2).state, JobState::kCompleted);  // restore: a new worker
  const int restored_pid = store_->ListWorkers()->at(0).pid;
  ASSERT_NE(saved_pid, restored_pid);
  WorkerExit late{true, 0, 0, ""};
  late.pid = saved_pid;
  saved_cb.on_exit(vm.id, late);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(StateOf(vm), VmState::kRunning);
  EXPECT_EQ(store_->GetVm(vm.id)->health, HealthState::kOk);
  // The current worker's death is still noticed.
  WorkerExit crash{true, -1, 9, ""};
  crash.pid = restored_pid;
  factory_.callbacks[vm.id].on_exit(vm.id, crash);
  for (int i = 0; i < 500 && StateOf(vm) != VmState::kOff; ++i) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(StateOf(vm), VmState::kOff);
}

TEST_F(VmManagerTest, OrderedStopIsNotMistakenForACrash) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  auto cb = factory_.callbacks[vm.id];
  Request(vm, 3);
  cb.on_exit(vm.id, {true, 0, 0, ""});  // the worker exits after TurnOff
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(store_->GetVm(vm.id)->health, HealthState::kOk);
}

TEST_F(VmManagerTest, RestartReadoptsLiveWorkersAndCleansDeadOnes) {
  VmRecord a = Define("a");
  VmRecord b = Define("b");
  Request(a, 2);
  Request(b, 2);
  // vmms "dies": a new manager over the same store. a's worker is alive, b's not.
  manager_.reset();
  struct Refusing : FakeFactory {};
  factory_.refuse_adopt = false;
  Restart();
  EXPECT_TRUE(factory_.log.Has(a.id + " Adopt"));
  EXPECT_EQ(StateOf(a), VmState::kRunning);
  manager_.reset();
  factory_.refuse_adopt = true;
  Restart();
  EXPECT_TRUE(factory_.log.Has(a.id + " Kill"));  // never an orphan
  EXPECT_EQ(StateOf(a), VmState::kOff);
  EXPECT_EQ(StateOf(b), VmState::kOff);
  EXPECT_TRUE(store_->ListWorkers()->empty());
}

TEST_F(VmManagerTest, RuntimeMemoryRules) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  MemorySettings m = store_->GetVm(vm.id)->memory;
  m.buffer_percent = 50;
  m.maximum_mib = 8192;
  m.minimum_mib = 256;
  EXPECT_TRUE(manager_->ModifyMemory(vm.id, m).ok());
  MemorySettings raise_min = m;
  raise_min.minimum_mib = 768;
  EXPECT_EQ(manager_->ModifyMemory(vm.id, raise_min).status().message(),
            "vm 'web1': cannot raise the minimum while Running");
  MemorySettings toggle = m;
  toggle.dynamic_memory_enabled = false;
  EXPECT_FALSE(manager_->ModifyMemory(vm.id, toggle).ok());
  EXPECT_EQ(store_->GetVm(vm.id)->memory, m);
}

TEST_F(VmManagerTest, DestroyOnlyWhenOffOrSaved) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  absl::Status s = manager_->DestroyVm(vm.id);
  EXPECT_EQ(ReturnCodeOf(s), StateChangeReturn::kInvalidState);
  Request(vm, 3);
  EXPECT_TRUE(manager_->DestroyVm(vm.id).ok());
  EXPECT_EQ(store_->GetVm(vm.id).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(VmManagerTest, BalancerRoundSendsTargetsToCooperativeWorkers) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  Report(vm, 1024, 2000);  // pressure 195: wants 2400
  BalancerPlan plan = manager_->BalanceOnce();
  ASSERT_EQ(plan.decisions.size(), 1u);
  EXPECT_EQ(plan.decisions[0].action, BalancerAction::kGrow);
  EXPECT_TRUE(factory_.log.Has(vm.id + " Target 2400"));
}

TEST_F(VmManagerTest, StatusArrivalTimesArePerWorkerRun) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  EXPECT_EQ(manager_->GetVm(vm.id)->last_status_unix_ms, 0);
  WorkerStatus negotiating;
  negotiating.state = VmState::kRunning;
  negotiating.dm_state = DmState::kNegotiating;
  factory_.callbacks[vm.id].on_status(vm.id, negotiating);
  absl::StatusOr<VmView> v = manager_->GetVm(vm.id);
  EXPECT_GT(v->last_status_unix_ms, 0);
  EXPECT_EQ(v->first_dm_active_unix_ms, 0);  // DM not active yet
  Report(vm, 1024, 300);
  const int64_t first = manager_->GetVm(vm.id)->first_dm_active_unix_ms;
  EXPECT_GT(first, 0);
  Report(vm, 1024, 310);  // later reports move only the last-status time
  absl::StatusOr<std::vector<VmView>> all = manager_->ListVms();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].first_dm_active_unix_ms, first);
  EXPECT_GE((*all)[0].last_status_unix_ms, first);
  Request(vm, 3);
  Request(vm, 2);  // a new worker starts with no status seen
  v = manager_->GetVm(vm.id);
  EXPECT_EQ(v->last_status_unix_ms, 0);
  EXPECT_EQ(v->first_dm_active_unix_ms, 0);
}

TEST_F(VmManagerTest, StopLeavesVmsRunningByDefault) {
  VmRecord vm = Define("web1");
  Request(vm, 2);
  manager_->Stop();
  EXPECT_FALSE(factory_.log.Has(vm.id + " TurnOff"));
  EXPECT_EQ(StateOf(vm), VmState::kRunning);
  EXPECT_EQ(manager_->RequestStateChange(vm.id, 9).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hv::vmms
