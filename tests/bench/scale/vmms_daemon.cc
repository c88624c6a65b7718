#include "tests/bench/scale/vmms_daemon.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace hv::bench::scale {

namespace fs = std::filesystem;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The value of `key=` in vmms's "started" line, up to the next space.
std::string Field(const std::string& line, const std::string& key) {
  size_t at = line.find(" " + key + "=");
  if (at == std::string::npos) return "";
  at += key.size() + 2;
  size_t end = line.find(' ', at);
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

pid_t ParentOf(pid_t pid) {
  std::string status = ReadFile(absl::StrCat("/proc/", pid, "/status"));
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (absl::ConsumePrefix(&line, "PPid:")) {
      int ppid = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &ppid)) return ppid;
    }
  }
  return -1;
}

}  // namespace

std::string VmmsDaemon::Missing(const std::string& bin) {
  if (bin.empty()) return "HV_BINARY_DIR is not set";
  for (const std::string& f : {bin + "/vmms/vmms", bin + "/worker/vmwp", bin + "/guest/hv_guest.bin"}) {
    if (access(f.c_str(), R_OK) != 0) return f + " is missing (build vmms, vmwp and hv_guest_image)";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<VmmsDaemon>> VmmsDaemon::Start(const VmmsDaemonOptions& o) {
  std::unique_ptr<VmmsDaemon> d(new VmmsDaemon);
  // Short: worker socket paths under it must fit sun_path (108 bytes).
  d->dir_ = (fs::temp_directory_path() / absl::StrCat("scale", getpid(), "-", absl::ToUnixMicros(absl::Now()) % 100000))
                .string();
  fs::remove_all(d->dir_);
  fs::create_directories(d->dir_);
  std::vector<std::string> args = {o.binary_dir + "/vmms/vmms", "--state_dir=" + d->dir_,
                                   "--listen=127.0.0.1:0", "--metrics_port=0", "--on_exit=stop"};
  if (o.budget_mib > 0) args.push_back(absl::StrCat("--budget_mib=", o.budget_mib));
  const std::string log = d->dir_ + "/vmms.log";
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("vmms: fork failed");
  if (pid == 0) {
    // If the benchmark dies (a ctest timeout, ^C), vmms is told to stop too.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  d->pid_ = pid;
  const absl::Time until = absl::Now() + o.start_timeout;
  while (absl::Now() < until) {
    for (absl::string_view line : absl::StrSplit(ReadFile(log), '\n')) {
      if (!absl::StrContains(line, "event=started")) continue;
      std::string l(line);
      int grpc_port = 0, metrics_port = 0;
      std::string metrics = Field(l, "metrics");  // http://127.0.0.1:<port>/metrics
      size_t colon = metrics.rfind(':');
      size_t slash = metrics.find('/', colon == std::string::npos ? 0 : colon);
      if (!absl::SimpleAtoi(Field(l, "grpc_port"), &grpc_port) || colon == std::string::npos ||
          slash == std::string::npos ||
          !absl::SimpleAtoi(metrics.substr(colon + 1, slash - colon - 1), &metrics_port) ||
          !absl::SimpleAtoi(Field(l, "budget_mib"), &d->budget_mib_)) {
        return absl::InternalError(absl::StrCat("vmms: cannot read ports from '", l, "'"));
      }
      d->grpc_address_ = absl::StrCat("127.0.0.1:", grpc_port);
      d->metrics_port_ = metrics_port;
      return d;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      d->pid_ = -1;
      return absl::InternalError(absl::StrCat("vmms exited during start-up: ", d->Log()));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat("vmms did not start in ",
                                                  absl::FormatDuration(o.start_timeout), ": ", d->Log()));
}

std::vector<pid_t> VmmsDaemon::WorkerPids() const {
  std::vector<pid_t> out;
  if (pid_ <= 0) return out;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return out;
  while (dirent* e = readdir(proc)) {
    int pid = 0;
    if (!absl::SimpleAtoi(e->d_name, &pid)) continue;
    if (ParentOf(pid) == pid_) out.push_back(pid);
  }
  closedir(proc);
  std::sort(out.begin(), out.end());
  return out;
}

void VmmsDaemon::Stop(absl::Duration timeout) {
  if (pid_ <= 0) return;
  std::vector<pid_t> workers = WorkerPids();
  kill(pid_, SIGTERM);
  int status = 0;
  const absl::Time until = absl::Now() + timeout;
  while (waitpid(pid_, &status, WNOHANG) == 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  // Workers are in their own sessions; a vmms that did not stop them leaves
  // them reparented. Only the pids that were vmms's children, and only while
  // they still run vmwp from this tree.
  for (pid_t w : workers) {
    std::string cmdline = ReadFile(absl::StrCat("/proc/", w, "/cmdline"));
    if (absl::StrContains(cmdline, dir_)) kill(w, SIGKILL);
  }
}

VmmsDaemon::~VmmsDaemon() {
  Stop(absl::Seconds(120));
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string VmmsDaemon::Log() const { return ReadFile(dir_ + "/vmms.log"); }

absl::StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid, uint64_t guest_mapping_bytes) {
  std::ifstream f(absl::StrCat("/proc/", pid, "/smaps"));
  if (!f) return absl::NotFoundError(absl::StrCat("process ", pid, ": no smaps"));
  ProcessMemory m;
  std::string line;
  bool anon = false;
  uint64_t size_kb = 0;
  auto kb = [](absl::string_view rest) {
    uint64_t v = 0;
    rest = absl::StripAsciiWhitespace(rest);
    (void)absl::SimpleAtoi(rest.substr(0, rest.find(' ')), &v);
    return v;
  };
  while (std::getline(f, line)) {
    absl::string_view l = line;
    const absl::string_view first = l.substr(0, l.find(' '));
    if (absl::StrContains(first, "-") && !absl::StrContains(first, ":")) {
      // "start-end perms offset dev inode [path]": anonymous when no path.
      std::vector<absl::string_view> fields = absl::StrSplit(l, ' ', absl::SkipEmpty());
      anon = fields.size() <= 5;
      continue;
    }
    if (absl::ConsumePrefix(&l, "Size:")) size_kb = kb(l);
    if (absl::ConsumePrefix(&l, "Pss:")) {
      const uint64_t pss = kb(l) * 1024;
      m.pss_bytes += pss;
      if (anon && guest_mapping_bytes > 0 && size_kb * 1024 == guest_mapping_bytes) m.guest_pss_bytes += pss;
    }
  }
  if (m.pss_bytes == 0) return absl::NotFoundError(absl::StrCat("process ", pid, ": no Pss"));
  return m;
}

uint64_t GuestMappingBytes(uint64_t startup_mib, uint64_t maximum_mib) {
  constexpr uint64_t kBlock = 128ull << 20;
  const uint64_t top = std::max(startup_mib, maximum_mib) << 20;
  return (top + kBlock - 1) / kBlock * kBlock + kBlock;
}

uint64_t HostMemAvailableMib() {
  std::string text = ReadFile("/proc/meminfo");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::ConsumePrefix(&line, "MemAvailable:")) {
      uint64_t kb = 0;
      line = absl::StripAsciiWhitespace(line);
      (void)absl::SimpleAtoi(line.substr(0, line.find(' ')), &kb);
      return kb / 1024;
    }
  }
  return 0;
}

}  // namespace hv::bench::scale
