#include "worker/socket_guard.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hv::worker {
namespace {

// connect(2) result: 0 on success, else errno.
int TryConnect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

}  // namespace

bool SocketHasListener(const std::string& path) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) return false;
  return TryConnect(path) == 0;
}

absl::Status PrepareSocketPath(const std::string& path) {
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("socket '", path, "': path length ", path.size(), " does not fit sun_path"));
  }
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("socket '", path, "': ", std::strerror(errno)));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("socket '", path, "': path exists and is not a socket; refusing to replace it"));
  }
  const int err = TryConnect(path);
  if (err == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("socket '", path, "' is in use by a live process; refusing to take it over"));
  }
  if (err != ECONNREFUSED) {
    return absl::FailedPreconditionError(
        absl::StrCat("socket '", path, "': cannot tell whether it is live: ", std::strerror(err)));
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("socket '", path, "': cannot remove stale socket: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RestrictSocketToOwner(const std::string& path) {
  if (chmod(path.c_str(), 0600) != 0) {
    return absl::InternalError(absl::StrCat("socket '", path, "': chmod 0600: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace hv::worker
