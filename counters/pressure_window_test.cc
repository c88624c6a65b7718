#include "counters/pressure_window.h"

#include <vector>

#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"

namespace hv::counters {
namespace {

using testing::kT0;

PressureReading At(int seconds, uint32_t percent) {
  return {kT0 + absl::Seconds(seconds), percent};
}

TEST(SummarizePressure, EmptyIsZero) {
  PressureStats s = SummarizePressure({}, absl::Seconds(60));
  EXPECT_EQ(s.mean, 0u);
  EXPECT_EQ(s.minimum, 0u);
  EXPECT_EQ(s.maximum, 0u);
  EXPECT_EQ(s.readings, 0u);
}

TEST(SummarizePressure, MeanMinMaxOverWindow) {
  std::vector<PressureReading> r = {At(0, 80), At(1, 90), At(2, 70), At(3, 85)};
  PressureStats s = SummarizePressure(r, absl::Seconds(60));
  EXPECT_EQ(s.mean, 81u);  // 325 / 4 = 81.25
  EXPECT_EQ(s.minimum, 70u);
  EXPECT_EQ(s.maximum, 90u);
  EXPECT_EQ(s.readings, 4u);
}

TEST(SummarizePressure, MeanRoundsHalfUp) {
  std::vector<PressureReading> r = {At(0, 80), At(1, 81)};
  EXPECT_EQ(SummarizePressure(r, absl::Seconds(60)).mean, 81u);  // 80.5 -> 81
  r = {At(0, 80), At(1, 80), At(2, 81)};
  EXPECT_EQ(SummarizePressure(r, absl::Seconds(60)).mean, 80u);  // 80.33 -> 80
}

// The window is (latest - window, latest]: a reading exactly `window` old is out.
TEST(SummarizePressure, WindowIsHalfOpenAndAnchoredAtNewest) {
  std::vector<PressureReading> r = {At(0, 10), At(60, 50), At(100, 70)};
  PressureStats s = SummarizePressure(r, absl::Seconds(60));
  EXPECT_EQ(s.readings, 2u);  // 60 and 100; 0 is 100 s old
  EXPECT_EQ(s.minimum, 50u);
  EXPECT_EQ(s.maximum, 70u);
  s = SummarizePressure(r, absl::Seconds(40));
  EXPECT_EQ(s.readings, 1u);  // the reading at 60 is exactly 40 s old
  EXPECT_EQ(s.mean, 70u);
  // Order of the readings does not matter.
  std::vector<PressureReading> shuffled = {At(100, 70), At(0, 10), At(60, 50)};
  EXPECT_EQ(SummarizePressure(shuffled, absl::Seconds(60)).mean, 60u);
}

TEST(SummarizePressure, PressureAbove100IsKept) {
  std::vector<PressureReading> r = {At(0, 150), At(1, 250)};
  PressureStats s = SummarizePressure(r, absl::Seconds(60));
  EXPECT_EQ(s.mean, 200u);
  EXPECT_EQ(s.maximum, 250u);
}

TEST(SummarizePressure, NonPositiveWindowIsZero) {
  std::vector<PressureReading> r = {At(0, 50)};
  EXPECT_EQ(SummarizePressure(r, absl::ZeroDuration()).readings, 0u);
}

TEST(PressureWindow, TrimsToWindowAsReadingsArrive) {
  PressureWindow w({.window = absl::Seconds(10), .max_readings = 100});
  for (int i = 0; i < 30; ++i) w.Add(At(i, static_cast<uint32_t>(i)));
  EXPECT_EQ(w.size(), 10u);  // 20..29
  PressureStats s = w.Stats();
  EXPECT_EQ(s.minimum, 20u);
  EXPECT_EQ(s.maximum, 29u);
  EXPECT_EQ(s.mean, 25u);  // 24.5 rounds up
}

TEST(PressureWindow, MaxReadingsDropsOldest) {
  PressureWindow w({.window = absl::Seconds(60), .max_readings = 3});
  w.Add(At(0, 90));
  w.Add(At(1, 10));
  w.Add(At(2, 20));
  w.Add(At(3, 30));
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w.Stats().maximum, 30u);  // the 90 is gone
}

// A pressure band that moves: after the spike leaves the window, the
// maximum follows it down.
TEST(PressureWindow, BandFollowsPressure) {
  PressureWindow w({.window = absl::Seconds(60)});
  w.Add(At(0, 95));
  for (int i = 1; i <= 60; ++i) w.Add(At(i, 40));
  EXPECT_EQ(w.Stats().maximum, 40u);
  EXPECT_EQ(w.Stats().minimum, 40u);
  w.Add(At(61, 120));
  EXPECT_EQ(w.Stats().maximum, 120u);
  EXPECT_EQ(w.Stats().minimum, 40u);
}

}  // namespace
}  // namespace hv::counters
