#include "hypervisor-shim/exit_stats.h"

#include "wire/tlfs.h"

namespace hv::shim {

ExitAction ExitStats::HandleExit(Vcpu& vcpu, VmExit& exit) {
  uint16_t n = static_cast<uint16_t>(exit.reason);
  if (n < kExitReasonLimit) by_reason_[n].fetch_add(1, std::memory_order_relaxed);
  switch (exit.reason) {
    case ExitReason::kIoInstruction: {
      absl::MutexLock lock(&mu_);
      ++io_by_port_[exit.io.port];
      break;
    }
    case ExitReason::kVmcall: {
      absl::MutexLock lock(&mu_);
      ++hypercalls_by_code_[static_cast<uint16_t>(exit.hypercall.input & HV_HYPERCALL_CODE_MASK)];
      break;
    }
    case ExitReason::kEptViolation:
      (exit.ept.mmio ? ept_mmio_ : exit.ept.mapped ? ept_protected_ : ept_unmapped_)
          .fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      break;
  }
  return ExitAction::kResume;
}

ExitCounts ExitStats::Counts() const {
  ExitCounts c;
  for (uint16_t i = 0; i < kExitReasonLimit; ++i) {
    c.by_reason[i] = by_reason_[i].load(std::memory_order_relaxed);
    c.total += c.by_reason[i];
  }
  c.ept_mmio = ept_mmio_.load(std::memory_order_relaxed);
  c.ept_unmapped = ept_unmapped_.load(std::memory_order_relaxed);
  c.ept_protected = ept_protected_.load(std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  c.io_by_port = io_by_port_;
  c.hypercalls_by_code = hypercalls_by_code_;
  return c;
}

}  // namespace hv::shim
