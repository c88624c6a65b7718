// Prometheus HTTP API plumbing for the scrape integration test: the
// /api/v1/query path for an expression, the body of a (possibly chunked)
// HTTP/1.1 response, and an instant-vector result parsed into samples.
// Prometheus is a Go net/http server: bodies over ~2 KB come back with
// "Transfer-Encoding: chunked" and no Content-Length, which the counters'
// loopback client returns undecoded, hence UnchunkedBody.
//
// Pure functions; thread-safe.
#ifndef HV_TESTS_INTEGRATION_PROMETHEUS_QUERY_RESPONSE_H_
#define HV_TESTS_INTEGRATION_PROMETHEUS_QUERY_RESPONSE_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "counters/testing/loopback_http.h"

namespace hv::testing {

// One series of an instant vector: its labels (with __name__ when the
// expression kept it) and its value at the evaluation time.
struct QuerySample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

// "/api/v1/query?query=<expr, percent-encoded>".
std::string QueryPath(std::string_view expr);

// The response body with chunked transfer coding undone when the headers say
// so; kDataLoss for a malformed or truncated chunk stream.
absl::StatusOr<std::string> UnchunkedBody(const counters::testing::HttpResponse& response);

// Parses {"status":"success","data":{"resultType":"vector","result":[...]}}.
// kFailedPrecondition when Prometheus answered with status "error" (its
// error text in the message), kDataLoss for anything that is not such JSON or
// not an instant vector, or a value that is not a number.
absl::StatusOr<std::vector<QuerySample>> ParseQueryResponse(std::string_view json);

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_PROMETHEUS_QUERY_RESPONSE_H_
