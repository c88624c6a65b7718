// Handles kVmcall exits: decodes the hypercall, calls the handler registered
// for its call code, and writes the TLFS result into exit.hypercall.result.
// Built in: HvCallGetVpRegisters (0x50) and HvCallSetVpRegisters (0x51) over
// each vCPU's SyntheticRegisters. Other components register more codes
// (VMBus: HvCallPostMessage 0x5C, HvCallSignalEvent 0x5D).
//
// Guest input is hostile: GPAs are bounds-checked through the Partition;
// a misaligned GPA gives HV_STATUS_INVALID_ALIGNMENT, unmapped or page-crossing
// data HV_STATUS_INVALID_PARAMETER, a malformed input value
// HV_STATUS_INVALID_HYPERCALL_INPUT, an unregistered code
// HV_STATUS_INVALID_HYPERCALL_CODE. Nothing a guest passes can crash the host.
//
// Thread-safe: Register/Unregister may race with Dispatch from vCPU threads.
#ifndef HV_HYPERVISOR_SHIM_HYPERCALL_DISPATCHER_H_
#define HV_HYPERVISOR_SHIM_HYPERCALL_DISPATCHER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/exit_handler.h"
#include "hypervisor-shim/hypercall.h"

namespace hv::shim {

class Vcpu;

// What a hypercall handler returns.
struct HypercallOutcome {
  uint16_t status = 0;          // HV_STATUS_*
  uint16_t reps_completed = 0;  // rep hypercalls
};

// A handler runs on the vCPU's executing thread (see ExitHandler) and may use
// vcpu.partition() to read the input page and write the output page.
using HypercallHandler = std::function<HypercallOutcome(Vcpu& vcpu, const HypercallInput& in)>;

class HypercallDispatcher : public ExitHandler {
 public:
  HypercallDispatcher();  // registers the built-ins

  // Registers (or replaces) the handler for `code`.
  void Register(uint16_t code, HypercallHandler handler);
  void Unregister(uint16_t code);

  // Computes RAX for one hypercall.
  uint64_t Dispatch(Vcpu& vcpu, const HypercallExit& exit);

  // ExitHandler: for kVmcall sets exit.hypercall.result and resumes; other
  // exits are not its business (kResume, untouched).
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;

  // Calls per code and rejected calls (bad input or unknown code).
  std::map<uint16_t, uint64_t> CallsByCode() const;
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<uint16_t, HypercallHandler> handlers_ ABSL_GUARDED_BY(mu_);
  std::map<uint16_t, uint64_t> calls_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> rejected_{0};
};

// The built-in handlers, exposed for tests.
HypercallOutcome HvCallGetVpRegisters(Vcpu& vcpu, const HypercallInput& in);
HypercallOutcome HvCallSetVpRegisters(Vcpu& vcpu, const HypercallInput& in);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_HYPERCALL_DISPATCHER_H_
