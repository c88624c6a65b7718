// Test data shared by the counters tests: byte units, a fixed sample time and
// the "web1" VM sample whose exported values the collector and scrape tests
// check (83 % pressure of 512 MB, 640 MB added in 5 operations, 128 MB removed
// in 2), and HasLine, which finds one whole line in exposition text.
//
// Pure values and functions; thread-safe.
#ifndef HV_COUNTERS_TESTING_TEST_SAMPLES_H_
#define HV_COUNTERS_TESTING_TEST_SAMPLES_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "counters/counter_values.h"

namespace hv::counters::testing {

inline constexpr uint64_t kMiB = uint64_t{1} << 20;

// The time of every sample in the tests (2023-11-14T22:13:20Z).
inline constexpr absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

// web1 at kT0: 512 MB physical, 1024 MB guest-visible, 425 MB committed (83 %),
// 87 MB available in the guest, 640 MB added in 5 operations, 128 MB removed in 2.
VmSample Web1Sample();

// True when `line` is one complete line of `text` (not a prefix of a longer
// line, not a substring inside one).
bool HasLine(const std::string& text, const std::string& line);

}  // namespace hv::counters::testing

#endif  // HV_COUNTERS_TESTING_TEST_SAMPLES_H_
