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
  JobRecord job;
  job.id = NewGuid();
  job.vm_id = vm.id;
  job.job_type = kDestroySystemJobType;
  job.description = absl::StrCat("Destroy vm '", vm.name, "'");
  job.state = JobState::kRunning;
  job.created_unix_ms = Now();
  {
    absl::MutexLock lock(&mu_);
    if (!accepting_) {
      return WithReturnCode(absl::UnavailableError("vmms is shutting down"),
                            StateChangeReturn::kSystemNotAvailable);
    }
    ++jobs_running_;
  }
  absl::StatusOr<VmRecord> during = ChangeState(vm, p.during, job.description);
  absl::Status put = during.ok() ? store_->PutJob(job) : during.status();
  if (!put.ok()) {
    absl::MutexLock lock(&mu_);
    --jobs_running_;
    return put;
  }
  Event(vm.id, "method", absl::StrCat("DestroySystem job ", job.id));
  absl::MutexLock lock(&mu_);
  job_threads_.emplace_back([this, job, vm = *during, from = vm.state]() mutable {
    RunDestroyJob(std::move(job), std::move(vm), from);
  });
  return job;
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
