#include "worker/saved_state_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hypervisor-shim/snapshot.h"

namespace hv::worker {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat("state file '", path, "': ", what, ": ",
                                          std::strerror(errno)));
}

absl::Status WriteAll(int fd, const void* data, size_t len, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("write", path);
    p += n;
    len -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Copies `in` from `offset` to the end into `out` (copy_file_range, falling
// back to read/write).
absl::Status CopyRest(int in, off_t offset, int out, const std::string& path) {
  struct stat st{};
  if (fstat(in, &st) != 0) return Errno("fstat", path);
  off_t off = offset;
  while (off < st.st_size) {
    ssize_t n = copy_file_range(in, &off, out, nullptr, static_cast<size_t>(st.st_size - off), 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
      char buf[1 << 16];
      ssize_t r = pread(in, buf, sizeof(buf), off);
      if (r <= 0) return Errno("read", path);
      RETURN_IF_ERROR(WriteAll(out, buf, static_cast<size_t>(r), path));
      off += r;
      continue;
    }
    if (n <= 0) return Errno("copy", path);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteSavedState(const std::string& path, const hv::worker::v1::WorkerSavedState& state,
                             hv::shim::Partition& partition) {
  const std::string snap = absl::StrCat(path, ".snapshot.tmp");
  const std::string tmp = absl::StrCat(path, ".tmp");
  absl::Cleanup remove_temps = [&] {
    unlink(snap.c_str());
    unlink(tmp.c_str());
  };
  RETURN_IF_ERROR(hv::shim::SaveSnapshot(partition, snap));
  std::string body;
  if (!state.SerializeToString(&body)) {
    return absl::InternalError(absl::StrCat("state file '", path, "': cannot serialise state"));
  }
  int out = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return Errno("create", tmp);
  absl::Cleanup close_out = [out] { close(out); };
  uint64_t len = body.size();
  RETURN_IF_ERROR(WriteAll(out, kSavedStateMagic, sizeof(kSavedStateMagic), path));
  RETURN_IF_ERROR(WriteAll(out, &len, sizeof(len), path));
  RETURN_IF_ERROR(WriteAll(out, body.data(), body.size(), path));
  int in = open(snap.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("open snapshot", snap);
  absl::Status copied = CopyRest(in, 0, out, path);
  close(in);
  RETURN_IF_ERROR(copied);
  if (fsync(out) != 0) return Errno("fsync", path);
  if (rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename", path);
  return absl::OkStatus();
}

namespace {

// Opens `path` and parses the header; returns the fd positioned anywhere and
// the offset where the snapshot starts.
absl::StatusOr<int> OpenAndParse(const std::string& path, hv::worker::v1::WorkerSavedState* state,
                                 off_t* snapshot_offset) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("state file '", path, "': ", std::strerror(errno)));
  }
  auto fail = [&](absl::string_view why) {
    close(fd);
    return absl::DataLossError(absl::StrCat("state file '", path, "': ", why));
  };
  char magic[8];
  uint64_t len = 0;
  if (pread(fd, magic, sizeof(magic), 0) != sizeof(magic) ||
      std::memcmp(magic, kSavedStateMagic, sizeof(magic)) != 0) {
    return fail("not a vmwp state file (bad magic)");
  }
  if (pread(fd, &len, sizeof(len), 8) != sizeof(len) || len > kMaxWorkerStateBytes) {
    return fail("bad worker-state length");
  }
  std::string body(len, '\0');
  if (len > 0 && pread(fd, body.data(), len, 16) != static_cast<ssize_t>(len)) {
    return fail("truncated worker state");
  }
  if (!state->ParseFromString(body)) return fail("worker state does not parse");
  if (state->format_version() != kSavedStateFormatVersion) {
    close(fd);
    std::string why =
        state->format_version() == 1
            ? "format version 1 has no device state (saved by an older vmwp): its VMBus "
              "channels, Dynamic Memory and heartbeat cannot be continued; start the VM afresh"
            : absl::StrCat("unsupported format version ", state->format_version(), " (this vmwp "
                           "reads version ", kSavedStateFormatVersion, ")");
    return absl::FailedPreconditionError(absl::StrCat("state file '", path, "': ", why));
  }
  *snapshot_offset = static_cast<off_t>(16 + len);
  return fd;
}

}  // namespace

absl::StatusOr<hv::worker::v1::WorkerSavedState> ReadSavedStateHeader(const std::string& path) {
  hv::worker::v1::WorkerSavedState state;
  off_t offset = 0;
  ASSIGN_OR_RETURN(int fd, OpenAndParse(path, &state, &offset));
  close(fd);
  return state;
}

absl::Status RestorePartitionFromSavedState(const std::string& path, hv::shim::Partition& fresh) {
  hv::worker::v1::WorkerSavedState state;
  off_t offset = 0;
  ASSIGN_OR_RETURN(int fd, OpenAndParse(path, &state, &offset));
  absl::Cleanup close_in = [fd] { close(fd); };
  // The shim reads snapshots from a path: extract that part next to the file.
  const std::string snap = absl::StrCat(path, ".restore.", getpid(), ".tmp");
  int out = open(snap.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return Errno("create", snap);
  absl::Cleanup remove_snap = [&] { unlink(snap.c_str()); };
  absl::Status copied = CopyRest(fd, offset, out, path);
  close(out);
  RETURN_IF_ERROR(copied);
  return hv::shim::RestoreSnapshot(fresh, snap);
}

}  // namespace hv::worker
