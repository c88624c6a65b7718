// Exit dispatch (hvpp vmexit handler style): a table indexed by exit reason,
// a fallback for reasons without a handler, and composition of handlers
// (statistics, device buses, hypercalls) into one ExitHandler.
#ifndef HV_HYPERVISOR_SHIM_EXIT_DISPATCHER_H_
#define HV_HYPERVISOR_SHIM_EXIT_DISPATCHER_H_

#include <array>
#include <functional>
#include <vector>

#include "hypervisor-shim/device_bus.h"
#include "hypervisor-shim/exit_handler.h"

namespace hv::shim {

using ExitHandlerFn = std::function<ExitAction(Vcpu& vcpu, VmExit& exit)>;

// What an exit does when nobody handles it: CPUID keeps the backend's answer,
// VMCALL keeps INVALID_HYPERCALL_CODE, an I/O IN reads all ones, an MSR access
// faults, and they all resume; HLT, an unresolved EPT violation and every
// other reason return from Run().
ExitAction DefaultExitAction(VmExit& exit);

// Not thread-safe to configure; configure before the vCPUs run, then
// HandleExit may be called from every vCPU thread.
class ExitDispatcher : public ExitHandler {
 public:
  ExitDispatcher();  // every reason goes to the fallback, which is DefaultExitAction

  void SetHandler(ExitReason reason, ExitHandlerFn handler);
  void SetHandler(ExitReason reason, ExitHandler* handler);  // not owned
  void SetFallback(ExitHandlerFn fallback);

  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;

 private:
  std::array<ExitHandlerFn, kExitReasonLimit> table_;
  ExitHandlerFn fallback_;
};

// Calls each handler in order (hvpp vmexit_compositor_handler); the result is
// kReturn if any of them returned kReturn. Put observers (ExitStats) first.
// Handlers are not owned and must outlive this object. Thread-safe if they are.
class CompositeExitHandler : public ExitHandler {
 public:
  explicit CompositeExitHandler(std::vector<ExitHandler*> handlers)
      : handlers_(std::move(handlers)) {}
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;

 private:
  std::vector<ExitHandler*> handlers_;
};

// Routes kIoInstruction exits to `io` and MMIO kEptViolation exits to `mmio`
// (either may be null). Unclaimed accesses use DefaultExitAction and are
// counted in unclaimed().
class DeviceBusHandler : public ExitHandler {
 public:
  DeviceBusHandler(DeviceBus* io, DeviceBus* mmio) : io_(io), mmio_(mmio) {}
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;
  uint64_t unclaimed() const { return unclaimed_.load(std::memory_order_relaxed); }

 private:
  DeviceBus* io_;
  DeviceBus* mmio_;
  std::atomic<uint64_t> unclaimed_{0};
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_EXIT_DISPATCHER_H_
