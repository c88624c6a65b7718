// The run loop: one thread per vCPU calling Vcpu::Run (Firecracker's vCPU
// state machine). HLT returns to the loop, which sleeps until Kick(), the
// guest's synthetic-timer deadline (STIMER0_COUNT, absolute TIME_REF_COUNT,
// enabled by STIMER0_CONFIG bit 0), Pause/Stop. When the timer expires the
// loop clears its enable bit (one-shot), calls options.on_timer_expired and
// resumes the guest, which polls what woke it (there is no interrupt
// delivery; DESIGN.md).
//
// A vCPU thread ends on a fatal exit, on an exit the handler returned kReturn
// for (other than HLT and kicks), on a Run() error, or on Stop(). final_exit()
// tells which.
//
// Thread safety: every method is thread-safe; do not call them from inside
// the ExitHandler (they wait for vCPU threads).
#ifndef HV_HYPERVISOR_SHIM_VCPU_RUNNER_H_
#define HV_HYPERVISOR_SHIM_VCPU_RUNNER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hypervisor-shim/exit_handler.h"
#include "hypervisor-shim/partition.h"

namespace hv::shim {

enum class VcpuRunState { kNotStarted, kRunning, kHalted, kPaused, kStopped };
std::string_view ToString(VcpuRunState state);

struct VcpuRunnerOptions {
  // Called on the vCPU thread when its STIMER0 expired (before the guest
  // resumes). Default: none.
  std::function<void(Vcpu& vcpu)> on_timer_expired;
  // Called on the vCPU thread when it stops for good (fatal exit, handler
  // kReturn, error, or Stop()). Default: none.
  std::function<void(Vcpu& vcpu, const absl::StatusOr<VmExit>& last)> on_stopped;
};

class VcpuRunner {
 public:
  // `partition` and `handler` must outlive the runner.
  VcpuRunner(Partition& partition, ExitHandler& handler, VcpuRunnerOptions options = {});
  ~VcpuRunner();  // Stop()

  // Starts one thread per vCPU. FailedPrecondition if already started.
  absl::Status Start();
  // Wakes vCPU `index` from HLT, or makes a running one leave the guest and
  // re-enter. Never lost: a kick before the HLT ends the next HLT at once.
  void Kick(uint32_t index);
  // Returns once every started vCPU is parked outside the guest. Resume()
  // lets them continue. Both idempotent.
  void Pause();
  void Resume();
  // Ends every vCPU thread and joins them. A guest spinning without exits
  // leaves the CPU within milliseconds (kick). Idempotent.
  void Stop();
  // Waits until every vCPU thread has stopped on its own; false on timeout.
  bool WaitUntilStopped(absl::Duration timeout);

  VcpuRunState state(uint32_t index) const;
  // The exit (or error) that ended the vCPU's thread; nullopt while it runs.
  std::optional<absl::StatusOr<VmExit>> final_exit(uint32_t index) const;

 private:
  struct PerVcpu;
  void Loop(uint32_t index);
  // Sleeps while halted; false when the thread must end.
  bool WaitWhileHalted(uint32_t index);
  bool WaitWhilePaused(uint32_t index);

  Partition& partition_;
  ExitHandler& handler_;
  const VcpuRunnerOptions options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<PerVcpu>> vcpus_;  // fixed size; fields guarded by mu_
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool paused_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_VCPU_RUNNER_H_
