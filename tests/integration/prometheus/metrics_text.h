// A reader for the Prometheus text exposition format (version 0.0.4) as
// vmms's /metrics serves it, for tests that compare scraped values with other
// views of the same counters. It keeps samples only: "# HELP"/"# TYPE"
// comments are skipped, a sample's optional timestamp is ignored.
//
// Pure functions; thread-safe.
#ifndef HV_TESTS_INTEGRATION_PROMETHEUS_METRICS_TEXT_H_
#define HV_TESTS_INTEGRATION_PROMETHEUS_METRICS_TEXT_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace hv::testing {

// A series' identity: "name{k1=\"v1\",k2=\"v2\"}" with labels sorted by name
// and values written back with the exposition's escapes, or "name" alone.
std::string SeriesKey(std::string_view name,
                      std::vector<std::pair<std::string, std::string>> labels = {});

// Every sample of `text`, keyed by SeriesKey. kDataLoss (naming the line) for
// a malformed line, a value that is not a number, or a series that appears
// twice (a scrape must never carry a half-written or duplicated series).
absl::StatusOr<std::map<std::string, double>> ParseMetricsText(std::string_view text);

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_PROMETHEUS_METRICS_TEXT_H_
