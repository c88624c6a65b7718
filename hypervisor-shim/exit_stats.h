// Exit statistics (hvpp vmexit_stats): counts every exit by reason, I/O exits
// by port, hypercalls by call code, EPT violations by kind. An ExitHandler
// that observes and always returns kResume: compose it first.
#ifndef HV_HYPERVISOR_SHIM_EXIT_STATS_H_
#define HV_HYPERVISOR_SHIM_EXIT_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/exit_handler.h"

namespace hv::shim {

// A copy of the counters at one moment.
struct ExitCounts {
  std::array<uint64_t, kExitReasonLimit> by_reason{};
  std::map<uint16_t, uint64_t> io_by_port;
  std::map<uint16_t, uint64_t> hypercalls_by_code;
  uint64_t ept_mmio = 0;
  uint64_t ept_unmapped = 0;
  uint64_t ept_protected = 0;
  uint64_t total = 0;
  uint64_t count(ExitReason r) const { return by_reason[static_cast<uint16_t>(r)]; }
};

// Thread-safe: HandleExit from every vCPU thread, Counts() from anywhere.
class ExitStats : public ExitHandler {
 public:
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;
  ExitCounts Counts() const;

 private:
  std::array<std::atomic<uint64_t>, kExitReasonLimit> by_reason_{};
  std::atomic<uint64_t> ept_mmio_{0}, ept_unmapped_{0}, ept_protected_{0};
  mutable absl::Mutex mu_;
  std::map<uint16_t, uint64_t> io_by_port_ ABSL_GUARDED_BY(mu_);
  std::map<uint16_t, uint64_t> hypercalls_by_code_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_EXIT_STATS_H_
