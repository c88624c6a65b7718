#include "counters/pressure_window.h"

#include <algorithm>
#include <limits>

namespace hv::counters {

PressureStats SummarizePressure(absl::Span<const PressureReading> readings, absl::Duration window) {
  PressureStats stats;
  if (readings.empty() || window <= absl::ZeroDuration()) return stats;
  absl::Time latest = absl::InfinitePast();
  for (const PressureReading& r : readings) latest = std::max(latest, r.time);
  const absl::Time start = latest - window;  // exclusive

  uint64_t sum = 0;  // 600 readings of <= 2^32 fit easily; spans are bounded in practice
  uint32_t lo = std::numeric_limits<uint32_t>::max();
  uint32_t hi = 0;
  for (const PressureReading& r : readings) {
    if (r.time <= start) continue;
    sum += r.percent;
    lo = std::min(lo, r.percent);
    hi = std::max(hi, r.percent);
    ++stats.readings;
  }
  // The newest reading is always inside, so readings >= 1 here.
  stats.mean = static_cast<uint32_t>((sum + stats.readings / 2) / stats.readings);
  stats.minimum = lo;
  stats.maximum = hi;
  return stats;
}

PressureWindow::PressureWindow(PressureWindowOptions options) : options_(options) {
  if (options_.max_readings == 0) options_.max_readings = 1;
}

void PressureWindow::Add(PressureReading reading) {
  readings_.push_back(reading);
  latest_ = std::max(latest_, reading.time);
  // Drop what can never be inside the window again, and the oldest beyond
  // max_readings. Readings arrive in time order in practice.
  auto outside = [this](const PressureReading& r) { return r.time <= latest_ - options_.window; };
  readings_.erase(std::remove_if(readings_.begin(), readings_.end(), outside), readings_.end());
  if (readings_.size() > options_.max_readings) {
    readings_.erase(readings_.begin(),
                    readings_.begin() + (readings_.size() - options_.max_readings));
  }
}

PressureStats PressureWindow::Stats() const {
  return SummarizePressure(readings_, options_.window);
}

}  // namespace hv::counters
