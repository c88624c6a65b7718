#include "counters/testing/loopback_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace hv::counters::testing {
namespace {

// A one-shot loopback server: accepts one connection, reads the request
// head, writes `reply` (unless empty) and closes.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply, bool hold_open = false) {
    listen_ = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_.get(), 4), 0);
    socklen_t len = sizeof(addr);
    getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, reply = std::move(reply), hold_open] {
      UniqueFd conn(accept(listen_.get(), nullptr, nullptr));
      char buf[4096];
      std::string got;
      while (got.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(conn.get(), buf, sizeof(buf), 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
      }
      request_ = got;
      if (!reply.empty()) send(conn.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
      if (hold_open) recv(conn.get(), buf, sizeof(buf), 0);  // until the client closes
    });
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  // Waits for the server to finish; returns the request head it read.
  std::string Join() {
    thread_.join();
    return request_;
  }

 private:
  UniqueFd listen_;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(LoopbackHttp, GetParsesStatusHeadersBody) {
  OneShotServer server(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
  absl::StatusOr<HttpResponse> r = HttpGet(server.port(), "/metrics", absl::Seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_NE(r->headers.find("Content-Type: text/plain"), std::string::npos);
  EXPECT_EQ(GetRequest("/metrics"),
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(GetRequest("/m", true),
            "GET /m HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Accept-Encoding: gzip\r\n\r\n");
}

TEST(LoopbackHttp, ServerSeesTheRequest) {
  OneShotServer server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  absl::StatusOr<HttpResponse> r = HttpGet(server.port(), "/x", absl::Seconds(10));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(server.Join(), GetRequest("/x"));
}

TEST(LoopbackHttp, DecodedBody) {
  // "hello\n" compressed by gzip(1).
  const std::string gz(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\xe7"
      "\x02\x00\x20\x30\x3a\x36\x06\x00\x00\x00",
      26);
  HttpResponse r;
  r.headers = "Content-Type: text/plain\r\nContent-Encoding: gzip\r\n";
  r.body = gz;
  absl::StatusOr<std::string> body = DecodedBody(r);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "hello\n");
  r.body = gz.substr(0, 15);  // truncated
  EXPECT_EQ(DecodedBody(r).status().code(), absl::StatusCode::kDataLoss);
  r.headers = "Content-Encoding: br\r\n";
  EXPECT_EQ(DecodedBody(r).status().code(), absl::StatusCode::kUnimplemented);
  r.headers = "";
  r.body = "plain";
  EXPECT_EQ(*DecodedBody(r), "plain");
}

TEST(LoopbackHttp, ShortBodyIsDataLoss) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(HttpGet(server.port(), "/", absl::Seconds(10)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(LoopbackHttp, NotHttpIsDataLoss) {
  OneShotServer server("SSH-2.0-OpenSSH\r\n");
  EXPECT_EQ(HttpGet(server.port(), "/", absl::Seconds(10)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(LoopbackHttp, SilentServerTimesOut) {
  OneShotServer server("", /*hold_open=*/true);
  absl::StatusOr<HttpResponse> r = HttpGet(server.port(), "/", absl::Milliseconds(200));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(LoopbackHttp, ClosedPortIsUnavailable) {
  int port = 0;
  {
    // Bind and close: the port is then (almost certainly) free and refuses.
    UniqueFd fd(socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  EXPECT_EQ(HttpGet(port, "/", absl::Seconds(5)).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hv::counters::testing
