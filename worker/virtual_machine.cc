#include "worker/virtual_machine.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "hypervisor-shim/vm_exit.h"
#include "wire/boot_info.h"
#include "wire/dynmem.h"
#include "wire/vmbus.h"
#include "worker/guest_loader.h"
#include "worker/saved_state_sections.h"
#include "worker/saved_state_file.h"
#include "worker/worker_config.h"

namespace hv::worker {
namespace {

constexpr uint8_t kDmClassGuid[16] = HV_DM_CLASS_GUID_BYTES;
constexpr uint8_t kHeartbeatClassGuid[16] = HV_HEARTBEAT_CLASS_GUID_BYTES;
constexpr uint8_t kWorkloadClassGuid[16] = HV_WORKLOAD_CLASS_GUID_BYTES;
constexpr uint8_t kShutdownClassGuid[16] = HV_SHUTDOWN_CLASS_GUID_BYTES;
// How often Shutdown looks for the guest's power-off while it waits.
constexpr absl::Duration kPowerOffPollInterval = absl::Milliseconds(10);

vmbus_guid Guid(const uint8_t (&bytes)[16]) {
  vmbus_guid g;
  std::memcpy(g.b, bytes, 16);
  return g;
}

// Instance GUIDs: the class GUID with the last byte varied per device, stable
// across save/restore.
vmbus_guid InstanceGuid(const uint8_t (&bytes)[16], uint8_t salt) {
  vmbus_guid g = Guid(bytes);
  g.b[15] ^= static_cast<uint8_t>(0x5A ^ salt);
  return g;
}

}  // namespace

VirtualMachine::VirtualMachine(VirtualMachineOptions options)
    : options_(std::move(options)), config_(options_.config), name_(VmDisplayName(config_)) {}

absl::StatusOr<std::unique_ptr<VirtualMachine>> VirtualMachine::Create(
    VirtualMachineOptions options) {
  std::unique_ptr<VirtualMachine> vm(new VirtualMachine(std::move(options)));
  RETURN_IF_ERROR(vm->Build());
  return vm;
}

absl::Status VirtualMachine::Build() {
  pb::WorkerSavedState saved;
  const bool restoring = !config_.restore_from().empty();
  if (restoring) {
    ASSIGN_OR_RETURN(saved, ReadSavedStateHeader(config_.restore_from()));
    // The saved VM defines the machine; the new worker keeps its own socket,
    // state directory and backend choice (Quick Migration may change hosts).
    pb::WorkerConfig merged = saved.config();
    merged.set_socket_path(config_.socket_path());
    merged.set_state_dir(config_.state_dir());
    merged.set_restore_from(config_.restore_from());
    merged.set_start_paused(config_.start_paused());
    if (!config_.backend().empty()) merged.set_backend(config_.backend());
    config_ = merged;
    name_ = VmDisplayName(config_);
    uptime_base_ms_ = saved.uptime_ms();
  }
  ASSIGN_OR_RETURN(backend_, SelectBackend(config_.backend()));
  ASSIGN_OR_RETURN(partition_, backend_->CreatePartition(PartitionOptionsFor(config_)));
  if (restoring) {
    RETURN_IF_ERROR(RestorePartitionFromSavedState(config_.restore_from(), *partition_));
    serial_.RestoreHistory(saved.serial_history(),
                           std::max<uint64_t>(saved.serial_total_bytes(), saved.serial_history().size()));
  } else {
    ASSIGN_OR_RETURN(std::vector<uint8_t> image, ReadGuestImage(config_.guest_image()));
    RETURN_IF_ERROR(BootGuest(*partition_, config_, image));
  }
  RETURN_IF_ERROR(BuildDevices());
  if (restoring) {
    if (absl::Status s = RestoreDevices(saved); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("vm '", name_, "': restoring devices from '",
                                                 config_.restore_from(), "': ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status VirtualMachine::RestoreDevices(const pb::WorkerSavedState& saved) {
  // The devices' own states first; the VMBus server last, because it hands
  // each open channel back to its (restored) device.
  if ((dm_ != nullptr) != saved.has_dynmem()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dynmem: state ", saved.has_dynmem() ? "present" : "missing",
                     " but Dynamic Memory is ", dm_ != nullptr ? "enabled" : "disabled"));
  }
  RETURN_IF_ERROR(dm_memory_->Restore(saved.dm_memory()));
  if (dm_ != nullptr) RETURN_IF_ERROR(dm_->Restore(saved.dynmem()));
  RETURN_IF_ERROR(heartbeat_->Restore(saved.heartbeat()));
  RETURN_IF_ERROR(workload_->Restore(saved.workload()));
  // The shutdown IC's section is optional: in a file saved before it, the
  // open channel negotiates afresh (ShutdownVsp::OnRestore).
  ASSIGN_OR_RETURN(std::optional<ShutdownSavedState> shutdown, GetShutdownSection(saved));
  if (shutdown.has_value()) RETURN_IF_ERROR(shutdown_->Restore(*shutdown));
  RETURN_IF_ERROR(vmbus_->Restore(saved.vmbus()));
  RETURN_IF_ERROR(shutdown_->CheckRestoredChannel());
  // Last: the baselines are what the restored devices do not count again.
  ASSIGN_OR_RETURN(auto counters, GetCountersSection(saved));
  return carried_.Restore(saved.exit_counts(), counters, MisbehaviourEvents());
}

absl::Status VirtualMachine::BuildDevices() {
  RETURN_IF_ERROR(io_bus_.Register(kCom1Base, kUartPorts, &serial_, "com1"));
  RETURN_IF_ERROR(
      io_bus_.Register(HV_POWER_OFF_PORT, kPowerOffPorts, &power_off_port_, "power-off"));
  bus_handler_ = std::make_unique<hv::shim::DeviceBusHandler>(&io_bus_, nullptr);
  // Observers first (ExitStats), then hypercalls, then the device bus, which
  // also applies the default action to every other exit.
  exit_handler_ = std::make_unique<hv::shim::CompositeExitHandler>(
      std::vector<hv::shim::ExitHandler*>{&exit_stats_, &hypercalls_, bus_handler_.get()});
  hv::shim::VcpuRunnerOptions ro;
  ro.on_stopped = [this](hv::shim::Vcpu& v, const absl::StatusOr<hv::shim::VmExit>& last) {
    OnVcpuStopped(v, last);
  };
  runner_ = std::make_unique<hv::shim::VcpuRunner>(*partition_, *exit_handler_, std::move(ro));
  vmbus_ = std::make_unique<VmbusHost>(partition_.get(), &hypercalls_, &events_, &clock_,
                                       [this] { runner_->Kick(0); });
  dm_memory_ = std::make_unique<PartitionDmMemory>(partition_.get());
  if (config_.memory().dynamic_memory_enabled()) {
    DmVspOptions dm = options_.dm;
    dm.startup_pages = config_.memory().startup_mib() * 256;
    dm.maximum_pages = config_.memory().maximum_mib() * 256;
    dm.on_status_report = [this] { device_bell_.Ring(); };
    dm_ = std::make_unique<DmVsp>(dm_memory_.get(), &clock_, &events_, dm);
    RETURN_IF_ERROR(vmbus_->AddDevice(Guid(kDmClassGuid), InstanceGuid(kDmClassGuid, 1), dm_.get(),
                                      [this] { return GuardedPoll([this] { return dm_->Poll(); }); })
                        .status());
  }
  heartbeat_ = std::make_unique<HeartbeatVsp>(&clock_, &events_);
  RETURN_IF_ERROR(vmbus_->AddDevice(Guid(kHeartbeatClassGuid), InstanceGuid(kHeartbeatClassGuid, 2),
                                    heartbeat_.get(),
                                    [this] { return GuardedPoll([this] { return heartbeat_->Poll(); }); })
                      .status());
  shutdown_ = std::make_unique<ShutdownVsp>(&clock_, &events_);
  RETURN_IF_ERROR(vmbus_->AddDevice(Guid(kShutdownClassGuid), InstanceGuid(kShutdownClassGuid, 4),
                                    shutdown_.get(),
                                    [this] { return GuardedPoll([this] { return shutdown_->Poll(); }); })
                      .status());
  workload_ = std::make_unique<WorkloadVsp>();
  RETURN_IF_ERROR(vmbus_->AddDevice(Guid(kWorkloadClassGuid), InstanceGuid(kWorkloadClassGuid, 3),
                                    workload_.get(),
                                    [this] { return GuardedPoll([this] { return workload_->Poll(); }); })
                      .status());
  return absl::OkStatus();
}

VirtualMachine::~VirtualMachine() {
  stop_requested_ = true;
  if (runner_) runner_->Stop();
  if (vmbus_) vmbus_->Stop();
  {
    absl::MutexLock lock(&state_mu_);
    device_thread_exit_ = true;
  }
  device_bell_.Ring();
  if (device_thread_.joinable()) device_thread_.join();
  serial_.WakeReaders();
}

absl::Status VirtualMachine::Start() {
  absl::MutexLock op(&op_mu_);
  if (state() != pb::VM_STATE_STARTING) {
    return absl::FailedPreconditionError(
        absl::StrCat("vm '", name_, "': cannot Start from ", VmStateName(state())));
  }
  {
    absl::MutexLock lock(&state_mu_);
    started_at_ = absl::Now();
  }
  device_thread_ = std::thread([this] { DeviceLoop(); });
  if (config_.start_paused()) {
    SetState(pb::VM_STATE_PAUSED);
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(StartVcpus());
  SetState(pb::VM_STATE_RUNNING);
  return absl::OkStatus();
}

absl::Status VirtualMachine::StartVcpus() {
  RETURN_IF_ERROR(vmbus_->Start());
  RETURN_IF_ERROR(runner_->Start());
  vcpus_started_ = true;
  return absl::OkStatus();
}

pb::VmState VirtualMachine::state() const {
  absl::MutexLock lock(&state_mu_);
  return state_;
}

void VirtualMachine::SetState(pb::VmState s) {
  {
    absl::MutexLock lock(&state_mu_);
    if (state_ == s) return;
    state_ = s;
    ++change_seq_;
  }
  if (options_.on_state_change) options_.on_state_change(s);
}

absl::Status VirtualMachine::CheckOp(VmOperation op) const {
  return CheckOperation(name_, op, state());
}

void VirtualMachine::OnVcpuStopped(hv::shim::Vcpu& vcpu,
                                   const absl::StatusOr<hv::shim::VmExit>& last) {
  if (stop_requested_.load()) return;
  // Runs on the vCPU thread: record the crash; the device thread stops the
  // other vCPUs (the runner must not be driven from its own threads).
  std::string why = last.ok() ? last->DebugString() : std::string(last.status().message());
  absl::MutexLock lock(&state_mu_);
  if (crash_pending_ || state_ == pb::VM_STATE_CRASHED) return;
  crash_pending_ = true;
  crash_message_ = absl::StrCat("vm '", name_, "': vCPU ", vcpu.index(), " stopped: ", why);
  device_bell_.Ring();
}

void VirtualMachine::PauseSupervision(bool paused) {
  absl::MutexLock lock(&state_mu_);
  devices_paused_ = paused;
  // Wait for a pass in progress so nothing touches guest memory afterwards.
  state_mu_.Await(absl::Condition(
      +[](bool* active) { return !*active; }, &device_pass_active_));
}

absl::Time VirtualMachine::GuardedPoll(const std::function<absl::Time()>& poll) {
  device_polls_in_flight_.fetch_add(1);
  const absl::Time next = devices_quiesced_.load() ? absl::InfiniteFuture() : poll();
  device_polls_in_flight_.fetch_sub(1);
  return next;
}

void VirtualMachine::QuiesceDevices(bool quiesce) {
  devices_quiesced_.store(quiesce);
  while (quiesce && device_polls_in_flight_.load() != 0) absl::SleepFor(absl::Microseconds(100));
  if (!quiesce && vmbus_) vmbus_->Kick();
}

void VirtualMachine::DeviceLoop() {
  uint64_t last_reports = 0;
  for (;;) {
    std::string crash;
    device_bell_.WaitFor(options_.device_poll_interval);
    {
      absl::MutexLock lock(&state_mu_);
      if (device_thread_exit_) return;
      if (crash_pending_) {
        crash_pending_ = false;
        crash = crash_message_;
      }
      device_pass_active_ = !devices_paused_ && state_ == pb::VM_STATE_RUNNING;
      if (!device_pass_active_ && crash.empty()) continue;
    }
    if (!crash.empty()) {
      stop_requested_ = true;
      runner_->Stop();
      SetState(pb::VM_STATE_CRASHED);
      if (options_.on_guest_crash) options_.on_guest_crash(crash);
      absl::MutexLock lock(&state_mu_);
      device_pass_active_ = false;
      continue;
    }
    if (power_off_port_.requested()) HandleGuestPowerOff();
    const uint64_t reports = dm_ ? dm_->Status().status_reports : 0;
    absl::MutexLock lock(&state_mu_);
    device_pass_active_ = false;
    if (reports != last_reports) {
      last_reports = reports;
      ++change_seq_;
    }
  }
}

void VirtualMachine::StopEverything() {
  stop_requested_ = true;
  PauseSupervision(true);
  runner_->Stop();
  vmbus_->Stop();
  serial_.WakeReaders();
}

absl::StatusOr<pb::VmState> VirtualMachine::Pause() {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kPause));
  SetState(pb::VM_STATE_PAUSING);
  PauseSupervision(true);
  QuiesceDevices(true);
  vmbus_->Pause();  // its poll thread sleeps: no polling while paused
  runner_->Pause();
  SetState(pb::VM_STATE_PAUSED);
  return pb::VM_STATE_PAUSED;
}

absl::StatusOr<pb::VmState> VirtualMachine::Resume() {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kResume));
  SetState(pb::VM_STATE_RESUMING);
  if (!vcpus_started_) {
    // First run of a VM started paused.
    if (absl::Status s = StartVcpus(); !s.ok()) {
      SetState(pb::VM_STATE_PAUSED);
      return s;
    }
  }
  runner_->Resume();
  vmbus_->Resume();
  QuiesceDevices(false);
  PauseSupervision(false);
  SetState(pb::VM_STATE_RUNNING);
  return pb::VM_STATE_RUNNING;
}

absl::StatusOr<pb::VmState> VirtualMachine::TurnOff() {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kTurnOff));
  StopEverything();
  SetState(pb::VM_STATE_OFF);
  return pb::VM_STATE_OFF;
}

void VirtualMachine::HandleGuestPowerOff() {
  // Only a guest that powers off on its own while Running; during an
  // operation (Shutdown waits for exactly this) the operation decides.
  if (!op_mu_.TryLock()) return;
  if (state() == pb::VM_STATE_RUNNING) {
    events_.Add(absl::Now(), "worker", absl::StrCat("vm '", name_, "': the guest powered off"));
    stop_requested_ = true;
    runner_->Stop();
    vmbus_->Stop();
    serial_.WakeReaders();
    SetState(pb::VM_STATE_OFF);
  }
  op_mu_.Unlock();
}

std::string VirtualMachine::TryCooperativeShutdown(absl::Time deadline) {
  // An open channel still negotiating (the guest just booted) gets the
  // deadline to finish; a closed or refused one means there is nobody to ask.
  for (ShutdownStatus s = shutdown_->Status(); s.open && !s.negotiated && !s.negotiation_refused;
       s = shutdown_->Status()) {
    if (absl::Now() >= deadline) break;
    absl::SleepFor(kPowerOffPollInterval);
  }
  if (!shutdown_->ready()) {
    return "the guest has no shutdown integration service open";
  }
  if (absl::Status s = shutdown_->RequestShutdown(HV_SHUTDOWN_FLAG_SHUTDOWN, 0,
                                                  "vmms: shutdown requested by the host");
      !s.ok()) {
    return absl::StrCat("the shutdown request failed: ", s.message());
  }
  vmbus_->Kick();  // the poll pass wakes the guest for the packet
  const std::optional<uint32_t> answer = shutdown_->WaitForAnswer(deadline - absl::Now());
  if (!answer.has_value()) return "the guest did not answer the shutdown request in time";
  if (*answer != HV_IC_S_OK) {
    return absl::StrFormat("the guest refused the shutdown (status 0x%08x)", *answer);
  }
  while (!power_off_port_.requested()) {
    if (absl::Now() >= deadline) return "the guest accepted but did not power off in time";
    absl::SleepFor(kPowerOffPollInterval);
  }
  return "";
}

absl::StatusOr<pb::VmState> VirtualMachine::Shutdown(absl::Duration timeout) {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kShutdown));
  SetState(pb::VM_STATE_SHUTTING_DOWN);
  const std::string why_hard = TryCooperativeShutdown(absl::Now() + timeout);
  ShutdownOutcome outcome{true, why_hard.empty(),
                          why_hard.empty() ? "guest powered off" : why_hard};
  events_.Add(absl::Now(), "worker",
              outcome.cooperative
                  ? absl::StrCat("vm '", name_, "': cooperative shutdown: the guest powered off")
                  : absl::StrCat("vm '", name_, "': hard power-off: ", why_hard));
  {
    absl::MutexLock lock(&state_mu_);
    last_shutdown_ = outcome;
  }
  StopEverything();
  SetState(pb::VM_STATE_OFF);
  return pb::VM_STATE_OFF;
}

VirtualMachine::ShutdownOutcome VirtualMachine::last_shutdown() const {
  absl::MutexLock lock(&state_mu_);
  return last_shutdown_;
}

absl::StatusOr<pb::VmState> VirtualMachine::Save(const std::string& path) {
  absl::MutexLock op(&op_mu_);
  RETURN_IF_ERROR(CheckOp(VmOperation::kSave));
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("vm '", name_, "': save path '", path, "' must be absolute"));
  }
  const pb::VmState before = state();
  SetState(pb::VM_STATE_SAVING);
  PauseSupervision(true);
  QuiesceDevices(true);
  // Nothing may write guest memory or change device state during the
  // snapshot: the VMBus poll thread (devices, rings, SynIC delivery) sleeps
  // after its pass in flight, then the vCPUs stop.
  vmbus_->Pause();
  runner_->Pause();
  pb::WorkerSavedState saved = BuildSavedState();
  absl::Status written = WriteSavedState(path, saved, *partition_);
  if (!written.ok()) {
    events_.Add(absl::Now(), "worker",
                absl::StrCat("vm '", name_, "': save failed: ", written.message()));
    if (before == pb::VM_STATE_RUNNING) {
      runner_->Resume();
      vmbus_->Resume();
      QuiesceDevices(false);
      PauseSupervision(false);
    }
    SetState(before);
    return written;
  }
  StopEverything();
  SetState(pb::VM_STATE_SAVED);
  return pb::VM_STATE_SAVED;
}

pb::WorkerSavedState VirtualMachine::BuildSavedState() {
  pb::WorkerSavedState s;
  s.set_format_version(kSavedStateFormatVersion);
  *s.mutable_config() = config_;
  s.mutable_config()->clear_restore_from();
  s.set_uptime_ms(UptimeMs());
  const pb::StatusReport sample = Sample();  // cumulative (carried counts included)
  *s.mutable_exit_counts() = sample.exit_counts();
  SetCountersSection(CarriedCounters::SaveCounters(sample), s);
  s.set_serial_history(serial_.History());
  s.set_serial_total_bytes(serial_.total_bytes());
  if (dm_ != nullptr) s.set_memory_target_mib(dm_->Status().target_pages / 256);
  // The devices, with the VMBus poll thread paused (Save) and the vCPUs
  // stopped: nothing changes them meanwhile.
  *s.mutable_vmbus() = vmbus_->Save();
  if (dm_ != nullptr) *s.mutable_dynmem() = dm_->Save();
  *s.mutable_dm_memory() = dm_memory_->Save();
  *s.mutable_heartbeat() = heartbeat_->Save();
  *s.mutable_workload() = workload_->Save();
  SetShutdownSection(shutdown_->Save(), s);
  return s;
}

absl::Status VirtualMachine::RunWorkload(const std::string& command) {
  RETURN_IF_ERROR(CheckOp(VmOperation::kRunWorkload));
  if (command.empty() || command.size() >= HV_WORKLOAD_COMMAND_BYTES) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': workload command must be 1..",
                                                   HV_WORKLOAD_COMMAND_BYTES - 1, " bytes"));
  }
  if (!workload_->open()) {
    return absl::FailedPreconditionError(
        absl::StrCat("vm '", name_, "': the guest has not opened the workload channel"));
  }
  absl::Status s = workload_->SendCommand(command);
  if (!s.ok()) return absl::Status(s.code(), absl::StrCat("vm '", name_, "': ", s.message()));
  vmbus_->Kick();  // the poll pass wakes the guest for the packet
  return absl::OkStatus();
}

absl::StatusOr<std::string> VirtualMachine::ReadGuestMemory(uint64_t gpa, uint32_t length) {
  RETURN_IF_ERROR(CheckOp(VmOperation::kReadMemory));
  if (length == 0 || length > kMaxGuestReadBytes) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", name_, "': read length ", length,
                                                   " is outside 1..", kMaxGuestReadBytes));
  }
  std::string out(length, '\0');
  RETURN_IF_ERROR(partition_->ReadGpa(gpa, out.data(), length));
  return out;
}

}  // namespace hv::worker
