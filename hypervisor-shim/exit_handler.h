// The seam between a backend's exit loop and the VMM: every exit goes to an
// ExitHandler synchronously, and the handler says whether the guest resumes.
#ifndef HV_HYPERVISOR_SHIM_EXIT_HANDLER_H_
#define HV_HYPERVISOR_SHIM_EXIT_HANDLER_H_

#include "hypervisor-shim/vm_exit.h"

namespace hv::shim {

class Vcpu;

enum class ExitAction {
  kResume,  // apply the exit's outputs and continue the guest inside Run()
  kReturn,  // make Vcpu::Run() return this exit (outputs still reach the guest before it
            // runs again; on TCG an in-hook exit returns at the next block start)
};

// Called by the backend for every exit of a vCPU, on the thread that executes
// that vCPU: KVM: the thread inside Vcpu::Run(); TCG: the partition's engine
// thread (the caller of Run() blocks meanwhile), so calls for different vCPUs
// of one TCG partition are serialized. A handler must not call Run() or block
// for long; it may read and write guest memory, call Vcpu::GetRegisters /
// SetRegisters on `vcpu`, and map or unmap memory. Fatal exits (IsFatal) and
// kExternalInterrupt end Run() whatever the handler returns.
class ExitHandler {
 public:
  virtual ~ExitHandler() = default;
  virtual ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) = 0;
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_EXIT_HANDLER_H_
