// Doorbell: lets any thread wake one waiting thread without sharing its locks.
// Ring() marks the bell rung and wakes the waiter; WaitFor() returns when the
// bell has been rung (and clears it) or when the timeout passes. A ring before
// the wait is not lost, and several rings before one wait count as one.
//
// Thread-safe. The bell's mutex is a leaf: it is never held while another lock
// is taken, so Ring() may be called with any lock held (a device's own lock,
// a vCPU handler's) without ordering concerns.
#ifndef HV_COMMON_DOORBELL_H_
#define HV_COMMON_DOORBELL_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hv {

class Doorbell {
 public:
  void Ring();
  // True if the bell was rung (it is cleared), false after `timeout`.
  bool WaitFor(absl::Duration timeout);
  // Rings counted since construction (for counters and tests).
  uint64_t rings() const;

 private:
  mutable absl::Mutex mu_;
  bool rung_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t rings_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hv

#endif  // HV_COMMON_DOORBELL_H_
