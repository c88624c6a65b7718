// VmManager: jobs and the operations they carry out on workers.
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "vmms/lifecycle/return_code.h"
#include "vmms/lifecycle/vm_manager.h"
#include "vmms/model/guid.h"

namespace hv::vmms {

absl::StatusOr<JobRecord> VmManager::RequestStateChange(absl::string_view id, uint32_t requested) {
  ASSIGN_OR_RETURN(VmRecord vm, store_->GetVm(id));
  auto plan = PlanTransition(vm.name, vm.state, requested);
  if (auto* refusal = std::get_if<TransitionRefusal>(&plan)) {
    absl::StatusCode code = refusal->code == StateChangeReturn::kInvalidParameter
                                ? absl::StatusCode::kInvalidArgument
                                : absl::StatusCode::kFailedPrecondition;
    Event(vm.id, "method", absl::StrCat("RequestStateChange(", requested, ") refused: ",
                                        refusal->message));
    return WithReturnCode(absl::Status(code, refusal->message), refusal->code);
  }
  const TransitionPlan p = std::get<TransitionPlan>(plan);
  const RequestedState request = static_cast<RequestedState>(requested);
  return LaunchJob(vm, requested, absl::StrCat(ToString(request), " vm '", vm.name, "'"), p.during,
                   absl::StrCat("RequestStateChange(", requested, ") job"),
                   [this, from = vm.state, request, p](JobRecord job, VmRecord during) {
                     RunJob(std::move(job), std::move(during), from, request, p);
                   });
}

absl::StatusOr<JobRecord> VmManager::LaunchJob(const VmRecord& vm, uint32_t job_type,
                                               std::string description, VmState during,
                                               absl::string_view event,
                                               std::function<void(JobRecord, VmRecord)> run) {
  JobRecord job;
  job.id = NewGuid();
  job.vm_id = vm.id;
  job.job_type = job_type;
  job.description = std::move(description);
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
  // The transitional state and the job are durable before the client hears of them.
  absl::StatusOr<VmRecord> changed = ChangeState(vm, during, job.description);
  absl::Status put = changed.ok() ? store_->PutJob(job) : changed.status();
  if (!put.ok()) {
    absl::MutexLock lock(&mu_);
    --jobs_running_;
    return put;
  }
  Event(vm.id, "method", absl::StrCat(event, " ", job.id));
  absl::MutexLock lock(&mu_);
  job_threads_.emplace_back([run = std::move(run), job, vm = *changed]() mutable {
    run(std::move(job), std::move(vm));
  });
  return job;
}

void VmManager::RunJob(JobRecord job, VmRecord vm, VmState from, RequestedState request,
                       TransitionPlan plan) {
  absl::Status s = Perform(vm, request, plan);
  // Re-read: supervision may have changed the record while the job ran.
  absl::StatusOr<VmRecord> now = store_->GetVm(vm.id);
  if (s.ok() && now.ok()) {
    VmRecord done = *now;
    if (plan.to == VmState::kSaved) done.saved_state_path = vm.saved_state_path;
    if (plan.to != VmState::kSaved) done.saved_state_path.clear();
    absl::StatusOr<VmRecord> final_state = ChangeState(done, plan.to, job.description);
    if (!final_state.ok()) s = final_state.status();
  } else if (now.ok() && IsTransitional(now->state)) {
    // Failed: back to the state it started from, unless that state needs a
    // worker and the worker is gone.
    VmState back = from;
    if (HasWorker(from) && !Control(vm.id)) back = VmState::kOff;
    ChangeState(*now, back, absl::StrCat("job failed: ", s.message())).IgnoreError();
  }
  job.finished_unix_ms = Now();
  job.percent_complete = 100;
  if (s.ok()) {
    job.state = JobState::kCompleted;
  } else {
    job.state = JobState::kException;
    std::optional<StateChangeReturn> rc = ReturnCodeOf(s);
    job.error_code = static_cast<uint32_t>(rc.value_or(StateChangeReturn::kFailed));
    job.error_description = std::string(s.message());
  }
  store_->PutJob(job).IgnoreError();
  if (observer_.on_job_finished) observer_.on_job_finished(job);
  absl::MutexLock lock(&mu_);
  --jobs_running_;
}

absl::Status VmManager::Perform(VmRecord& vm, RequestedState request, const TransitionPlan& plan) {
  std::shared_ptr<WorkerControl> control = Control(vm.id);
  switch (request) {
    case RequestedState::kStart:
      if (plan.during == VmState::kResuming) {
        if (!control) return absl::UnavailableError(absl::StrCat("vm '", vm.name, "': no worker"));
        return control->Resume();
      }
      return StartWorker(vm);
    case RequestedState::kPause:
      if (!control) return absl::UnavailableError(absl::StrCat("vm '", vm.name, "': no worker"));
      return control->Pause();
    case RequestedState::kTurnOff:
    case RequestedState::kShutDown:
    case RequestedState::kSave:
      return StopWorker(vm, request);
    case RequestedState::kReboot:
    case RequestedState::kReset:
      RETURN_IF_ERROR(StopWorker(vm, request == RequestedState::kReboot ? RequestedState::kShutDown
                                                                         : RequestedState::kTurnOff));
      return StartWorker(vm);
  }
  return absl::InternalError("unreachable");
}

absl::Status VmManager::StartWorker(VmRecord& vm) {
  if (!Balancer::StartupFits(vm.memory.startup_mib, AssignedTotalMib(), {options_.budget_mib})) {
    return WithReturnCode(absl::ResourceExhaustedError(absl::StrCat("vm '", vm.name, "': insufficient memory to start: needs ",
                                vm.memory.startup_mib, " MiB, ",
                                options_.budget_mib - std::min(options_.budget_mib, AssignedTotalMib()),
                                " MiB available")), StateChangeReturn::kOutOfMemory);
  }
  std::error_code ec;
  std::filesystem::create_directories(VmDir(vm.id), ec);
  WorkerStartRequest request{vm, vm.saved_state_path};  // set only when starting from Saved
  ASSIGN_OR_RETURN(StartedWorker started, workers_->Start(request, Callbacks()));
  RETURN_IF_ERROR(store_->PutWorker(started.record));
  absl::MutexLock lock(&mu_);
  Runtime& rt = runtime_[vm.id];
  rt.control = std::move(started.control);
  rt.worker = started.record;
  rt.status.reset();
  rt.last_status_ms = 0;
  rt.first_dm_active_ms = 0;
  rt.startup_mib = vm.memory.startup_mib;
  rt.expect_exit = false;
  return absl::OkStatus();
}

absl::Status VmManager::StopWorker(VmRecord& vm, RequestedState how) {
  std::shared_ptr<WorkerControl> control;
  {
    absl::MutexLock lock(&mu_);
    auto it = runtime_.find(vm.id);
    if (it == runtime_.end()) return absl::OkStatus();  // nothing runs (e.g. Saved -> Off)
    it->second.expect_exit = true;
    control = it->second.control;
  }
  absl::Status s;
  if (how == RequestedState::kSave) {
    vm.saved_state_path = (std::filesystem::path(VmDir(vm.id)) / "saved.vmstate").string();
    s = control->Save(vm.saved_state_path);
  } else if (how == RequestedState::kShutDown) {
    s = control->Shutdown(options_.shutdown_timeout);
  } else {
    s = control->TurnOff();
  }
  absl::MutexLock lock(&mu_);
  if (!s.ok()) {
    auto it = runtime_.find(vm.id);
    if (it != runtime_.end()) it->second.expect_exit = false;
    return s;
  }
  if (how == RequestedState::kSave) {
    // The saved worker still listens on the socket a restore reuses until it
    // has exited: the Save ends only then (VmManagerOptions).
    auto it = runtime_.find(vm.id);
    if (it != runtime_.end() &&
        !mu_.AwaitWithTimeout(absl::Condition(+[](Runtime* rt) { return rt->exited; }, &it->second),
                              options_.saved_worker_exit_timeout)) {
      mu_.Unlock();
      Event(vm.id, "save", "the saved worker had not exited when the Save completed");
      mu_.Lock();
    }
  }
  runtime_.erase(vm.id);
  store_->DeleteWorker(vm.id).IgnoreError();
  return absl::OkStatus();
}

absl::StatusOr<JobRecord> VmManager::GetJob(absl::string_view id) { return store_->GetJob(id); }

absl::StatusOr<std::vector<JobRecord>> VmManager::ListJobs() {
  store_->RemoveExpiredJobs(Now()).IgnoreError();
  return store_->ListJobs();
}

absl::StatusOr<int64_t> VmManager::LastCompletedStartMs(absl::string_view vm_id) {
  return store_->LatestJobFinish(vm_id, static_cast<uint32_t>(RequestedState::kStart),
                                 JobState::kCompleted);
}

absl::StatusOr<JobRecord> VmManager::WaitJob(absl::string_view id, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    ASSIGN_OR_RETURN(JobRecord job, store_->GetJob(id));
    if (job.state != JobState::kRunning && job.state != JobState::kStarting &&
        job.state != JobState::kNew) {
      return job;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("job ", id, ": still running"));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

}  // namespace hv::vmms
