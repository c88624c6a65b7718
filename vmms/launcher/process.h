// Worker processes as vmms sees them: spawned detached (own session and
// process group, no parent-death signal) so they outlive vmms; identified by
// pid plus the kernel's start time, so a recycled pid is never mistaken for
// the worker vmms started; watched through a pidfd, so a death is noticed at
// once rather than at the next poll.
#ifndef HV_VMMS_LAUNCHER_PROCESS_H_
#define HV_VMMS_LAUNCHER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace hv::vmms {

struct ProcessId {
  pid_t pid = 0;
  uint64_t start_time_ticks = 0;  // /proc/<pid>/stat field 22
};

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the executable path. Required.
  std::string log_path;           // stdout+stderr appended here; empty: /dev/null
};

// Starts argv in a new session. Fails with kNotFound if the executable does
// not exist or is not executable, kInternal if fork fails. Thread-safe.
absl::StatusOr<ProcessId> SpawnDetached(const SpawnOptions& options);

// The kernel's start time of `pid`, in clock ticks since boot; kNotFound if
// no such process.
absl::StatusOr<uint64_t> ProcessStartTime(pid_t pid);

// True if `id` still names the same live process (pid alive and start time
// equal). A zombie counts as dead.
bool IsSameProcessAlive(const ProcessId& id);

struct ProcessExit {
  ProcessId id;
  bool status_known = false;  // false for adopted processes (not our children)
  int exit_code = -1;         // when exited normally
  int signal = 0;             // when killed by a signal
};

// Watches processes through pidfds on one thread. The callback runs on that
// thread, once per process, when it exits; it must not call back into the
// watcher's Watch/Unwatch for the same process. Our own children are reaped
// (so they leave no zombie) and their status reported. Thread-safe.
class ProcessWatcher {
 public:
  using ExitCallback = std::function<void(const ProcessExit&)>;

  explicit ProcessWatcher(ExitCallback on_exit);
  ~ProcessWatcher();  // stops the thread; no callbacks after it returns

  // Starts watching. kNotFound if the process is already gone or its start
  // time differs (pid reused). `child` says whether this process is ours to reap.
  absl::Status Watch(const ProcessId& id, bool child);
  // Stops watching; no callback for it afterwards. Ok if not watched.
  void Unwatch(pid_t pid);
  size_t Watched() const;

 private:
  struct Entry {
    ProcessId id;
    int pidfd;
    bool child;
  };
  void Loop();

  ExitCallback on_exit_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd that ends the loop
  mutable absl::Mutex mu_;
  absl::flat_hash_map<pid_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace hv::vmms

#endif  // HV_VMMS_LAUNCHER_PROCESS_H_
