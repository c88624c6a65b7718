// VmManager: DestroySystem as Hyper-V answers it (hyperv.md §6, cim.md rule
// 8): instant work completes at once, a VM that still holds a worker is
// turned off and destroyed by a job the client polls.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "vmms/lifecycle/return_code.h"
#include "vmms/lifecycle/vm_manager.h"
#include "vmms/model/guid.h"

namespace hv::vmms {

absl::StatusOr<std::optional<JobRecord>> VmManager::DestroySystem(absl::string_view id) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  if (vm.state == VmState::kOff || vm.state == VmState::kSaved) {
    RETURN_IF_ERROR(DestroyVm(vm.id));
    return std::nullopt;
  }
  auto plan = PlanTransition(vm.name, vm.state, static_cast<uint32_t>(RequestedState::kTurnOff));
  if (auto* refusal = std::get_if<TransitionRefusal>(&plan)) {
    return WithReturnCode(
        absl::FailedPreconditionError(absl::StrCat("vm '", vm.name, "': cannot destroy from ",
                                                   ToString(vm.state), " (", refusal->message,
                                                   ")")),
        refusal->code);
  }
  const TransitionPlan p = std::get<TransitionPlan>(plan);
  return LaunchJob(vm, kDestroySystemJobType, absl::StrCat("Destroy vm '", vm.name, "'"), p.during,
                   "DestroySystem job", [this, from = vm.state](JobRecord job, VmRecord during) {
                     RunDestroyJob(std::move(job), std::move(during), from);
                   });
}

void VmManager::RunDestroyJob(JobRecord job, VmRecord vm, VmState from) {
  absl::Status s = StopWorker(vm, RequestedState::kTurnOff);
  absl::StatusOr<VmRecord> now = store_->GetVm(vm.id);
  if (s.ok() && now.ok()) {
    VmRecord off = *now;
    off.saved_state_path.clear();
    absl::StatusOr<VmRecord> done = ChangeState(off, VmState::kOff, job.description);
    s = done.ok() ? DestroyVm(vm.id) : done.status();
  } else if (!now.ok()) {
    s = now.status();
  } else if (IsTransitional(now->state)) {
    // The worker would not stop: back where it was, unless it is gone.
    VmState back = HasWorker(from) && !Control(vm.id) ? VmState::kOff : from;
    ChangeState(*now, back, absl::StrCat("destroy failed: ", s.message())).IgnoreError();
  }
  job.finished_unix_ms = Now();
  job.percent_complete = 100;
  if (s.ok()) {
    job.state = JobState::kCompleted;
  } else {
    job.state = JobState::kException;
    job.error_code = static_cast<uint32_t>(ReturnCodeOf(s).value_or(StateChangeReturn::kFailed));
    job.error_description = std::string(s.message());
  }
  store_->PutJob(job).IgnoreError();
  if (observer_.on_job_finished) observer_.on_job_finished(job);
  absl::MutexLock lock(&mu_);
  --jobs_running_;
}

}  // namespace hv::vmms
