// A real Prometheus server (Debian's /usr/bin/prometheus) for integration
// tests: started as a child process on a free loopback port (never 9090, where
// the Debian package's own service may listen), with a generated config that
// scrapes one loopback target's /metrics every second and its TSDB in a
// private directory. Queried through its HTTP API with a plain socket client.
// Stopped with SIGTERM (SIGKILL after 15 s) when the object goes away; the
// child also gets SIGKILL if the test process dies first (PR_SET_PDEATHSIG).
//
// Thread-compatible: one test thread drives it.
#ifndef HV_TESTS_INTEGRATION_PROMETHEUS_PROMETHEUS_SERVER_H_
#define HV_TESTS_INTEGRATION_PROMETHEUS_PROMETHEUS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/integration/prometheus/query_response.h"

namespace hv::testing {

inline constexpr char kPrometheusBinary[] = "/usr/bin/prometheus";

// A loopback TCP port that was free a moment ago (bound to port 0, read back,
// closed). Another process may take it before it is used: callers retry.
absl::StatusOr<int> FreeLoopbackPort();

class PrometheusServer {
 public:
  // "" when /usr/bin/prometheus is there, else what to install.
  static std::string Missing();

  // Writes <dir>/prometheus.yml (job "vmms", 127.0.0.1:<target_port>/metrics,
  // scrape interval and timeout 1 s), starts the server with its TSDB in
  // <dir>/tsdb and its log in <dir>/prometheus.log, and waits up to `timeout`
  // for /-/ready. A port taken in between is retried on a new one (3 tries).
  // Fails with the log's tail when the server exits or never gets ready.
  static absl::StatusOr<std::unique_ptr<PrometheusServer>> Start(const std::string& dir,
                                                                 int target_port,
                                                                 absl::Duration timeout);
  ~PrometheusServer();

  int port() const { return port_; }
  std::string Log() const;

  // Instant query of `expr` at the server's now. Errors from the transport,
  // HTTP (non-200, with the body) or ParseQueryResponse.
  absl::StatusOr<std::vector<QuerySample>> Query(std::string_view expr) const;

  // Polls Query(expr) every 250 ms until `accept` says yes for its result or
  // `timeout` passes. Returns the accepted result; kDeadlineExceeded names
  // the expression and the last result or error.
  template <typename Accept>
  absl::StatusOr<std::vector<QuerySample>> WaitFor(std::string_view expr, absl::Duration timeout,
                                                   Accept accept) const;

 private:
  PrometheusServer() = default;
  absl::Status StartOnce(absl::Duration timeout);
  void Stop();

  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

// The result as text for failure messages: "{labels} value; ...".
std::string Describe(const absl::StatusOr<std::vector<QuerySample>>& result);

template <typename Accept>
absl::StatusOr<std::vector<QuerySample>> PrometheusServer::WaitFor(std::string_view expr,
                                                                   absl::Duration timeout,
                                                                   Accept accept) const {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<std::vector<QuerySample>> last = absl::UnknownError("not queried");
  while (absl::Now() < deadline) {
    last = Query(expr);
    if (last.ok() && accept(*last)) return last;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("prometheus: '", std::string(expr), "' not as expected within ",
                   absl::FormatDuration(timeout), "; last: ", Describe(last)));
}

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_PROMETHEUS_PROMETHEUS_SERVER_H_
