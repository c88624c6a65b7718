#include "worker/socket_guard.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hv::worker {
namespace {

using ::testing::HasSubstr;

// Binds (and optionally listens on) a unix socket; returns the fd.
int Bind(const std::string& path, bool listen_too) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof(a.sun_path) - 1);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  if (listen_too) EXPECT_EQ(listen(fd, 1), 0);
  return fd;
}

std::string Path(const std::string& name) {
  std::string p = "/tmp/sg_" + std::to_string(getpid()) + "_" + name;
  unlink(p.c_str());
  return p;
}

TEST(SocketGuard, FreePathIsOk) { EXPECT_TRUE(PrepareSocketPath(Path("free")).ok()); }

TEST(SocketGuard, LiveListenerIsRefusedAndLeftAlone) {
  const std::string p = Path("live");
  int fd = Bind(p, true);
  absl::Status s = PrepareSocketPath(p);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("in use by a live process"));
  EXPECT_TRUE(SocketHasListener(p));
  close(fd);
  unlink(p.c_str());
}

TEST(SocketGuard, StaleSocketIsReplaced) {
  const std::string p = Path("stale");
  close(Bind(p, false));  // the file stays, nobody listens
  ASSERT_EQ(access(p.c_str(), F_OK), 0);
  EXPECT_TRUE(PrepareSocketPath(p).ok());
  EXPECT_NE(access(p.c_str(), F_OK), 0);
}

TEST(SocketGuard, RegularFileIsNeverRemoved) {
  const std::string p = Path("file");
  std::ofstream(p) << "data";
  EXPECT_EQ(PrepareSocketPath(p).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(access(p.c_str(), F_OK), 0);
  unlink(p.c_str());
}

TEST(SocketGuard, TooLongPathIsInvalid) {
  EXPECT_EQ(PrepareSocketPath("/" + std::string(150, 'x')).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SocketGuard, RestrictsToOwner) {
  const std::string p = Path("mode");
  int fd = Bind(p, true);
  ASSERT_TRUE(RestrictSocketToOwner(p).ok());
  struct stat st{};
  ASSERT_EQ(stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  close(fd);
  unlink(p.c_str());
}

}  // namespace
}  // namespace hv::worker
