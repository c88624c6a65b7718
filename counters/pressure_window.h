// The averaging window behind Average, Minimum and Maximum Pressure.
//
// Definition (ours; Microsoft does not publish one, hyperv.md "Gaps"): the
// window of a reading set is the half-open interval (latest - window, latest],
// where `latest` is the time of the newest reading and `window` defaults to
// 60 s. Average Pressure is the arithmetic mean of the pressure readings in
// the window, rounded half up to a whole percent; Minimum and Maximum
// Pressure are the lowest and highest reading in the same window (the
// pressure band). The window is anchored at the newest reading, not at the
// wall clock, so the values are a pure function of the readings. No readings
// => all three are 0 (as Hyper-V shows for a VM without Dynamic Memory).
#ifndef HV_COUNTERS_PRESSURE_WINDOW_H_
#define HV_COUNTERS_PRESSURE_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"

namespace hv::counters {

// One pressure reading, in percent.
struct PressureReading {
  absl::Time time;
  uint32_t percent = 0;
};

struct PressureStats {
  uint32_t mean = 0;
  uint32_t minimum = 0;
  uint32_t maximum = 0;
  size_t readings = 0;  // how many readings fell in the window
};

// Pure: the statistics of the readings in (latest - window, latest]. The
// readings may be in any order; `latest` is their maximum time. An empty
// span or a non-positive window yields all zeros.
PressureStats SummarizePressure(absl::Span<const PressureReading> readings, absl::Duration window);

struct PressureWindowOptions {
  // Length of the averaging window. Default 60 s. Must be positive.
  absl::Duration window = absl::Seconds(60);
  // Most readings kept; beyond that the oldest are dropped, which shortens
  // the effective window when readings arrive faster than window/max_readings
  // (default 600: one reading every 100 ms over 60 s). Must be >= 1.
  size_t max_readings = 600;
};

// The readings of one counter instance, trimmed to the window as they
// arrive. Not thread-safe: its owner (CounterRegistry) serializes access.
class PressureWindow {
 public:
  explicit PressureWindow(PressureWindowOptions options = {});

  // Adds a reading. Readings older than the newest one are the caller's
  // error; they are kept but the window stays anchored at the newest.
  void Add(PressureReading reading);

  // SummarizePressure over the kept readings.
  PressureStats Stats() const;

  size_t size() const { return readings_.size(); }

 private:
  PressureWindowOptions options_;
  absl::Time latest_ = absl::InfinitePast();
  std::vector<PressureReading> readings_;  // trimmed to the window on Add
};

}  // namespace hv::counters

#endif  // HV_COUNTERS_PRESSURE_WINDOW_H_
