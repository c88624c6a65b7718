// A virtual processor of a Partition (crosvm `Vcpu`, OpenVMM `Processor`).
//
//   Vcpu& vcpu = partition->vcpu(0);
//   ASSIGN_OR_RETURN(VmExit exit, vcpu.Run(handler));   // until handler says kReturn
//
// Threading: Run() is called by one thread at a time per vCPU (the vCPU
// thread). Kick() is thread-safe and may be called from anywhere at any time.
// Get/SetRegisters may be called from the ExitHandler during Run(), or from any
// thread while the vCPU is not inside Run().
#ifndef HV_HYPERVISOR_SHIM_VCPU_H_
#define HV_HYPERVISOR_SHIM_VCPU_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "hypervisor-shim/exit_handler.h"
#include "hypervisor-shim/synthetic_registers.h"
#include "hypervisor-shim/vm_exit.h"

namespace hv::shim {

class Partition;

// The architectural state a snapshot carries. Guests run in 64-bit long mode
// with a flat identity map set up by the shim, so segment and control
// registers are not part of it (the backend recreates them).
struct VcpuRegisters {
  uint64_t rax = 0, rbx = 0, rcx = 0, rdx = 0, rsi = 0, rdi = 0, rbp = 0, rsp = 0;
  uint64_t r8 = 0, r9 = 0, r10 = 0, r11 = 0, r12 = 0, r13 = 0, r14 = 0, r15 = 0;
  uint64_t rip = 0;
  uint64_t rflags = 0x2;
  uint64_t fs_base = 0, gs_base = 0;
  friend bool operator==(const VcpuRegisters&, const VcpuRegisters&) = default;
};

class Vcpu {
 public:
  virtual ~Vcpu() = default;
  Vcpu(const Vcpu&) = delete;
  Vcpu& operator=(const Vcpu&) = delete;

  // Runs the guest. Every exit goes to `handler` (see ExitHandler for the
  // thread it runs on); the outputs of the exit are applied and the guest
  // resumes while the handler returns kResume. Returns the exit for which the
  // handler returned kReturn, any fatal exit (IsFatal), or kExternalInterrupt
  // when a Kick() is pending or arrives. A pending kick makes Run() return at
  // once without entering the guest (kicks are never lost). After a fatal exit
  // the vCPU is dead: further Run() calls fail with FailedPrecondition.
  // Errors: FailedPrecondition (dead vCPU), Internal (backend failure, e.g. a
  // KVM ioctl error).
  virtual absl::StatusOr<VmExit> Run(ExitHandler& handler) = 0;

  // Makes the current or the next Run() return kExternalInterrupt. Thread-safe,
  // async-signal-unsafe, cheap. A running guest leaves the CPU within
  // microseconds (TCG: next translation block; KVM: signal to the vCPU thread).
  virtual void Kick() = 0;

  // Register access; see the threading rule above. FailedPrecondition when
  // called while the vCPU runs on another thread outside a handler.
  virtual absl::StatusOr<VcpuRegisters> GetRegisters() = 0;
  virtual absl::Status SetRegisters(const VcpuRegisters& regs) = 0;

  // False after a fatal exit.
  virtual bool alive() const = 0;

  uint32_t index() const { return index_; }
  Partition& partition() { return partition_; }
  SyntheticRegisters& synthetic_registers() { return synthetic_; }
  const SyntheticRegisters& synthetic_registers() const { return synthetic_; }

 protected:
  Vcpu(Partition& partition, uint32_t index, const ReferenceClock& clock)
      : partition_(partition), index_(index), synthetic_(index, clock) {}

 private:
  Partition& partition_;
  const uint32_t index_;
  SyntheticRegisters synthetic_;
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_VCPU_H_
