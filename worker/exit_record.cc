#include "worker/exit_record.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"

namespace hv::worker {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// The recorder the signal handler writes through (see the header).
std::atomic<ExitRecorder*> g_signal_recorder{nullptr};

// Async-signal-safe helpers: append to a fixed buffer.
struct SigBuf {
  char data[2048];
  size_t len = 0;
  void Add(const char* s) {
    while (*s && len < sizeof(data)) data[len++] = *s++;
  }
  void AddInt(long long v) {
    char tmp[24];
    int n = 0;
    bool neg = v < 0;
    unsigned long long u = neg ? 0ull - static_cast<unsigned long long>(v) : v;
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u && n < 23);
    if (neg) Add("-");
    while (n > 0 && len < sizeof(data)) data[len++] = tmp[--n];
  }
};

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("'", tmp, "': ", std::strerror(errno)));
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = write(fd, contents.data() + off, contents.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return absl::InternalError(absl::StrCat("'", tmp, "': write: ", std::strerror(err)));
    }
    off += static_cast<size_t>(n);
  }
  fsync(fd);
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("'", path, "': rename: ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace

ExitRecorder::ExitRecorder(std::string state_dir, std::string vm_id, std::string vm_name)
    : state_dir_(std::move(state_dir)), vm_id_(std::move(vm_id)), vm_name_(std::move(vm_name)) {
  final_path_ = absl::StrCat(state_dir_, "/", kExitRecordFile);
  signal_tmp_path_ = absl::StrCat(final_path_, ".sigtmp");
}

ExitRecorder::~ExitRecorder() {
  if (installed_) {
    for (int sig : kFatalSignals) signal(sig, SIG_DFL);
    g_signal_recorder.store(nullptr);
  }
}

std::string ExitRecorder::path() const { return final_path_; }

absl::Status ExitRecorder::Write(hv::worker::v1::ExitRecord record) {
  if (record.vm_id().empty()) record.set_vm_id(vm_id_);
  if (record.vm_name().empty()) record.set_vm_name(vm_name_);
  if (record.pid() == 0) record.set_pid(getpid());
  if (record.timestamp_unix_ms() == 0) record.set_timestamp_unix_ms(absl::ToUnixMillis(absl::Now()));
  if (record.last_state() == 0) {
    record.set_last_state(static_cast<hv::worker::v1::VmState>(last_state_.load()));
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(record, &text);
  absl::MutexLock lock(&mu_);
  return WriteFileAtomically(final_path_, text);
}

absl::Status ExitRecorder::Record(std::string_view reason, std::string_view message) {
  hv::worker::v1::ExitRecord r;
  r.set_reason(std::string(reason));
  r.set_message(std::string(message));
  return Write(std::move(r));
}

absl::Status ExitRecorder::Clear() {
  absl::MutexLock lock(&mu_);
  if (unlink(final_path_.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(absl::StrCat("'", final_path_, "': ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status ExitRecorder::InstallFatalSignalHandlers() {
  ExitRecorder* expected = nullptr;
  if (!g_signal_recorder.compare_exchange_strong(expected, this)) {
    return absl::FailedPreconditionError("exit recorder: fatal-signal handlers already installed");
  }
  struct sigaction sa{};
  sa.sa_handler = &ExitRecorder::OnFatalSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_NODEFER;
  for (int sig : kFatalSignals) sigaction(sig, &sa, nullptr);
  installed_ = true;
  return absl::OkStatus();
}

void ExitRecorder::OnFatalSignal(int sig) {
  int saved_errno = errno;
  ExitRecorder* r = g_signal_recorder.load();
  if (r != nullptr) r->WriteFromSignal(sig);
  errno = saved_errno;
  // SA_RESETHAND restored the default action: re-raise so the process dies
  // of this signal (vmms sees "killed by SIGSEGV").
  raise(sig);
}

void ExitRecorder::WriteFromSignal(int sig) {
  // Only async-signal-safe calls below (signal-safety(7)).
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  SigBuf b;
  b.Add("vm_id: \"");
  b.Add(vm_id_.c_str());  // set before handlers are installed, never changed
  b.Add("\"\nvm_name: \"");
  b.Add(vm_name_.c_str());
  b.Add("\"\npid: ");
  b.AddInt(getpid());
  b.Add("\ntimestamp_unix_ms: ");
  b.AddInt(static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
  b.Add("\nreason: \"fatal_signal\"\nsignal: ");
  b.AddInt(sig);
  b.Add("\nlast_state: ");
  b.AddInt(last_state_.load());
  b.Add("\nmessage: \"the worker received fatal signal ");
  b.AddInt(sig);
  b.Add("\"\n");
  int fd = open(signal_tmp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  size_t off = 0;
  while (off < b.len) {
    ssize_t n = write(fd, b.data + off, b.len - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  fsync(fd);
  close(fd);
  rename(signal_tmp_path_.c_str(), final_path_.c_str());
}

absl::StatusOr<hv::worker::v1::ExitRecord> ReadExitRecord(const std::string& state_dir) {
  const std::string path = absl::StrCat(state_dir, "/", kExitRecordFile);
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("exit record '", path, "': none"));
  std::stringstream buf;
  buf << in.rdbuf();
  hv::worker::v1::ExitRecord record;
  if (!google::protobuf::TextFormat::ParseFromString(buf.str(), &record)) {
    return absl::DataLossError(absl::StrCat("exit record '", path, "': not a valid ExitRecord"));
  }
  return record;
}

}  // namespace hv::worker
