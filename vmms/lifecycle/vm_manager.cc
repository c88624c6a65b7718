#include "vmms/lifecycle/vm_manager.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "vmms/lifecycle/return_code.h"
#include "vmms/model/guid.h"

namespace hv::vmms {
namespace {

namespace fs = std::filesystem;

absl::Status Refused(absl::StatusCode code, StateChangeReturn rc, std::string message) {
  return WithReturnCode(absl::Status(code, message), rc);
}

absl::Status ValidateDefinition(const VmDefinition& d) {
  if (d.name.empty() || d.name.size() > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("vm name '", d.name, "' must be 1..100 characters"));
  }
  if (d.vcpu_count < 1 || d.vcpu_count > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("vm '", d.name, "': ", d.vcpu_count, " vCPUs is outside 1..4"));
  }
  if (d.backend != "auto" && d.backend != "kvm" && d.backend != "tcg") {
    return absl::InvalidArgumentError(
        absl::StrCat("vm '", d.name, "': backend '", d.backend, "' is not auto, kvm or tcg"));
  }
  return ValidateMemorySettings(d.name, d.memory);
}

// Hyper-V's runtime rules for a running VM's memory (hyperv.md §6).
absl::Status CheckRuntimeChange(const VmRecord& vm, const MemorySettings& m) {
  const MemorySettings& o = vm.memory;
  auto refuse = [&](absl::string_view what) {
    return Refused(absl::StatusCode::kFailedPrecondition, StateChangeReturn::kInvalidState,
                   absl::StrCat("vm '", vm.name, "': ", what, " while ", ToString(vm.state)));
  };
  if (m.dynamic_memory_enabled != o.dynamic_memory_enabled)
    return refuse("cannot turn Dynamic Memory on or off");
  if (m.startup_mib != o.startup_mib) return refuse("cannot change startup memory");
  if (m.minimum_mib > o.minimum_mib) return refuse("cannot raise the minimum");
  if (m.maximum_mib < o.maximum_mib) return refuse("cannot lower the maximum");
  return absl::OkStatus();
}

}  // namespace

VmManager::VmManager(VmStore* store, WorkerFactory* workers, VmManagerOptions options,
                     VmManagerObserver observer)
    : store_(store),
      workers_(workers),
      options_(std::move(options)),
      observer_(std::move(observer)),
      balancer_(options_.balancer) {}

VmManager::~VmManager() { Stop(); }

int64_t VmManager::Now() const {
  return options_.now_ms ? options_.now_ms() : absl::ToUnixMillis(absl::Now());
}

std::string VmManager::VmDir(absl::string_view id) const {
  return (fs::path(options_.state_dir) / "vms" / std::string(id)).string();
}

void VmManager::Event(absl::string_view vm_id, absl::string_view kind, std::string detail) {
  store_->AppendEvent({0, Now(), std::string(vm_id), std::string(kind), std::move(detail)})
      .IgnoreError();  // the audit log never blocks an operation
}

std::shared_ptr<WorkerControl> VmManager::Control(absl::string_view vm_id) {
  absl::MutexLock lock(&mu_);
  auto it = runtime_.find(std::string(vm_id));
  return it == runtime_.end() ? nullptr : it->second.control;
}

WorkerCallbacks VmManager::Callbacks() {
  return {[this](const std::string& id, const WorkerStatus& s) { OnStatus(id, s); },
          [this](const std::string& id, const WorkerExit& e) { OnExit(id, e); }};
}

absl::Status VmManager::Start() {
  if (options_.state_dir.empty() || options_.budget_mib == 0) {
    return absl::InvalidArgumentError("vmms: state_dir and budget_mib are required");
  }
  std::error_code ec;
  fs::create_directories(fs::path(options_.state_dir) / "vms", ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("state dir: ", ec.message()));
  ASSIGN_OR_RETURN(std::vector<WorkerRecord> workers, store_->ListWorkers());
  for (const WorkerRecord& w : workers) {
    absl::Status s = Adopt(w);
    if (!s.ok()) Event(w.vm_id, "worker-adopt", std::string(s.message()));
  }
  // A VM that should hold a worker but has none (it died while vmms was down).
  ASSIGN_OR_RETURN(std::vector<VmRecord> vms, store_->ListVms());
  for (const VmRecord& vm : vms) {
    bool has;
    {
      absl::MutexLock lock(&mu_);
      has = runtime_.count(vm.id) > 0;
    }
    if (HasWorker(vm.state) && !has) {
      VmRecord off = vm;
      off.health = HealthState::kCriticalFailure;
      ChangeState(off, VmState::kOff, "worker gone while vmms was down").IgnoreError();
    }
  }
  {
    absl::MutexLock lock(&mu_);
    accepting_ = true;
  }
  if (options_.balancer_interval > absl::ZeroDuration()) {
    loop_ = std::thread([this] { BalancerLoop(); });
  }
  return absl::OkStatus();
}

absl::Status VmManager::Adopt(const WorkerRecord& record) {
  absl::StatusOr<VmRecord> vm = store_->GetVm(record.vm_id);
  absl::StatusOr<std::unique_ptr<WorkerControl>> control =
      vm.ok() ? workers_->Adopt(record, Callbacks()) : vm.status();
  if (!control.ok()) {
    workers_->Kill(record);  // never leave an orphan behind
    store_->DeleteWorker(record.vm_id).IgnoreError();
    return absl::Status(control.status().code(),
                        absl::StrCat("worker pid ", record.pid, " not re-adopted: ",
                                     control.status().message()));
  }
  absl::MutexLock lock(&mu_);
  Runtime& rt = runtime_[record.vm_id];
  rt.control = std::move(*control);
  rt.worker = record;
  rt.startup_mib = vm->memory.startup_mib;
  Event(record.vm_id, "worker-adopt", absl::StrCat("re-adopted worker pid ", record.pid));
  return absl::OkStatus();
}

void VmManager::Stop() {
  if (stopped_.exchange(true)) return;
  {
    absl::MutexLock lock(&mu_);
    accepting_ = false;
  }
  {
    absl::MutexLock lock(&loop_mu_);
    loop_stop_ = true;
  }
  if (loop_.joinable()) loop_.join();
  std::vector<std::thread> jobs;
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(+[](int* n) { return *n == 0; }, &jobs_running_));
    jobs.swap(job_threads_);
  }
  for (std::thread& t : jobs) t.join();
  if (options_.stop_vms_on_exit) {
    absl::StatusOr<std::vector<VmRecord>> vms = store_->ListVms();
    if (vms.ok()) {
      for (VmRecord vm : *vms) {
        if (HasWorker(vm.state)) StopWorker(vm, RequestedState::kTurnOff).IgnoreError();
      }
    }
  }
  // Workers keep running unless stopped above. The controls are destroyed
  // outside mu_: a control's destructor joins its status watcher, which may be
  // waiting for mu_ in OnStatus (a deadlock seen as a vmms that never exits
  // on SIGTERM; VmmsDmTest.KillNineOfVmmsThenRestartReadoptsEveryWorker).
  std::map<std::string, Runtime> runtime;
  {
    absl::MutexLock lock(&mu_);
    runtime.swap(runtime_);
  }
}

absl::StatusOr<VmRecord> VmManager::DefineVm(const VmDefinition& d) {
  RETURN_IF_ERROR(ValidateDefinition(d));
  VmRecord vm;
  vm.id = NewGuid();
  vm.name = d.name;
  vm.memory = d.memory;
  vm.vcpu_count = d.vcpu_count;
  vm.guest_image = d.guest_image;
  vm.guest_command_line = d.guest_command_line;
  vm.backend = d.backend;
  // The same checks as ModifySystemSettings (one rule for both).
  VmSystemChange settings;
  settings.recovery = d.recovery;
  settings.notes = d.notes;
  RETURN_IF_ERROR(ApplySystemChange(settings, vm));
  vm.created_unix_ms = vm.updated_unix_ms = Now();
  return store_->CreateVm(vm, {0, Now(), vm.id, "method",
                               absl::StrCat("DefineSystem '", vm.name, "'")});
}

absl::Status VmManager::DestroyVm(absl::string_view id) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  if (vm.state != VmState::kOff && vm.state != VmState::kSaved) {
    return Refused(absl::StatusCode::kFailedPrecondition, StateChangeReturn::kInvalidState,
                   absl::StrCat("vm '", vm.name, "': cannot destroy from ", ToString(vm.state)));
  }
  RETURN_IF_ERROR(store_->DeleteVm(vm.id, {0, Now(), vm.id, "method",
                                           absl::StrCat("DestroySystem '", vm.name, "'")}));
  std::error_code ec;
  fs::remove_all(VmDir(vm.id), ec);
  if (observer_.on_vm_removed) observer_.on_vm_removed(vm.id);
  return absl::OkStatus();
}

absl::StatusOr<VmRecord> VmManager::ModifyMemory(absl::string_view id, const MemorySettings& m) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  RETURN_IF_ERROR(ValidateMemorySettings(vm.name, m));
  if (IsTransitional(vm.state)) {
    return Refused(absl::StatusCode::kFailedPrecondition, StateChangeReturn::kSystemInUse,
                   absl::StrCat("vm '", vm.name, "': cannot modify memory while ",
                                ToString(vm.state)));
  }
  if (HasWorker(vm.state)) RETURN_IF_ERROR(CheckRuntimeChange(vm, m));
  vm.memory = m;
  vm.updated_unix_ms = Now();
  return store_->UpdateVm(vm, {0, Now(), vm.id, "method",
                               absl::StrCat("ModifyResourceSettings memory: startup ",
                                            m.startup_mib, " min ", m.minimum_mib, " max ",
                                            m.maximum_mib, " buffer ", m.buffer_percent,
                                            " weight ", m.weight, " dm ",
                                            m.dynamic_memory_enabled)});
}

absl::StatusOr<VmRecord> VmManager::Rename(absl::string_view id, absl::string_view new_name) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  VmDefinition check;
  check.name = std::string(new_name);
  check.memory = vm.memory;
  RETURN_IF_ERROR(ValidateDefinition(check));
  std::string old = vm.name;
  vm.name = std::string(new_name);
  vm.updated_unix_ms = Now();
  return store_->UpdateVm(vm, {0, Now(), vm.id, "method",
                               absl::StrCat("rename '", old, "' -> '", vm.name, "'")});
}

absl::StatusOr<VmRecord> VmManager::ModifySystem(absl::string_view id,
                                                 const VmSystemChange& change) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  if (change.empty()) return vm;
  std::string old = vm.name;
  RETURN_IF_ERROR(ApplySystemChange(change, vm));
  vm.updated_unix_ms = Now();
  return store_->UpdateVm(vm, {0, Now(), vm.id, "method",
                               absl::StrCat("ModifySystemSettings '", old, "': ",
                                            DescribeSystemChange(change))});
}

absl::StatusOr<VmRecord> VmManager::ChangeState(const VmRecord& vm, VmState state,
                                                absl::string_view why) {
  VmRecord next = vm;
  next.state = state;
  if (state == VmState::kRunning) next.health = HealthState::kOk;
  next.updated_unix_ms = Now();
  return store_->UpdateVm(next, {0, Now(), vm.id, "state",
                                 absl::StrCat(ToString(vm.state), " -> ", ToString(state),
                                              why.empty() ? "" : ": ", why)});
}

}  // namespace hv::vmms
