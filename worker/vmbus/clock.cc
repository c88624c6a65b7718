#include "worker/vmbus/clock.h"

#include "absl/time/clock.h"

namespace hv::worker {

absl::Time SystemClock::Now() const { return absl::Now(); }

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

}  // namespace hv::worker
