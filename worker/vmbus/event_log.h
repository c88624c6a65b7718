// EventLog: a bounded record of notable device events (guest misbehaviour,
// state changes) that the worker turns into VM events. Every component keeps
// its own log next to its counters.
//
// Thread-safe: Add and Snapshot may be called from any thread.
#ifndef HV_WORKER_VMBUS_EVENT_LOG_H_
#define HV_WORKER_VMBUS_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hv::worker {

struct DeviceEvent {
  uint64_t sequence = 0;  // 1, 2, ... in the order added; never reused
  absl::Time time;
  std::string source;     // "dynmem", "vmbus", "heartbeat"
  std::string message;    // names the object and the state
};

class EventLog {
 public:
  // Keeps the newest `capacity` events (at least 1).
  explicit EventLog(size_t capacity = 256);

  void Add(absl::Time time, std::string source, std::string message);
  // All retained events, oldest first.
  std::vector<DeviceEvent> Snapshot() const;
  // Total ever added (including ones dropped for capacity).
  uint64_t total() const;

 private:
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<DeviceEvent> events_ ABSL_GUARDED_BY(mu_);
  uint64_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_EVENT_LOG_H_
