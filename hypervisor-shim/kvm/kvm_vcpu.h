// A KVM vCPU: its fd and shared kvm_run page. Run() executes KVM_RUN on the
// calling thread and turns KVM exits into SDM-named exits:
//   KVM_EXIT_IO on HV_HYPERCALL_IO_PORT -> kVmcall (RCX/RDX/R8 in, RAX out; KVM
//     skips the OUT on re-entry because RIP is unchanged)
//   KVM_EXIT_IO -> kIoInstruction (once per element of a REP string)
//   KVM_EXIT_MMIO -> kEptViolation (mmio, or unmapped/protected RAM)
//   KVM_EXIT_HLT -> kHlt; KVM_EXIT_SHUTDOWN -> kTripleFault
//   KVM_EXIT_INTERNAL_ERROR at an unmapped RIP -> kEptViolation (execute)
//   KVM_EXIT_X86_RDMSR / WRMSR (MSRs KVM does not know) -> kMsrRead / kMsrWrite
//   KVM_EXIT_FAIL_ENTRY / other internal errors -> kInvalidGuestState
// CPUID and known MSRs are answered inside KVM (no exits).
// Kick: sets kvm_run.immediate_exit and sends a real-time signal (a no-op
// handler installed once per process) to the thread inside KVM_RUN.
#ifndef HV_HYPERVISOR_SHIM_KVM_KVM_VCPU_H_
#define HV_HYPERVISOR_SHIM_KVM_KVM_VCPU_H_

#include <linux/kvm.h>
#include <pthread.h>

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/kvm/kvm_partition.h"
#include "hypervisor-shim/vcpu.h"

namespace hv::shim::kvm {

class KvmVcpu : public Vcpu {
 public:
  static absl::StatusOr<std::unique_ptr<KvmVcpu>> Create(KvmPartition& partition, uint32_t index);
  ~KvmVcpu() override;

  absl::StatusOr<VmExit> Run(ExitHandler& handler) override;
  void Kick() override;
  // Makes a KVM_RUN in progress (or about to start) on another thread return
  // at once, without a visible exit: the run loop re-enters through the
  // partition's memory-change gate. No-op when not running or on the vCPU's
  // own thread. Thread-safe.
  void InterruptRun();
  absl::StatusOr<VcpuRegisters> GetRegisters() override;
  absl::Status SetRegisters(const VcpuRegisters& regs) override;
  bool alive() const override { return alive_.load(); }

 private:
  KvmVcpu(KvmPartition& partition, uint32_t index);
  absl::Status Setup();
  absl::Status SetLongMode();
  // Handles one KVM exit; true = re-enter the guest, false = return `*out`.
  bool HandleExit(ExitHandler& handler, absl::StatusOr<VmExit>* out);
  bool HandleIo(ExitHandler& handler, absl::StatusOr<VmExit>* out);
  bool HandleHypercall(ExitHandler& handler, absl::StatusOr<VmExit>* out);
  bool HandleMmio(ExitHandler& handler, absl::StatusOr<VmExit>* out);
  bool HandleMsr(ExitHandler& handler, absl::StatusOr<VmExit>* out);
  bool Fatal(ExitHandler& handler, VmExit exit, absl::StatusOr<VmExit>* out);
  uint64_t Rip();
  absl::Status Errno(const char* what) const;

  KvmPartition& kvm_;
  int fd_ = -1;
  kvm_run* run_ = nullptr;
  size_t run_size_ = 0;
  std::atomic<bool> alive_{true};
  std::atomic<bool> kick_pending_{false};
  absl::Mutex mu_;  // guards running_/thread_ against Kick
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  pthread_t thread_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace hv::shim::kvm

#endif  // HV_HYPERVISOR_SHIM_KVM_KVM_VCPU_H_
