#include "counters/testing/loopback_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hv::counters::testing {
namespace {

// Milliseconds left until `deadline`, for poll(); at least 0.
int MsLeft(absl::Time deadline) {
  return static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(deadline - absl::Now()), 0, 1 << 30));
}

// poll() one event with a deadline, retrying on EINTR.
absl::Status PollFor(int fd, short events, absl::Time deadline, std::string_view what) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, MsLeft(deadline));
    if (n > 0) return absl::OkStatus();
    if (n == 0) {
      return absl::DeadlineExceededError(absl::StrCat("loopback http: timed out waiting to ",
                                                      absl::string_view(what.data(), what.size())));
    }
    if (errno != EINTR) return absl::ErrnoToStatus(errno, "loopback http: poll");
  }
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

int UniqueFd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

absl::StatusOr<UniqueFd> ConnectLoopback(int port, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, "loopback http: socket");
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(
          absl::StrCat("loopback http: connect to 127.0.0.1:", port, ": ", strerror(errno)));
    }
    if (absl::Status s = PollFor(fd.get(), POLLOUT, deadline, "connect"); !s.ok()) return s;
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      return absl::UnavailableError(
          absl::StrCat("loopback http: connect to 127.0.0.1:", port, ": ", strerror(err)));
    }
  }
  return fd;
}

absl::Status SendAll(int fd, std::string_view data, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (absl::Status s = PollFor(fd, POLLOUT, deadline, "send"); !s.ok()) return s;
      continue;
    }
    return absl::ErrnoToStatus(errno, "loopback http: send");
  }
  return absl::OkStatus();
}

bool WaitReadable(int fd, absl::Duration timeout) {
  return PollFor(fd, POLLIN, absl::Now() + timeout, "read").ok();
}

namespace {

// The Content-Length of a header block (without the status line), if any.
// Fails when the header is present but not a number.
absl::StatusOr<std::optional<size_t>> ContentLength(absl::string_view headers) {
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    if (absl::StartsWithIgnoreCase(line, "content-length:")) {
      size_t length = 0;
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(15)), &length)) {
        return absl::DataLossError(
            absl::StrCat("loopback http: bad Content-Length '", line.substr(15), "'"));
      }
      return length;
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<HttpResponse> ReadResponse(int fd, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  // Received straight into one buffer, sized from Content-Length once the
  // head is in, so a large scrape is not copied around on the client side.
  std::string raw(64 * 1024, '\0');
  size_t used = 0;
  size_t head_end = std::string::npos;
  for (;;) {
    // Poll first, so a blocking descriptor cannot outlive the deadline.
    if (absl::Status s = PollFor(fd, POLLIN, deadline, "read the response"); !s.ok()) return s;
    if (used == raw.size()) raw.resize(raw.size() * 2);
    ssize_t n = recv(fd, raw.data() + used, raw.size() - used, MSG_DONTWAIT);
    if (n == 0) break;  // EOF: the server closed after the response
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return absl::ErrnoToStatus(errno, "loopback http: recv");
    }
    used += static_cast<size_t>(n);
    if (head_end == std::string::npos) {
      head_end = absl::string_view(raw.data(), used).find("\r\n\r\n");
      if (head_end != std::string::npos) {
        absl::StatusOr<std::optional<size_t>> length =
            ContentLength(absl::string_view(raw.data(), head_end + 2));
        if (length.ok() && length->has_value()) {
          raw.resize(std::max(raw.size(), head_end + 4 + **length + 1));
        }
      }
    }
  }
  raw.resize(used);
  if (head_end == std::string::npos || raw.compare(0, 9, "HTTP/1.1 ") != 0) {
    return absl::DataLossError(
        absl::StrCat("loopback http: not an HTTP/1.1 response (", raw.size(), " bytes)"));
  }
  HttpResponse resp;
  if (!absl::SimpleAtoi(absl::string_view(raw).substr(9, 3), &resp.status)) {
    return absl::DataLossError("loopback http: bad status line");
  }
  const size_t line_end = raw.find("\r\n");
  resp.headers = raw.substr(line_end + 2, head_end + 2 - (line_end + 2));
  raw.erase(0, head_end + 4);
  resp.body = std::move(raw);
  absl::StatusOr<std::optional<size_t>> length = ContentLength(resp.headers);
  if (!length.ok()) return length.status();
  if (length->has_value() && resp.body.size() != **length) {
    return absl::DataLossError(absl::StrCat("loopback http: body has ", resp.body.size(),
                                            " bytes, Content-Length says ", **length));
  }
  return resp;
}

absl::StatusOr<std::string> DecodedBody(const HttpResponse& response) {
  std::string encoding;
  for (absl::string_view line : absl::StrSplit(response.headers, "\r\n")) {
    if (absl::StartsWithIgnoreCase(line, "content-encoding:")) {
      encoding = std::string(absl::StripAsciiWhitespace(line.substr(17)));
    }
  }
  if (encoding.empty() || encoding == "identity") return response.body;
  if (encoding != "gzip") {
    return absl::UnimplementedError(
        absl::StrCat("loopback http: Content-Encoding '", encoding, "' not supported"));
  }
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {  // 16: expect a gzip header
    return absl::InternalError("loopback http: inflateInit2 failed");
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(response.body.data()));
  zs.avail_in = static_cast<uInt>(response.body.size());
  std::string out;
  int ret = Z_OK;
  while (ret == Z_OK) {
    const size_t have = out.size();
    out.resize(have + 256 * 1024);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    zs.avail_out = 256 * 1024;
    ret = inflate(&zs, Z_NO_FLUSH);
    out.resize(have + 256 * 1024 - zs.avail_out);
  }
  inflateEnd(&zs);
  if (ret != Z_STREAM_END) {
    return absl::DataLossError(absl::StrCat("loopback http: corrupt gzip body (zlib ", ret, ")"));
  }
  return out;
}

std::string GetRequest(std::string_view path, bool accept_gzip) {
  return absl::StrCat("GET ", absl::string_view(path.data(), path.size()),
                      " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                      accept_gzip ? "Accept-Encoding: gzip\r\n" : "", "\r\n");
}

absl::StatusOr<HttpResponse> HttpGet(int port, std::string_view path, absl::Duration timeout,
                                     bool accept_gzip) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::StatusOr<UniqueFd> fd = ConnectLoopback(port, timeout);
  if (!fd.ok()) return fd.status();
  if (absl::Status s = SendAll(fd->get(), GetRequest(path, accept_gzip), deadline - absl::Now());
      !s.ok()) {
    return s;
  }
  return ReadResponse(fd->get(), deadline - absl::Now());
}

}  // namespace hv::counters::testing
