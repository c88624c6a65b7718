#include "worker/vmbus/clock.h"

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(Clock, FakeAdvancesOnlyWhenTold) {
  FakeClock clock;
  const absl::Time t0 = clock.Now();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(absl::Seconds(3));
  EXPECT_EQ(clock.Now() - t0, absl::Seconds(3));
}

TEST(Clock, SystemIsMonotonicEnough) {
  SystemClock clock;
  const absl::Time t1 = clock.Now();
  const absl::Time t2 = clock.Now();
  EXPECT_LE(t1, t2);
}

}  // namespace
}  // namespace hv::worker
