// CIM datetime values in DSP0004's fixed 25-character format (cim.md §1):
//   timestamp  yyyymmddhhmmss.mmmmmmsutc   (s = '+'/'-', utc = offset minutes)
//   interval   ddddddddhhmmss.mmmmmm:000
// Unknown low-order digits may be '*' (e.g. "20180911124613.128***+000");
// once a '*' appears every later digit up to the microseconds is '*'; the
// UTC offset is never wildcarded. Value type, thread-compatible.
#ifndef HV_CIM_SCHEMA_DATETIME_H_
#define HV_CIM_SCHEMA_DATETIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace hv::cim {

class DateTime {
 public:
  static constexpr size_t kLength = 25;

  // Parses the 25-character form. Fails (InvalidArgument naming the offending
  // character position) on a wrong length, non-digit, misplaced '*', or an
  // out-of-range field (month 13, hour 24, minute 60, ...).
  static absl::StatusOr<DateTime> Parse(absl::string_view text);

  // Builds a timestamp; fails on out-of-range fields or |utc_offset| > 999.
  static absl::StatusOr<DateTime> Timestamp(int year, int month, int day, int hour, int minute,
                                            int second, int micros, int utc_offset_minutes);
  // Builds an interval; fails on out-of-range fields (days > 99999999).
  static absl::StatusOr<DateTime> Interval(int64_t days, int hours, int minutes, int seconds,
                                           int micros);
  // The zero interval "00000000000000.000000:000".
  DateTime();

  bool is_interval() const { return text_[21] == ':'; }
  bool has_wildcards() const;
  // The canonical 25-character text.
  const std::string& text() const { return text_; }

  // Timestamps: microseconds since 1970-01-01T00:00:00 UTC (offset applied).
  // Intervals: the duration in microseconds. nullopt when wildcarded.
  std::optional<int64_t> ToMicros() const;

  // Orders two values of the same kind without wildcards (-1, 0, 1); nullopt
  // when they are not comparable (timestamp vs interval, or wildcards).
  std::optional<int> Compare(const DateTime& other) const;

  // Text equality (two timestamps for the same instant in different offsets
  // are different values, as in DSP0004).
  friend bool operator==(const DateTime& a, const DateTime& b) { return a.text_ == b.text_; }

 private:
  explicit DateTime(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_DATETIME_H_
