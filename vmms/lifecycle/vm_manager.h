// VmManager: vmms's domain core. It owns the VM lifecycle over the store (the
// truth) and the workers (one process per running VM):
//  - define, modify and destroy VMs, with Hyper-V's rules checked first;
//  - RequestStateChange as asynchronous jobs with Msvm_ConcreteJob semantics,
//    persisted at every step;
//  - supervision: a worker that dies is noticed at once (the factory's exit
//    callback), its VM turns Off with a critical health state, an event is
//    logged, its memory returns to the pool, and AutomaticRecoveryAction
//    "restart" starts it again;
//  - re-adoption: on Start(), workers recorded in the store that are still
//    alive are reconnected; dead or foreign ones are cleaned up; none is left
//    orphaned or duplicated;
//  - the Dynamic Memory balancer: every interval, the latest worker statuses
//    go through the pure Balancer and the targets go back to the workers.
// Thread-safe. Jobs run on their own threads; callbacks from workers only
// record what happened and never block on a worker.
#ifndef HV_VMMS_LIFECYCLE_VM_MANAGER_H_
#define HV_VMMS_LIFECYCLE_VM_MANAGER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "vmms/balancer/balancer.h"
#include "vmms/lifecycle/state_machine.h"
#include "vmms/lifecycle/worker_control.h"
#include "vmms/model/system_change.h"
#include "vmms/store/vm_store.h"

namespace hv::vmms {

struct VmDefinition {
  std::string name;                 // required, unique (case-insensitive), 1..100 chars
  MemorySettings memory;
  uint32_t vcpu_count = 1;          // 1..4
  std::string guest_image;          // empty: the reference guest
  std::string guest_command_line;
  std::string backend = "auto";     // auto | kvm | tcg
  RecoveryAction recovery = RecoveryAction::kNone;
  std::vector<std::string> notes;   // Hyper-V's Notes; limits as in ApplySystemChange
};

struct VmManagerOptions {
  // Directory for per-VM state (saved states, worker sockets, logs):
  // <state_dir>/vms/<id>/. Required.
  std::string state_dir;
  // Memory the balancer may hand to VMs, MiB (host budget minus reserve). Required.
  uint64_t budget_mib = 0;
  // Balancing interval: rounds start at this fixed rate (NextBalancerRound).
  // Default 1 s (Hyper-V's rate). Zero disables the loop (tests call
  // BalanceOnce()).
  absl::Duration balancer_interval = absl::Seconds(1);
  // Cooperative shutdown wait before a hard power-off. Default 10 s.
  absl::Duration shutdown_timeout = absl::Seconds(10);
  // How long a Save waits for the saved worker to exit before it completes.
  // The worker exits after answering Save, and until then it still listens on
  // the socket a restore reuses (a restore would be refused "socket in use").
  // Default 10 s; a worker that takes longer is logged and not waited for.
  absl::Duration saved_worker_exit_timeout = absl::Seconds(10);
  // On Stop(): true turns every VM off; false (default) leaves them running
  // for the next vmms to re-adopt.
  bool stop_vms_on_exit = false;
  BalancerOptions balancer;
  // Clock, ms since the epoch. Default: the system clock.
  std::function<int64_t()> now_ms;
};

struct VmView {
  VmRecord record;
  std::optional<WorkerStatus> status;  // latest sample, while a worker runs
  // vmms's clock (ms since the epoch, options.now_ms) when the latest status
  // arrived, and when the first status with Dynamic Memory active arrived since
  // the current worker started. 0: none yet (or no worker).
  int64_t last_status_unix_ms = 0;
  int64_t first_dm_active_unix_ms = 0;
};

// Observers for counters and metrics; every field optional. Called without
// VmManager's lock held.
struct VmManagerObserver {
  std::function<void(const BalancerPlan&, absl::Duration round_time)> on_balancer_round;
  std::function<void(const std::string& vm_id)> on_worker_restart;
  std::function<void(const JobRecord&)> on_job_finished;
  std::function<void(const std::string& vm_id)> on_vm_removed;
};

class VmManager {
 public:
  VmManager(VmStore* store, WorkerFactory* workers, VmManagerOptions options,
            VmManagerObserver observer = {});
  ~VmManager();  // Stop() if not stopped

  // Re-adopts live workers, cleans stale records, starts the balancer loop.
  absl::Status Start();
  // Graceful stop: refuses new work, waits for running jobs, then leaves VMs
  // running (default) or turns them off. Idempotent.
  void Stop();

  // Defines a VM (Off). kInvalidArgument for bad settings, kAlreadyExists for a
  // duplicate name. Durable before it returns.
  absl::StatusOr<VmRecord> DefineVm(const VmDefinition& def);
  // Only Off or Saved VMs can be destroyed (kFailedPrecondition otherwise,
  // with return code kInvalidState).
  absl::Status DestroyVm(absl::string_view id);
  // DestroySystem: an Off or Saved VM is destroyed at once (returns
  // nullopt); a Running or Paused one is turned off and then destroyed by a
  // job, returned Running (JobType kDestroySystemJobType). A VM in a
  // transitional state is refused with kSystemInUse attached.
  absl::StatusOr<std::optional<JobRecord>> DestroySystem(absl::string_view id);
  // Changes memory settings. While the VM runs, Hyper-V's runtime rules apply:
  // Dynamic Memory cannot be toggled, startup is fixed, the minimum may only
  // decrease and the maximum only increase; buffer and weight may change.
  absl::StatusOr<VmRecord> ModifyMemory(absl::string_view id, const MemorySettings& memory);
  absl::StatusOr<VmRecord> Rename(absl::string_view id, absl::string_view new_name);
  // Changes the VM's persistent non-memory settings (name, guest command
  // line, recovery action, notes, owner fields) in any state; durable before
  // it returns, in effect from the next start. kInvalidArgument for a broken
  // limit (model/system_change.h), kAlreadyExists for a duplicate name,
  // kNotFound, kAborted when the VM changed concurrently.
  absl::StatusOr<VmRecord> ModifySystem(absl::string_view id, const VmSystemChange& change);

  // Starts a state change as a job and returns it (JobState Running). A
  // refusal is an error carrying a StateChangeReturn (return_code.h).
  absl::StatusOr<JobRecord> RequestStateChange(absl::string_view id, uint32_t requested_state);
  absl::StatusOr<JobRecord> GetJob(absl::string_view job_id);
  absl::StatusOr<std::vector<JobRecord>> ListJobs();
  // When `vm_id`'s latest completed start job finished (unix ms), 0 if it
  // has none. One indexed store lookup; does not expire jobs.
  absl::StatusOr<int64_t> LastCompletedStartMs(absl::string_view vm_id);
  // Waits until the job is no longer Running; returns its final record.
  absl::StatusOr<JobRecord> WaitJob(absl::string_view job_id, absl::Duration timeout);

  absl::StatusOr<VmView> GetVm(absl::string_view id_or_name);
  absl::StatusOr<std::vector<VmView>> ListVms();
  absl::Status RunWorkload(absl::string_view id, const std::string& command);

  // One balancing round now (the loop calls this every interval).
  BalancerPlan BalanceOnce();
  BalancerPlan LastPlan() const;
  uint64_t budget_mib() const { return options_.budget_mib; }
  // Sum of memory assigned to VMs holding a worker, MiB.
  uint64_t AssignedTotalMib() const;

 private:
  struct Runtime {
    std::shared_ptr<WorkerControl> control;
    WorkerRecord worker;
    std::optional<WorkerStatus> status;
    int64_t last_status_ms = 0;       // VmView::last_status_unix_ms
    int64_t first_dm_active_ms = 0;   // VmView::first_dm_active_unix_ms
    uint64_t startup_mib = 0;  // counted as assigned until the first status arrives
    bool expect_exit = false;  // set before TurnOff/Save/Shutdown
    bool exited = false;       // that ordered stop's exit was seen
  };

  absl::StatusOr<VmRecord> ChangeState(const VmRecord& vm, VmState state, absl::string_view why);
  // Starts a job on `vm`: makes its transitional state `during` and the job
  // (Running, with `job_type` and `description`) durable before the caller
  // hears of them, records `event`, then runs `run(job, vm in `during`)` on a
  // job thread. Fails with kSystemNotAvailable while vmms shuts down, or with
  // the store's error; nothing runs then.
  absl::StatusOr<JobRecord> LaunchJob(const VmRecord& vm, uint32_t job_type,
                                      std::string description, VmState during,
                                      absl::string_view event,
                                      std::function<void(JobRecord, VmRecord)> run);
  void RunJob(JobRecord job, VmRecord vm, VmState from, RequestedState request,
              TransitionPlan plan);
  void RunDestroyJob(JobRecord job, VmRecord vm, VmState from);
  absl::Status Perform(VmRecord& vm, RequestedState request, const TransitionPlan& plan);
  absl::Status StartWorker(VmRecord& vm);
  absl::Status StopWorker(VmRecord& vm, RequestedState how);
  void OnStatus(const std::string& vm_id, const WorkerStatus& status);
  void OnExit(const std::string& vm_id, const WorkerExit& exit);
  void HandleUnexpectedExit(const std::string& vm_id, const WorkerExit& exit);
  absl::Status Adopt(const WorkerRecord& record);
  void BalancerLoop();
  WorkerCallbacks Callbacks();
  void Event(absl::string_view vm_id, absl::string_view kind, std::string detail);
  std::shared_ptr<WorkerControl> Control(absl::string_view vm_id);
  int64_t Now() const;
  std::string VmDir(absl::string_view id) const;

  VmStore* const store_;
  WorkerFactory* const workers_;
  const VmManagerOptions options_;
  const VmManagerObserver observer_;
  const Balancer balancer_;

  mutable absl::Mutex mu_;
  std::map<std::string, Runtime> runtime_ ABSL_GUARDED_BY(mu_);
  BalancerPlan last_plan_ ABSL_GUARDED_BY(mu_);
  bool accepting_ ABSL_GUARDED_BY(mu_) = false;
  int jobs_running_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> job_threads_ ABSL_GUARDED_BY(mu_);

  absl::Mutex loop_mu_;
  bool loop_stop_ ABSL_GUARDED_BY(loop_mu_) = false;
  std::thread loop_;
  std::atomic<bool> stopped_{false};
};

}  // namespace hv::vmms

#endif  // HV_VMMS_LIFECYCLE_VM_MANAGER_H_
