#include "worker/vmbus/event_log.h"

#include <utility>

namespace hv::worker {

EventLog::EventLog(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

void EventLog::Add(absl::Time time, std::string source, std::string message) {
  absl::MutexLock lock(&mu_);
  ++total_;
  events_.push_back(DeviceEvent{total_, time, std::move(source), std::move(message)});
  while (events_.size() > capacity_) events_.pop_front();
}

std::vector<DeviceEvent> EventLog::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return {events_.begin(), events_.end()};
}

uint64_t EventLog::total() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

}  // namespace hv::worker
