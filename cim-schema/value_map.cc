#include "cim-schema/value_map.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hv::cim {
namespace {

std::optional<int64_t> ParseInt(absl::string_view s) {
  int64_t v;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t u;
    if (absl::SimpleHexAtoi(s.substr(2), &u)) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  if (absl::SimpleAtoi(s, &v)) return v;
  return std::nullopt;
}

}  // namespace

std::vector<ValueMapEntry> GetValueMap(const QualifierList& quals) {
  std::vector<std::string> map = quals.GetStrings("ValueMap");
  std::vector<std::string> values = quals.GetStrings("Values");
  std::vector<ValueMapEntry> out;
  if (map.empty()) {
    for (size_t i = 0; i < values.size(); ++i) out.push_back({absl::StrCat(i), values[i]});
    return out;
  }
  for (size_t i = 0; i < map.size(); ++i) {
    out.push_back({map[i], i < values.size() ? values[i] : ""});
  }
  return out;
}

bool IsRange(absl::string_view e) { return e.find("..") != absl::string_view::npos; }

bool RangeCovers(absl::string_view entry, absl::string_view value) {
  size_t dots = entry.find("..");
  if (dots == absl::string_view::npos) return false;
  std::optional<int64_t> v = ParseInt(value);
  if (!v) return false;
  absl::string_view lo = entry.substr(0, dots), hi = entry.substr(dots + 2);
  if (lo.empty() && hi.empty()) return false;  // bare ".." decided by the caller
  std::optional<int64_t> l = lo.empty() ? std::optional<int64_t>(INT64_MIN) : ParseInt(lo);
  std::optional<int64_t> h = hi.empty() ? std::optional<int64_t>(INT64_MAX) : ParseInt(hi);
  return l && h && *v >= *l && *v <= *h;
}

}  // namespace hv::cim
