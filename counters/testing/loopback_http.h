// A tiny HTTP/1.1 GET client for 127.0.0.1, for the scrape tests and the
// scrape benchmark (no curl needed). One request per connection
// ("Connection: close"); the response is read to EOF and split into status,
// headers and body. Chunked transfer encoding is not supported (the
// prometheus-cpp exposer always sends Content-Length).
//
// Every call has a deadline and fails with kDeadlineExceeded when it passes.
// Thread-safe: no shared state.
#ifndef HV_COUNTERS_TESTING_LOOPBACK_HTTP_H_
#define HV_COUNTERS_TESTING_LOOPBACK_HTTP_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hv::counters::testing {

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release();

 private:
  int fd_ = -1;
};

struct HttpResponse {
  int status = 0;       // e.g. 200
  std::string headers;  // raw header block, without the status line
  std::string body;
};

// Connects a TCP socket to 127.0.0.1:port. kUnavailable when refused.
absl::StatusOr<UniqueFd> ConnectLoopback(int port, absl::Duration timeout);

// Writes all of `data`.
absl::Status SendAll(int fd, std::string_view data, absl::Duration timeout);

// Waits until `fd` is readable (data or EOF); false when `timeout` passes first.
bool WaitReadable(int fd, absl::Duration timeout);

// Reads to EOF and parses the response. kDataLoss when it is not HTTP or the
// body is shorter than its Content-Length.
absl::StatusOr<HttpResponse> ReadResponse(int fd, absl::Duration timeout);

// The GET request text for `path`. With `accept_gzip` it adds
// "Accept-Encoding: gzip", as a Prometheus server does; the body then comes
// back compressed (Content-Encoding: gzip) and is returned as is.
std::string GetRequest(std::string_view path, bool accept_gzip = false);

// The body with its Content-Encoding undone: gzip is inflated, identity is
// returned as is. kDataLoss for a corrupt gzip stream, kUnimplemented for
// another encoding.
absl::StatusOr<std::string> DecodedBody(const HttpResponse& response);

// Connect, send GET `path`, read the response.
absl::StatusOr<HttpResponse> HttpGet(int port, std::string_view path,
                                     absl::Duration timeout = absl::Seconds(30),
                                     bool accept_gzip = false);

}  // namespace hv::counters::testing

#endif  // HV_COUNTERS_TESTING_LOOPBACK_HTTP_H_
