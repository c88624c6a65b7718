#include "vmms/launcher/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace hv::vmms {
namespace {

int PidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

// Field 22 of /proc/<pid>/stat, and whether the process is a zombie.
absl::StatusOr<uint64_t> ReadStartTime(pid_t pid, bool* zombie) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!in || !std::getline(in, line)) {
    return absl::NotFoundError(absl::StrCat("process ", pid, ": not found"));
  }
  // Field 2 (comm) may contain spaces and parentheses: parse after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return absl::InternalError("unparsable /proc stat");
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  char state = 0;
  rest >> state;
  // Fields 4..21 then 22 = starttime; we are at field 3 (state).
  for (int i = 4; i < 22; ++i) rest >> field;
  uint64_t start = 0;
  rest >> start;
  *zombie = state == 'Z' || state == 'X';
  return start;
}

}  // namespace

absl::StatusOr<uint64_t> ProcessStartTime(pid_t pid) {
  bool zombie = false;
  absl::StatusOr<uint64_t> start = ReadStartTime(pid, &zombie);
  if (start.ok() && zombie) return absl::NotFoundError(absl::StrCat("process ", pid, ": exited"));
  return start;
}

bool IsSameProcessAlive(const ProcessId& id) {
  absl::StatusOr<uint64_t> start = ProcessStartTime(id.pid);
  return start.ok() && *start == id.start_time_ticks;
}

absl::StatusOr<ProcessId> SpawnDetached(const SpawnOptions& o) {
  if (o.argv.empty()) return absl::InvalidArgumentError("spawn: empty argv");
  if (access(o.argv[0].c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("spawn: '", o.argv[0], "' is not an executable: ",
                                            std::strerror(errno)));
  }
  std::vector<char*> argv;
  for (const std::string& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const char* log = o.log_path.empty() ? "/dev/null" : o.log_path.c_str();
  int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat("spawn: cannot open log '", log, "': ",
                                                    std::strerror(errno)));
  }
  // A close-on-exec pipe: it closes on a successful exec (read gives 0) and
  // carries errno if exec fails, so we return only once the child is the new
  // program (and has its own session).
  int exec_pipe[2];
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    close(log_fd);
    return absl::InternalError(absl::StrCat("spawn: pipe: ", std::strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    close(exec_pipe[0]);
    close(exec_pipe[1]);
    return absl::InternalError(absl::StrCat("spawn: fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    setsid();
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(argv[0], argv.data());
    int err = errno;
    (void)!write(exec_pipe[1], &err, sizeof(err));
    _exit(127);
  }
  close(log_fd);
  close(exec_pipe[1]);
  int exec_errno = 0;
  ssize_t got;
  do {
    got = read(exec_pipe[0], &exec_errno, sizeof(exec_errno));
  } while (got < 0 && errno == EINTR);
  close(exec_pipe[0]);
  if (got == sizeof(exec_errno)) {
    waitpid(pid, nullptr, 0);
    return absl::InternalError(absl::StrCat("spawn: exec of '", o.argv[0], "' failed: ",
                                            std::strerror(exec_errno)));
  }
  // The start time is readable even if the program already exited: until we
  // reap it, the zombie keeps its pid and /proc entry, so this is the child.
  bool zombie = false;
  absl::StatusOr<uint64_t> start = ReadStartTime(pid, &zombie);
  if (!start.ok()) {
    waitpid(pid, nullptr, 0);
    return absl::InternalError(absl::StrCat("spawn: no /proc entry for child ", pid));
  }
  return ProcessId{pid, *start};
}

ProcessWatcher::ProcessWatcher(ExitCallback on_exit) : on_exit_(std::move(on_exit)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = ~0ull;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] { Loop(); });
}

ProcessWatcher::~ProcessWatcher() {
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  thread_.join();
  absl::MutexLock lock(&mu_);
  for (auto& [pid, e] : entries_) close(e.pidfd);
  close(wake_fd_);
  close(epoll_fd_);
}

absl::Status ProcessWatcher::Watch(const ProcessId& id, bool child) {
  int fd = PidfdOpen(id.pid);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("process ", id.pid, ": not running"));
  // Checked after the pidfd exists: if the start time still matches now, the
  // pidfd refers to that very process (a pid cannot be reused while we hold it... but
  // it could have been reused before pidfd_open; the start time rules that out).
  if (!IsSameProcessAlive(id)) {
    close(fd);
    return absl::NotFoundError(absl::StrCat("process ", id.pid,
                                            ": gone or pid reused (start time differs)"));
  }
  absl::MutexLock lock(&mu_);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = static_cast<uint64_t>(id.pid);
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("process ", id.pid, ": epoll: ", std::strerror(errno)));
  }
  entries_[id.pid] = {id, fd, child};
  return absl::OkStatus();
}

void ProcessWatcher::Unwatch(pid_t pid) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(pid);
  if (it == entries_.end()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second.pidfd, nullptr);
  close(it->second.pidfd);
  entries_.erase(it);
}

size_t ProcessWatcher::Watched() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

void ProcessWatcher::Loop() {
  epoll_event events[16];
  while (true) {
    int n = epoll_wait(epoll_fd_, events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == ~0ull) return;
      pid_t pid = static_cast<pid_t>(events[i].data.u64);
      Entry entry;
      {
        absl::MutexLock lock(&mu_);
        auto it = entries_.find(pid);
        if (it == entries_.end()) continue;
        entry = it->second;
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, entry.pidfd, nullptr);
        entries_.erase(it);
      }
      ProcessExit exit{entry.id};
      if (entry.child) {
        siginfo_t info{};
        if (waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(entry.pidfd), &info,
                   WEXITED) == 0) {
          exit.status_known = true;
          if (info.si_code == CLD_EXITED) exit.exit_code = info.si_status;
          else exit.signal = info.si_status;
        }
      }
      close(entry.pidfd);
      on_exit_(exit);
    }
  }
}

}  // namespace hv::vmms
