// VirtualMachine: one VM assembled inside a vmwp process. It builds the
// partition from the WorkerConfig (or restores it from a saved-state file),
// wires the VMBus host with the Dynamic Memory VSP, the heartbeat and
// shutdown ICs, the guest's power-off port, the
// serial console on COM1 and the exit statistics, runs the vCPUs, and carries
// out the control operations of hv.worker.v1.Worker.
//
// States follow vm_state.h; an operation in the wrong state fails with
// FailedPrecondition ("vm 'web1': cannot Pause from Paused") and changes
// nothing. A vCPU that stops without being asked to (triple fault, fatal
// exit, a backend error) makes the VM Crashed: the worker keeps running so
// its state can be read, and options.on_guest_crash is told.
//
// Threads: one per vCPU (VcpuRunner), the VMBus host's poll thread (device
// timers and rings, worker/vmbus/vmbus_host.h), one supervision thread (crash
// handling, change notification on DM status reports); callers of the public
// methods (gRPC threads). Every public method is thread-safe; operations are
// serialised by op_mu_, and state_mu_ (never held while waiting for vCPU
// threads) guards the state.
#ifndef HV_WORKER_VIRTUAL_MACHINE_H_
#define HV_WORKER_VIRTUAL_MACHINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/doorbell.h"
#include "hv/worker/v1/worker.pb.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/device_bus.h"
#include "hypervisor-shim/exit_dispatcher.h"
#include "hypervisor-shim/exit_stats.h"
#include "hypervisor-shim/hypercall_dispatcher.h"
#include "hypervisor-shim/vcpu_runner.h"
#include "worker/carried_counters.h"
#include "worker/devices/dynmem/dm_vsp.h"
#include "worker/devices/heartbeat/heartbeat_vsp.h"
#include "worker/devices/dynmem/partition_dm_memory.h"
#include "worker/devices/serial/serial_port.h"
#include "worker/devices/shutdown/power_off_port.h"
#include "worker/devices/shutdown/shutdown_vsp.h"
#include "worker/devices/workload/workload_vsp.h"
#include "worker/vm_state.h"
#include "worker/vmbus/clock.h"
#include "worker/vmbus/event_log.h"
#include "worker/vmbus/vmbus_host.h"

namespace hv::worker {

namespace pb = ::hv::worker::v1;

// Largest ReadGuestMemory request.
inline constexpr uint32_t kMaxGuestReadBytes = 1u << 20;

struct VirtualMachineOptions {
  // The VM (validated by the caller; see worker_config.h). With
  // restore_from set, memory/vCPU settings come from the state file and only
  // socket_path and state_dir are taken from here.
  pb::WorkerConfig config;
  // The supervision thread wakes at once for a vCPU crash, a DM status report
  // and a guest power-off; this is only its fallback pass. Default 1 s.
  absl::Duration device_poll_interval = absl::Seconds(1);
  // Called on every state change (any thread, no lock held). Default none.
  std::function<void(pb::VmState)> on_state_change;
  // Called once when the guest crashes, with what is known. Default none.
  std::function<void(const std::string& message)> on_guest_crash;
  // DM VSP tuning (startup/maximum pages are filled from the config).
  DmVspOptions dm;
};

class VirtualMachine {
 public:
  // Builds everything; the VM is Starting until Start(). Errors: the
  // backend (Unavailable), the image (NotFound, InvalidArgument), the state
  // file (NotFound, DataLoss), the partition (ResourceExhausted, Internal).
  static absl::StatusOr<std::unique_ptr<VirtualMachine>> Create(VirtualMachineOptions options);
  ~VirtualMachine();  // stops the vCPUs and the device thread

  // Starts the vCPUs, VMBus and the supervision thread: Running. With
  // config.start_paused the VM becomes Paused instead and nothing runs until
  // the first Resume.
  absl::Status Start();

  const pb::WorkerConfig& config() const { return config_; }
  const std::string& name() const { return name_; }
  pb::VmState state() const;
  pb::WorkerInfo Info() const;

  // ---- control operations (see vm_state.cc for the states each admits) ----
  absl::StatusOr<pb::VmState> Pause();
  absl::StatusOr<pb::VmState> Resume();
  // When the guest has the Shutdown IC open (still negotiating counts: the
  // negotiation gets the same deadline), asks it to shut down and waits up to
  // `timeout` in all for it to power off (PowerOffPort);
  // otherwise (no channel, the guest refuses or does not answer, timeout)
  // powers the VM off hard. Ends Off either way; the event log and
  // last_shutdown() say which path was taken and why.
  absl::StatusOr<pb::VmState> Shutdown(absl::Duration timeout);
  struct ShutdownOutcome {
    bool attempted = false;    // a Shutdown ran
    bool cooperative = false;  // the guest powered itself off in time
    std::string detail;        // why the hard path was taken, or "guest powered off"
  };
  ShutdownOutcome last_shutdown() const;
  absl::StatusOr<pb::VmState> TurnOff();
  // Writes the state file (saved_state_file.h) and ends Saved. On a write
  // failure the VM returns to its previous state and the error is returned.
  absl::StatusOr<pb::VmState> Save(const std::string& path);

  // Memory primitives. InvalidArgument for 0 MiB or a target outside
  // [minimum, maximum]; FailedPrecondition when Dynamic Memory is disabled,
  // not active, or the VM is not Running.
  absl::StatusOr<pb::MemoryOperationResponse> SetMemoryTarget(uint64_t target_mib);
  absl::StatusOr<pb::MemoryOperationResponse> AddMemory(uint64_t mib);
  absl::StatusOr<pb::MemoryOperationResponse> RemoveMemory(uint64_t mib);

  // Forwards a command to the guest's workload engine (WorkloadVsp).
  // InvalidArgument for an empty or oversized command, FailedPrecondition
  // when the guest has not opened the workload channel.
  absl::Status RunWorkload(const std::string& command);

  // A copy of guest RAM. InvalidArgument for a length outside
  // 1..kMaxGuestReadBytes,
  // OutOfRange when any byte is not guest RAM.
  absl::StatusOr<std::string> ReadGuestMemory(uint64_t gpa, uint32_t length);

  // One status sample (never fails; host figures that cannot be read are 0).
  pb::StatusReport Sample();
  // A number that grows on every state change and every DM status report.
  uint64_t change_sequence() const;
  // Waits until change_sequence() exceeds `seen` or `timeout` passes;
  // returns the current value.
  uint64_t WaitForChange(uint64_t seen, absl::Duration timeout) const;
  // Advances change_sequence() without a change, so every WaitForChange
  // returns now (a server shutting down ends its streams with it).
  void WakeStatusWatchers();
  // True once the VM is Off or Saved; waits up to `timeout`.
  bool WaitUntilFinal(absl::Duration timeout) const;

  SerialPort& serial() { return serial_; }

 private:
  explicit VirtualMachine(VirtualMachineOptions options);
  absl::Status Build();
  absl::Status BuildDevices();
  // Restores every device from a saved state (before Start).
  absl::Status RestoreDevices(const pb::WorkerSavedState& saved);
  absl::Status StartVcpus() ABSL_EXCLUSIVE_LOCKS_REQUIRED(op_mu_);
  void DeviceLoop();
  void OnVcpuStopped(hv::shim::Vcpu& vcpu, const absl::StatusOr<hv::shim::VmExit>& last);
  void SetState(pb::VmState s);
  // Asks the guest to shut down and waits until `deadline` for its power-off.
  // Returns "" when the guest powered off, else why the hard path is needed.
  std::string TryCooperativeShutdown(absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(op_mu_);
  // Device thread: a guest that powered itself off while Running ends Off.
  void HandleGuestPowerOff();
  // Stops vCPUs and the device thread for good (TurnOff, Save, crash).
  void StopEverything() ABSL_EXCLUSIVE_LOCKS_REQUIRED(op_mu_);
  void PauseSupervision(bool paused);
  // Runs `poll` unless the devices are quiesced (see devices_quiesced_);
  // returns its next deadline (absl::InfiniteFuture() when quiesced).
  absl::Time GuardedPoll(const std::function<absl::Time()>& poll);
  // Sets devices_quiesced_ and waits for polls in flight to finish; ending
  // it kicks the VMBus host so that device timers are polled again at once.
  void QuiesceDevices(bool quiesce);
  absl::Status CheckOp(VmOperation op) const;
  absl::StatusOr<pb::MemoryOperationResponse> ApplyTarget(uint64_t target_mib);
  pb::MemoryOperationResponse MemoryResponse() const;
  pb::WorkerSavedState BuildSavedState();
  void FillMemory(pb::StatusReport& r) const;
  // Guest protocol violations this process's devices count (before carry-over).
  uint64_t MisbehaviourEvents() const;
  uint64_t UptimeMs() const;

  VirtualMachineOptions options_;
  pb::WorkerConfig config_;  // effective (restored settings merged in)
  std::string name_;
  uint64_t uptime_base_ms_ = 0;   // carried over from a saved state
  CarriedCounters carried_;       // counts carried over from a saved state

  SystemClock clock_;
  EventLog events_;
  std::unique_ptr<hv::shim::Backend> backend_;
  std::unique_ptr<hv::shim::Partition> partition_;
  hv::shim::ExitStats exit_stats_;
  hv::shim::HypercallDispatcher hypercalls_;
  hv::shim::DeviceBus io_bus_{"io"};
  std::unique_ptr<hv::shim::DeviceBusHandler> bus_handler_;
  std::unique_ptr<hv::shim::CompositeExitHandler> exit_handler_;
  SerialPort serial_;
  // Devices before the host: VmbusHost's server closes open channels (calls
  // the devices) when it is destroyed, so it must go first.
  std::unique_ptr<PartitionDmMemory> dm_memory_;
  std::unique_ptr<DmVsp> dm_;  // null when Dynamic Memory is disabled
  std::unique_ptr<HeartbeatVsp> heartbeat_;
  std::unique_ptr<ShutdownVsp> shutdown_;
  // Rung for everything the supervision thread acts on (declared before the
  // devices that ring it).
  Doorbell device_bell_;
  PowerOffPort power_off_port_{[this] { device_bell_.Ring(); }};
  std::unique_ptr<WorkloadVsp> workload_;
  std::unique_ptr<VmbusHost> vmbus_;
  std::unique_ptr<hv::shim::VcpuRunner> runner_;
  std::thread device_thread_;

  absl::Mutex op_mu_;  // serialises control operations; taken before state_mu_
  mutable absl::Mutex state_mu_;
  pb::VmState state_ ABSL_GUARDED_BY(state_mu_) = pb::VM_STATE_STARTING;
  uint64_t change_seq_ ABSL_GUARDED_BY(state_mu_) = 0;
  bool devices_paused_ ABSL_GUARDED_BY(state_mu_) = false;
  bool device_pass_active_ ABSL_GUARDED_BY(state_mu_) = false;
  bool device_thread_exit_ ABSL_GUARDED_BY(state_mu_) = false;
  bool crash_pending_ ABSL_GUARDED_BY(state_mu_) = false;
  std::string crash_message_ ABSL_GUARDED_BY(state_mu_);
  ShutdownOutcome last_shutdown_ ABSL_GUARDED_BY(state_mu_);
  absl::Time started_at_ ABSL_GUARDED_BY(state_mu_) = absl::InfiniteFuture();
  bool vcpus_started_ ABSL_GUARDED_BY(op_mu_) = false;
  // While set, the device polls (run by VmbusHost's poll thread) do nothing,
  // so a paused guest's memory stays still (no heartbeat or DM requests).
  std::atomic<bool> devices_quiesced_{false};
  std::atomic<int> device_polls_in_flight_{0};
  std::atomic<bool> stop_requested_{false};
  std::atomic<uint64_t> sequence_{0};
};

}  // namespace hv::worker

#endif  // HV_WORKER_VIRTUAL_MACHINE_H_
