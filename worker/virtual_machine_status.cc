// VirtualMachine: memory primitives, status sampling and waiting (the
// lifecycle is in virtual_machine.cc).
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hypervisor-shim/exit_reason.h"
#include "worker/host_accounting.h"
#include "worker/virtual_machine.h"

namespace hv::worker {

uint64_t VirtualMachine::UptimeMs() const {
  absl::MutexLock lock(&state_mu_);
  if (started_at_ == absl::InfiniteFuture()) return uptime_base_ms_;
  return uptime_base_ms_ + static_cast<uint64_t>(absl::ToInt64Milliseconds(absl::Now() - started_at_));
}

pb::WorkerInfo VirtualMachine::Info() const {
  pb::WorkerInfo info;
  info.set_vm_id(config_.vm_id());
  info.set_state(state());
  info.set_pid(getpid());
  info.set_backend(std::string(hv::shim::ToString(partition_->kind())));
  *info.mutable_memory() = config_.memory();
  info.set_uptime_ms(UptimeMs());
  return info;
}

pb::MemoryOperationResponse VirtualMachine::MemoryResponse() const {
  pb::MemoryOperationResponse r;
  if (dm_ == nullptr) {
    r.set_assigned_mib(config_.memory().startup_mib());
    r.set_target_mib(config_.memory().startup_mib());
    return r;
  }
  DmVspStatus s = dm_->Status();
  r.set_assigned_mib(s.assigned_pages / 256);
  r.set_target_mib(s.target_pages != 0 ? s.target_pages / 256 : s.assigned_pages / 256);
  return r;
}

absl::StatusOr<pb::MemoryOperationResponse> VirtualMachine::ApplyTarget(uint64_t target_mib) {
  const auto& m = config_.memory();
  if (target_mib < m.minimum_mib() || target_mib > m.maximum_mib()) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': memory target ", target_mib,
                                                   " MiB is outside [", m.minimum_mib(), ", ",
                                                   m.maximum_mib(), "] MiB"));
  }
  RETURN_IF_ERROR(dm_->SetTargetMib(target_mib));
  vmbus_->Kick();  // the DM VSP acts on its next poll pass: now, not after an idle wait
  return MemoryResponse();
}

namespace {
absl::Status CheckDm(const std::string& name, const DmVsp* dm) {
  if (dm == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("vm '", name, "': Dynamic Memory is disabled (static memory)"));
  }
  DmVspStatus s = dm->Status();
  if (s.state != DmState::kActive) {
    return absl::FailedPreconditionError(absl::StrCat(
        "vm '", name, "': cannot change memory while Dynamic Memory is ",
        std::string(DmStateToString(s.state))));
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<pb::MemoryOperationResponse> VirtualMachine::SetMemoryTarget(uint64_t target_mib) {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kChangeMemory));
  RETURN_IF_ERROR(CheckDm(name_, dm_.get()));
  return ApplyTarget(target_mib);
}

absl::StatusOr<pb::MemoryOperationResponse> VirtualMachine::AddMemory(uint64_t mib) {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kChangeMemory));
  if (mib == 0) return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': AddMemory of 0 MiB"));
  RETURN_IF_ERROR(CheckDm(name_, dm_.get()));
  const uint64_t current = MemoryResponse().target_mib();
  if (mib > config_.memory().maximum_mib()) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': cannot add ", mib,
                                                   " MiB, more than the maximum"));
  }
  return ApplyTarget(current + mib);
}

absl::StatusOr<pb::MemoryOperationResponse> VirtualMachine::RemoveMemory(uint64_t mib) {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kChangeMemory));
  if (mib == 0) return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': RemoveMemory of 0 MiB"));
  RETURN_IF_ERROR(CheckDm(name_, dm_.get()));
  const uint64_t current = MemoryResponse().target_mib();
  if (mib > current) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': cannot remove ", mib,
                                                   " MiB from a target of ", current, " MiB"));
  }
  return ApplyTarget(current - mib);
}

void VirtualMachine::FillMemory(pb::StatusReport& r) const {
  if (dm_ == nullptr) {
    r.set_dm_state(pb::DM_STATE_DISABLED);
    r.set_assigned_mib(config_.memory().startup_mib());
    r.set_guest_visible_mib(config_.memory().startup_mib());
    r.set_target_mib(config_.memory().startup_mib());
    return;
  }
  DmVspStatus s = dm_->Status();
  r.set_dm_state(static_cast<pb::DynamicMemoryState>(static_cast<int>(s.state)));
  r.set_dm_protocol_version(s.protocol_version);
  r.set_guest_committed_pages(s.guest_committed_pages);
  r.set_guest_available_pages(s.guest_available_pages);
  r.set_dm_status_reports(s.status_reports);
  r.set_assigned_mib(s.assigned_pages / 256);
  r.set_guest_visible_mib(s.visible_pages / 256);
  r.set_target_mib(s.target_pages / 256);
  r.set_added_mib_total(s.added_pages_total / 256);
  r.set_removed_mib_total(s.removed_pages_total / 256);
  r.set_add_operations(s.add_operations);
  r.set_remove_operations(s.remove_operations);
  r.set_pressure_current(s.pressure_current);
  r.set_pressure_minimum(s.pressure_minimum);
  r.set_pressure_maximum(s.pressure_maximum);
  r.set_pressure_average(s.pressure_average);
}

pb::StatusReport VirtualMachine::Sample() {
  pb::StatusReport r;
  r.set_sequence(sequence_.fetch_add(1) + 1);
  r.set_timestamp_unix_ms(absl::ToUnixMillis(absl::Now()));
  r.set_state(state());
  FillMemory(r);
  const HeartbeatStatus hb = heartbeat_->Status();
  r.set_heartbeat(static_cast<pb::HeartbeatState>(static_cast<int>(hb.state)));
  r.set_heartbeat_responses(hb.responses);
  const uint64_t resident = partition_->ResidentBytes();
  const uint64_t rss = ProcessRssBytes().value_or(0);
  r.set_guest_resident_bytes(resident);
  r.set_worker_rss_bytes(rss);
  r.set_worker_overhead_bytes(WorkerOverheadBytes(rss, resident));
  r.set_guest_mapped_bytes(partition_->MappedBytes());
  r.set_cpu_time_us(ProcessCpuTimeUs());
  r.set_uptime_ms(UptimeMs());
  const hv::shim::ExitCounts counts = exit_stats_.Counts();
  for (const hv::shim::ExitReasonInfo& info : hv::shim::ExitReasonTable()) {
    if (uint64_t n = counts.count(info.reason); n != 0) {
      (*r.mutable_exit_counts())[std::string(info.name)] = n;
    }
  }
  if (std::optional<hv_workload_status> w = workload_->LastStatus()) {
    r.set_workload_counter(w->progress);
  }
  r.set_misbehaviour_events(MisbehaviourEvents());
  carried_.Apply(r);  // exit and misbehaviour counts continue across a restore
  return r;
}

uint64_t VirtualMachine::MisbehaviourEvents() const {
  VmbusServerCounters vc = vmbus_->counters();
  uint64_t misbehaviour = vc.messages_malformed + vc.messages_unexpected + vc.channels_reset +
                          vc.gpadls_rejected + vc.opens_rejected + vc.signals_unknown +
                          workload_->bad_packets() + shutdown_->Status().bad_messages +
                          power_off_port_.counters().bad_writes;
  if (dm_ != nullptr) {
    DmVspCounters dc = dm_->counters();
    misbehaviour += dc.malformed + dc.unexpected + dc.bad_ranges + dc.flood_dropped;
  }
  return misbehaviour;
}

uint64_t VirtualMachine::change_sequence() const {
  absl::MutexLock lock(&state_mu_);
  return change_seq_;
}

void VirtualMachine::WakeStatusWatchers() {
  absl::MutexLock lock(&state_mu_);
  ++change_seq_;
}

uint64_t VirtualMachine::WaitForChange(uint64_t seen, absl::Duration timeout) const {
  absl::MutexLock lock(&state_mu_);
  struct Arg {
    const VirtualMachine* vm;
    uint64_t seen;
  } arg{this, seen};
  state_mu_.AwaitWithTimeout(
      absl::Condition(
          +[](Arg* a) ABSL_NO_THREAD_SAFETY_ANALYSIS { return a->vm->change_seq_ > a->seen; },
          &arg),
      timeout);
  return change_seq_;
}

bool VirtualMachine::WaitUntilFinal(absl::Duration timeout) const {
  absl::MutexLock lock(&state_mu_);
  return state_mu_.AwaitWithTimeout(
      absl::Condition(
          +[](const VirtualMachine* vm) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return IsFinalState(vm->state_);
          },
          this),
      timeout);
}

}  // namespace hv::worker
