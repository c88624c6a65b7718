#include "hypervisor-shim/reference_clock.h"

#include <chrono>

#include "absl/time/clock.h"

namespace hv::shim {
namespace {
int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ReferenceClock::ReferenceClock() : start_ns_(SteadyNanos()) {}

uint64_t ReferenceClock::Now() const {
  int64_t elapsed = (SteadyNanos() - start_ns_) / 100;
  return static_cast<uint64_t>(base_.load(std::memory_order_relaxed) + elapsed);
}

void ReferenceClock::Restore(uint64_t count) {
  int64_t elapsed = (SteadyNanos() - start_ns_) / 100;
  base_.store(static_cast<int64_t>(count) - elapsed, std::memory_order_relaxed);
}

absl::Time ReferenceClock::HostTimeOf(uint64_t count) const {
  int64_t delta = static_cast<int64_t>(count - Now());  // may be negative (past)
  return absl::Now() + absl::Nanoseconds(delta * 100);
}

}  // namespace hv::shim
