// Clock: the time source of the device state machines (transaction timeouts,
// heartbeat deadlines, first-request delay), injected so tests drive time.
#ifndef HV_WORKER_VMBUS_CLOCK_H_
#define HV_WORKER_VMBUS_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hv::worker {

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread-safe.
  virtual absl::Time Now() const = 0;
};

// Wall clock (absl::Now).
class SystemClock : public Clock {
 public:
  absl::Time Now() const override;
};

// Manually advanced clock for tests. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::UnixEpoch() + absl::Hours(1)) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_CLOCK_H_
