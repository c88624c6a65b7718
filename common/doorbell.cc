#include "common/doorbell.h"

namespace hv {

void Doorbell::Ring() {
  absl::MutexLock lock(&mu_);
  rung_ = true;
  ++rings_;
}

bool Doorbell::WaitFor(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&rung_), timeout);
  const bool rung = rung_;
  rung_ = false;
  return rung;
}

uint64_t Doorbell::rings() const {
  absl::MutexLock lock(&mu_);
  return rings_;
}

}  // namespace hv
