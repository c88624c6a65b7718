// VmManager: worker supervision, status intake, the balancer loop and queries.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "vmms/lifecycle/vm_manager.h"

namespace hv::vmms {

void VmManager::OnStatus(const std::string& vm_id, const WorkerStatus& status) {
  absl::MutexLock lock(&mu_);
  auto it = runtime_.find(vm_id);
  if (it == runtime_.end()) return;
  Runtime& rt = it->second;
  rt.status = status;
  rt.last_status_ms = Now();
  if (rt.first_dm_active_ms == 0 && status.dm_state == DmState::kActive) {
    rt.first_dm_active_ms = rt.last_status_ms;
  }
}

void VmManager::OnExit(const std::string& vm_id, const WorkerExit& exit) {
  // Released after mu_ (declared first, destroyed last): its destructor joins
  // the status watcher, which may be waiting for mu_ in OnStatus.
  std::shared_ptr<WorkerControl> retired;
  {
    absl::MutexLock lock(&mu_);
    auto it = runtime_.find(vm_id);
    if (it == runtime_.end()) return;
    if (it->second.expect_exit) {  // an ordered stop; a Save waits for this
      if (exit.pid == 0 || it->second.worker.pid == exit.pid) it->second.exited = true;
      return;
    }
    // An earlier worker of this VM: a saved worker exits after Save returned,
    // and its exit may be seen only once the restoring worker is registered.
    // That is not the current worker dying (it used to turn a restored VM Off).
    if (exit.pid != 0 && it->second.worker.pid != exit.pid) return;
    retired = std::move(it->second.control);
    runtime_.erase(it);
  }
  // Off the watcher thread: the store and a possible restart may take a while.
  absl::MutexLock lock(&mu_);
  ++jobs_running_;
  job_threads_.emplace_back([this, vm_id, exit] {
    HandleUnexpectedExit(vm_id, exit);
    absl::MutexLock l(&mu_);
    --jobs_running_;
  });
}

void VmManager::HandleUnexpectedExit(const std::string& vm_id, const WorkerExit& exit) {
  store_->DeleteWorker(vm_id).IgnoreError();
  std::string how = exit.signal ? absl::StrCat("killed by signal ", exit.signal)
                    : exit.status_known ? absl::StrCat("exited with code ", exit.exit_code)
                                        : "exited";
  if (!exit.record.empty()) absl::StrAppend(&how, "; record: ", exit.record);
  Event(vm_id, "worker-exit", absl::StrCat("worker ", how));
  absl::StatusOr<VmRecord> vm = store_->GetVm(vm_id);
  if (!vm.ok()) return;
  VmRecord off = *vm;
  off.health = HealthState::kCriticalFailure;
  absl::StatusOr<VmRecord> stored = ChangeState(off, VmState::kOff, absl::StrCat("worker ", how));
  bool accepting;
  {
    absl::MutexLock lock(&mu_);
    accepting = accepting_;
  }
  if (stored.ok() && stored->recovery == RecoveryAction::kRestart && accepting) {
    if (observer_.on_worker_restart) observer_.on_worker_restart(vm_id);
    VmRecord restart = *stored;
    absl::StatusOr<VmRecord> starting = ChangeState(restart, VmState::kStarting, "automatic recovery");
    if (!starting.ok()) return;
    restart = *starting;
    restart.saved_state_path.clear();
    absl::Status s = StartWorker(restart);
    ChangeState(*store_->GetVm(vm_id), s.ok() ? VmState::kRunning : VmState::kOff,
                s.ok() ? "automatic recovery" : absl::StrCat("automatic recovery failed: ", s.message()))
        .IgnoreError();
  }
}

uint64_t VmManager::AssignedTotalMib() const {
  absl::MutexLock lock(&mu_);
  uint64_t total = 0;
  for (const auto& [id, rt] : runtime_) {
    // Before its first status a worker holds its startup memory.
    total += rt.status ? rt.status->assigned_mib : rt.startup_mib;
  }
  return total;
}

BalancerPlan VmManager::BalanceOnce() {
  absl::Time t0 = absl::Now();
  absl::StatusOr<std::vector<VmRecord>> vms = store_->ListVms();
  std::vector<BalancerVm> input;
  std::vector<std::shared_ptr<WorkerControl>> controls;
  if (vms.ok()) {
    absl::MutexLock lock(&mu_);
    for (const VmRecord& vm : *vms) {
      auto it = runtime_.find(vm.id);
      if (it == runtime_.end() || it->second.expect_exit) continue;
      const std::optional<WorkerStatus>& st = it->second.status;
      BalancerVm b;
      b.id = vm.id;
      b.dynamic_memory = vm.memory.dynamic_memory_enabled;
      b.cooperative = vm.state == VmState::kRunning && st && st->dm_state == DmState::kActive;
      b.minimum_mib = vm.memory.minimum_mib;
      b.maximum_mib = vm.memory.maximum_mib;
      b.buffer_percent = vm.memory.buffer_percent;
      b.weight = vm.memory.weight;
      b.assigned_mib = st ? st->assigned_mib : vm.memory.startup_mib;
      b.ballooned_mib = st ? st->ballooned_mib : 0;
      b.committed_mib = st ? st->committed_mib : 0;
      input.push_back(b);
      controls.push_back(it->second.control);
    }
  }
  BalancerPlan plan = balancer_.Balance(input, {options_.budget_mib});
  for (size_t i = 0; i < plan.decisions.size(); ++i) {
    const BalancerDecision& d = plan.decisions[i];
    if (d.action == BalancerAction::kNone) continue;
    absl::Status s = controls[i]->SetMemoryTarget(d.new_assigned_mib);
    if (!s.ok()) Event(d.id, "balancer", absl::StrCat("target ", d.new_assigned_mib, " MiB: ", s.message()));
  }
  {
    absl::MutexLock lock(&mu_);
    last_plan_ = plan;
  }
  if (observer_.on_balancer_round) observer_.on_balancer_round(plan, absl::Now() - t0);
  return plan;
}

BalancerPlan VmManager::LastPlan() const {
  absl::MutexLock lock(&mu_);
  return last_plan_;
}

void VmManager::BalancerLoop() {
  absl::Time scheduled = absl::Now();
  absl::MutexLock lock(&loop_mu_);
  while (!loop_stop_) {
    loop_mu_.Unlock();
    BalanceOnce();
    loop_mu_.Lock();
    scheduled = NextBalancerRound(scheduled, absl::Now(), options_.balancer_interval);
    loop_mu_.AwaitWithDeadline(absl::Condition(&loop_stop_), scheduled);
  }
}

absl::StatusOr<VmView> VmManager::GetVm(absl::string_view id_or_name) {
  absl::StatusOr<VmRecord> vm = store_->GetVm(id_or_name);
  if (absl::IsNotFound(vm.status())) vm = store_->GetVmByName(id_or_name);
  if (!vm.ok()) return vm.status();
  VmView view{*vm, std::nullopt};
  absl::MutexLock lock(&mu_);
  auto it = runtime_.find(vm->id);
  if (it != runtime_.end()) {
    view.status = it->second.status;
    view.last_status_unix_ms = it->second.last_status_ms;
    view.first_dm_active_unix_ms = it->second.first_dm_active_ms;
  }
  return view;
}

absl::StatusOr<std::vector<VmView>> VmManager::ListVms() {
  ASSIGN_OR_RETURN(std::vector<VmRecord> vms, store_->ListVms());
  std::vector<VmView> out;
  absl::MutexLock lock(&mu_);
  for (VmRecord& vm : vms) {
    auto it = runtime_.find(vm.id);
    VmView& v = out.emplace_back(VmView{std::move(vm), std::nullopt});
    if (it != runtime_.end()) {
      v.status = it->second.status;
      v.last_status_unix_ms = it->second.last_status_ms;
      v.first_dm_active_unix_ms = it->second.first_dm_active_ms;
    }
  }
  return out;
}

absl::Status VmManager::RunWorkload(absl::string_view id, const std::string& command) {
  ASSIGN_OR_RETURN(VmView vm, GetVm(id));
  std::shared_ptr<WorkerControl> control = Control(vm.record.id);
  if (!control) {
    return absl::FailedPreconditionError(
        absl::StrCat("vm '", vm.record.name, "': cannot run a workload while ", ToString(vm.record.state)));
  }
  return control->RunWorkload(command);
}

}  // namespace hv::vmms
