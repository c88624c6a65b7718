#include "worker/vmbus/event_log.h"

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(EventLog, KeepsNewestUpToCapacity) {
  EventLog log(2);
  log.Add(absl::UnixEpoch(), "dynmem", "a");
  log.Add(absl::UnixEpoch(), "dynmem", "b");
  log.Add(absl::UnixEpoch(), "vmbus", "c");
  auto events = log.Snapshot();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message, "b");
  EXPECT_EQ(events[1].message, "c");
  EXPECT_EQ(events[1].sequence, 3u);
  EXPECT_EQ(log.total(), 3u);
}

}  // namespace
}  // namespace hv::worker
