// The worker's control-socket path: refuse a path a live worker listens on,
// replace a stale socket file left by a dead one, and restrict the socket to
// its owner once bound.
//
// Thread-compatible (acts on the file system).
#ifndef HV_WORKER_SOCKET_GUARD_H_
#define HV_WORKER_SOCKET_GUARD_H_

#include <string>

#include "absl/status/status.h"

namespace hv::worker {

// Makes `path` free for bind(2):
//  - nothing there: OK;
//  - a socket with a listener (connect succeeds): FailedPrecondition
//    "socket '<path>' is in use by a live process" (never stolen);
//  - a socket nobody listens on (ECONNREFUSED): removed, OK;
//  - anything else (a regular file, a directory): FailedPrecondition, untouched.
// InvalidArgument if the path does not fit sun_path.
absl::Status PrepareSocketPath(const std::string& path);

// chmod 0600 on the bound socket. Internal with errno text on failure.
absl::Status RestrictSocketToOwner(const std::string& path);

// True if something accepts connections on `path` now.
bool SocketHasListener(const std::string& path);

}  // namespace hv::worker

#endif  // HV_WORKER_SOCKET_GUARD_H_
