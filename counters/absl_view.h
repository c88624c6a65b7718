// AbslView: a std::string_view as an absl::string_view. The Debian absl is
// built with its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0), so the
// two do not convert implicitly; prometheus-cpp and absl::StrCat take names
// kept as std::string_view through this.
//
// Pure function; never fails; thread-safe.
#ifndef HV_COUNTERS_ABSL_VIEW_H_
#define HV_COUNTERS_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace hv::counters {

// The same characters (no copy); valid as long as `s` is.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace hv::counters

#endif  // HV_COUNTERS_ABSL_VIEW_H_
