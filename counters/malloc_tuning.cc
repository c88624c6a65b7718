#include "counters/malloc_tuning.h"

#include <malloc.h>

#include <climits>

#include "absl/strings/str_cat.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HV_COUNTERS_SANITIZER_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define HV_COUNTERS_SANITIZER_MALLOC 1
#endif
#endif

namespace hv::counters {

absl::Status TuneMallocForScrapes(const MallocTuning& tuning) {
  struct Setting {
    const char* name;
    int param;
    size_t value;
  };
  const Setting settings[] = {
      {"M_MMAP_THRESHOLD", M_MMAP_THRESHOLD, tuning.mmap_threshold},
      {"M_TRIM_THRESHOLD", M_TRIM_THRESHOLD, tuning.trim_threshold},
  };
  for (const Setting& s : settings) {
    if (s.value > static_cast<size_t>(INT_MAX)) {  // mallopt takes an int
      return absl::InvalidArgumentError(
          absl::StrCat("malloc tuning: ", s.name, " = ", s.value, " does not fit an int"));
    }
  }
#ifdef HV_COUNTERS_SANITIZER_MALLOC
  // The sanitizer's allocator replaces glibc malloc and ignores mallopt.
  return absl::OkStatus();
#else
  for (const Setting& s : settings) {
    if (mallopt(s.param, static_cast<int>(s.value)) != 1) {  // 0 = refused
      return absl::InvalidArgumentError(
          absl::StrCat("malloc tuning: glibc refused ", s.name, " = ", s.value));
    }
  }
  return absl::OkStatus();
#endif
}

}  // namespace hv::counters
