#include "common/doorbell.h"

#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace hv {
namespace {

TEST(Doorbell, TimesOutWhenNobodyRings) {
  Doorbell bell;
  const absl::Time t0 = absl::Now();
  EXPECT_FALSE(bell.WaitFor(absl::Milliseconds(30)));
  EXPECT_GE(absl::Now() - t0, absl::Milliseconds(25));
}

TEST(Doorbell, ARingBeforeTheWaitIsNotLostAndManyCountAsOne) {
  Doorbell bell;
  bell.Ring();
  bell.Ring();
  EXPECT_TRUE(bell.WaitFor(absl::ZeroDuration()));
  EXPECT_FALSE(bell.WaitFor(absl::ZeroDuration())) << "two rings woke two waits";
  EXPECT_EQ(bell.rings(), 2u);
}

TEST(Doorbell, ARingFromAnotherThreadWakesTheWaiterEarly) {
  Doorbell bell;
  std::thread ringer([&] {
    absl::SleepFor(absl::Milliseconds(20));
    bell.Ring();
  });
  const absl::Time t0 = absl::Now();
  EXPECT_TRUE(bell.WaitFor(absl::Seconds(30)));
  EXPECT_LT(absl::Now() - t0, absl::Seconds(10));
  ringer.join();
}

}  // namespace
}  // namespace hv
