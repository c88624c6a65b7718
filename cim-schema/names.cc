#include "cim-schema/names.h"

#include "absl/hash/hash.h"

namespace hv::cim {

bool CiEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string CiLower(absl::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

size_t CiHash::operator()(absl::string_view s) const {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(LowerAscii(c));
    h *= 1099511628211ull;
  }
  return absl::HashOf(h);
}

}  // namespace hv::cim
