#include "cim-schema/datetime.h"

#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hv::cim {
namespace {

// Digits positions of the 21-character date/time part (14 is the '.').
bool IsDigitPos(size_t i) { return i < 21 && i != 14; }

int Field(absl::string_view t, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
  return v;
}

bool FieldKnown(absl::string_view t, size_t pos, size_t len) {
  for (size_t i = pos; i < pos + len; ++i) {
    if (t[i] == '*') return false;
  }
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

absl::Status Bad(absl::string_view text, size_t pos, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("datetime '", text, "': position ", pos + 1, ": ", what));
}

absl::Status CheckRange(absl::string_view t, size_t pos, size_t len, int lo, int hi,
                        absl::string_view name) {
  if (!FieldKnown(t, pos, len)) return absl::OkStatus();
  int v = Field(t, pos, len);
  if (v < lo || v > hi) {
    return Bad(t, pos, absl::StrCat(name, " ", v, " out of range ", lo, "..", hi));
  }
  return absl::OkStatus();
}

}  // namespace

DateTime::DateTime() : text_("00000000000000.000000:000") {}

absl::StatusOr<DateTime> DateTime::Parse(absl::string_view t) {
  if (t.size() != kLength) {
    return absl::InvalidArgumentError(absl::StrCat("datetime '", t, "': expected ", kLength,
                                                   " characters, got ", t.size()));
  }
  if (t[14] != '.') return Bad(t, 14, "expected '.'");
  const bool interval = t[21] == ':';
  if (!interval && t[21] != '+' && t[21] != '-') return Bad(t, 21, "expected '+', '-' or ':'");
  bool wild = false;
  for (size_t i = 0; i < 21; ++i) {
    if (!IsDigitPos(i)) continue;
    if (t[i] == '*') {
      wild = true;
    } else if (t[i] < '0' || t[i] > '9') {
      return Bad(t, i, "expected a digit or '*'");
    } else if (wild) {
      return Bad(t, i, "a digit after '*' (wildcards cover only low-order digits)");
    }
  }
  for (size_t i = 22; i < 25; ++i) {
    if (t[i] < '0' || t[i] > '9') return Bad(t, i, "expected a digit in the UTC offset");
  }
  if (interval) {
    if (t.substr(22) != "000") return Bad(t, 22, "an interval ends in ':000'");
    absl::Status s = CheckRange(t, 8, 2, 0, 23, "hours");
    if (s.ok()) s = CheckRange(t, 10, 2, 0, 59, "minutes");
    if (s.ok()) s = CheckRange(t, 12, 2, 0, 59, "seconds");
    if (!s.ok()) return s;
  } else {
    absl::Status s = CheckRange(t, 4, 2, 1, 12, "month");
    if (s.ok()) s = CheckRange(t, 6, 2, 1, 31, "day");
    if (s.ok()) s = CheckRange(t, 8, 2, 0, 23, "hour");
    if (s.ok()) s = CheckRange(t, 10, 2, 0, 59, "minute");
    if (s.ok()) s = CheckRange(t, 12, 2, 0, 60, "second");
    if (!s.ok()) return s;
  }
  return DateTime(std::string(t));
}

absl::StatusOr<DateTime> DateTime::Timestamp(int year, int month, int day, int hour, int minute,
                                             int second, int micros, int utc_offset_minutes) {
  if (year < 0 || year > 9999 || micros < 0 || micros > 999999 || utc_offset_minutes < -999 ||
      utc_offset_minutes > 999) {
    return absl::InvalidArgumentError("datetime: timestamp field out of range");
  }
  std::string text = absl::StrFormat(
      "%04d%02d%02d%02d%02d%02d.%06d%c%03d", year, month, day, hour, minute, second, micros,
      utc_offset_minutes < 0 ? '-' : '+',
      utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes);
  return Parse(text);
}

absl::StatusOr<DateTime> DateTime::Interval(int64_t days, int hours, int minutes, int seconds,
                                            int micros) {
  if (days < 0 || days > 99999999 || hours < 0 || minutes < 0 || seconds < 0 || micros < 0 ||
      micros > 999999) {
    return absl::InvalidArgumentError("datetime: interval field out of range");
  }
  std::string text = absl::StrFormat("%08d%02d%02d%02d.%06d:000", days, hours, minutes, seconds,
                                     micros);
  return Parse(text);
}

bool DateTime::has_wildcards() const { return text_.find('*') != std::string::npos; }

std::optional<int64_t> DateTime::ToMicros() const {
  if (has_wildcards()) return std::nullopt;
  const absl::string_view t = text_;
  const int64_t micros = Field(t, 15, 6);
  const int64_t secs = Field(t, 8, 2) * 3600 + Field(t, 10, 2) * 60 + Field(t, 12, 2);
  if (is_interval()) {
    return (static_cast<int64_t>(Field(t, 0, 8)) * 86400 + secs) * 1000000 + micros;
  }
  int64_t days = DaysFromCivil(Field(t, 0, 4), Field(t, 4, 2), Field(t, 6, 2));
  int64_t offset_min = Field(t, 22, 3) * (t[21] == '-' ? -1 : 1);
  // Local time = UTC + offset (DSP0004), so UTC = local - offset.
  return (days * 86400 + secs - offset_min * 60) * 1000000 + micros;
}

std::optional<int> DateTime::Compare(const DateTime& other) const {
  if (is_interval() != other.is_interval()) return std::nullopt;
  std::optional<int64_t> a = ToMicros(), b = other.ToMicros();
  if (!a || !b) return std::nullopt;
  return *a < *b ? -1 : (*a > *b ? 1 : 0);
}

}  // namespace hv::cim
