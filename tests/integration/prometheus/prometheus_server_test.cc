#include "tests/integration/prometheus/prometheus_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hv::testing {
namespace {

namespace fs = std::filesystem;

TEST(FreeLoopbackPortTest, ReturnsABindableLoopbackPort) {
  absl::StatusOr<int> port = FreeLoopbackPort();
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_GT(*port, 0);
  EXPECT_LE(*port, 65535);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(*port));
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(fd);
}

TEST(DescribeTest, NamesLabelsValuesAndErrors) {
  EXPECT_EQ(Describe(std::vector<QuerySample>{}), "no series");
  EXPECT_EQ(Describe(std::vector<QuerySample>{{{{"vm", "a"}}, 2}}), "{vm=a,} 2; ");
  EXPECT_NE(Describe(absl::UnavailableError("down")).find("down"), std::string::npos);
}

// The wrapper against a real server whose target refuses connections: it
// gets ready, records the failed scrapes (up == 0), reports query errors, and
// its process is gone after destruction.
TEST(PrometheusServerTest, ScrapesItsTargetAndAnswersQueries) {
  std::string missing = PrometheusServer::Missing();
  if (!missing.empty()) GTEST_SKIP() << missing;
  const std::string dir = (fs::temp_directory_path() / absl::StrCat("promsrv-", getpid())).string();
  fs::remove_all(dir);
  absl::StatusOr<int> dead_port = FreeLoopbackPort();  // nothing listens there
  ASSERT_TRUE(dead_port.ok());
  {
    auto p = PrometheusServer::Start(dir, *dead_port, absl::Seconds(90));
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_NE((*p)->port(), 9090);
    auto up = (*p)->WaitFor("up{job=\"vmms\"} == 0", absl::Seconds(120),
                            [](const std::vector<QuerySample>& r) { return r.size() == 1; });
    ASSERT_TRUE(up.ok()) << up.status() << "\n" << (*p)->Log();
    EXPECT_EQ((*up)[0].labels.at("instance"), absl::StrCat("127.0.0.1:", *dead_port));
    auto bad = (*p)->Query("up{");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("parse error"), std::string::npos) << bad.status();
    auto none = (*p)->WaitFor("no_such_metric", absl::Seconds(1),
                              [](const std::vector<QuerySample>& r) { return !r.empty(); });
    EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded);
  }
  EXPECT_TRUE(fs::exists(dir + "/tsdb"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hv::testing
