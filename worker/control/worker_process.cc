#include "worker/control/worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc/server.h"
#include "worker/control/memory_footprint.h"
#include "worker/control/worker_service.h"
#include "worker/exit_record.h"
#include "worker/guest_loader.h"
#include "worker/socket_guard.h"
#include "worker/virtual_machine.h"
#include "worker/worker_config.h"

namespace hv::worker {
namespace {

// One line to the log (stderr, redirected to the per-VM log file).
template <typename... Args>
void Log(const absl::FormatSpec<Args...>& format, const Args&... args) {
  std::string line = absl::StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ ", absl::Now(), absl::UTCTimeZone()),
                                   "vmwp[", getpid(), "] ", absl::StrFormat(format, args...), "\n");
  (void)!write(STDERR_FILENO, line.data(), line.size());
}

// Creates the state dir (0700) and points stderr at <state_dir>/vmwp.log.
absl::Status OpenLog(const std::string& state_dir) {
  if (mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InternalError(absl::StrCat("state dir '", state_dir, "': ", std::strerror(errno)));
  }
  const std::string path = absl::StrCat(state_dir, "/", kWorkerLogFile);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("log '", path, "': ", std::strerror(errno)));
  dup2(fd, STDERR_FILENO);
  close(fd);
  return absl::OkStatus();
}

// Copies guest serial output into the log, line-prefixed. It sleeps until the
// guest writes (no periodic wake-up); to end it, set `stop` and call
// SerialPort::WakeReaders until `done` (a wake can land just before a wait).
// After `stop` it drains what the guest wrote before (its last lines before a
// power-off), then notifies `done`.
void FollowSerial(VirtualMachine* vm, std::atomic<bool>* stop, absl::Notification* done) {
  uint64_t offset = 0;
  std::string pending;
  for (bool last = false; !last;) {
    last = stop->load();
    SerialChunk c =
        vm->serial().ReadFrom(offset, 4096, last ? absl::ZeroDuration() : absl::InfiniteDuration());
    if (last && !c.data.empty()) last = false;  // more may follow the 4 KiB chunk
    offset = c.next_offset;
    pending += c.data;
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      Log("serial: %s", pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
    if (pending.size() > 4096) {
      Log("serial: %s", pending);
      pending.clear();
    }
  }
  if (!pending.empty()) Log("serial: %s", pending);
  done->Notify();
}

}  // namespace

absl::StatusOr<v1::WorkerConfig> ConfigFromArgs(const std::vector<std::string>& args) {
  std::string config_path, socket, state_dir, restore, backend;
  bool start_paused = false;
  for (const std::string& a : args) {
    if (a == "--start-paused") {
      start_paused = true;
      continue;
    }
    auto take = [&](absl::string_view flag, std::string* out) {
      if (!absl::StartsWith(a, flag)) return false;
      *out = a.substr(flag.size());
      return true;
    };
    if (take("--config=", &config_path) || take("--socket=", &socket) ||
        take("--state-dir=", &state_dir) || take("--restore-from=", &restore) ||
        take("--backend=", &backend)) {
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat("vmwp: unknown argument '", a, "'"));
  }
  if (config_path.empty()) return absl::InvalidArgumentError("vmwp: --config=FILE is required");
  absl::StatusOr<v1::WorkerConfig> config = LoadWorkerConfig(config_path);
  if (!config.ok()) return absl::InvalidArgumentError(config.status().message());
  if (!socket.empty()) config->set_socket_path(socket);
  if (!state_dir.empty()) config->set_state_dir(state_dir);
  if (!restore.empty()) config->set_restore_from(restore);
  if (!backend.empty()) config->set_backend(backend);
  if (start_paused) config->set_start_paused(true);
  ApplyConfigDefaults(*config);
  if (absl::Status s = ValidateWorkerConfig(*config); !s.ok()) return s;
  return config;
}

int RunWorkerProcess(const v1::WorkerConfig& config) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  // SIGUSR1 only wakes the main thread when an RPC reached a final state, so
  // it can wait without a timer (an idle worker should not tick).
  sigset_t wait_signals = stop_signals;
  sigaddset(&wait_signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &wait_signals, nullptr);  // inherited by every thread
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  // Own process group when started by hand; under vmms' setsid this fails
  // harmlessly (a session leader already leads its group).
  setpgid(0, 0);

  if (absl::Status s = OpenLog(config.state_dir()); !s.ok()) {
    std::fprintf(stderr, "vmwp: %s\n", std::string(s.message()).c_str());
    return kExitBadConfig;
  }
  const std::string name = VmDisplayName(config);
  Log("vm '%s' (%s): starting, socket %s, %s", name, config.vm_id(), config.socket_path(),
      config.restore_from().empty() ? "boot " + config.guest_image()
                                    : "restore from " + config.restore_from());
  if (absl::Status s = PrepareSocketPath(config.socket_path()); !s.ok()) {
    Log("%s", s.message());
    return kExitSocketInUse;  // no exit record: the live owner may be this VM's worker
  }
  // Before the partition exists (its TCG code buffer is touched at creation)
  // and before any thread starts. A bad backend name fails in Create below.
  if (absl::StatusOr<hv::shim::BackendKind> kind = ResolveBackendKind(config.backend()); kind.ok()) {
    if (absl::Status s = ReduceWorkerFootprint(*kind, FootprintOptions{}); !s.ok()) {
      Log("%s (continuing without it)", s.message());
    }
  }
  ExitRecorder recorder(config.state_dir(), config.vm_id(), name);
  recorder.Clear().IgnoreError();
  recorder.InstallFatalSignalHandlers().IgnoreError();

  VirtualMachineOptions vo;
  vo.config = config;
  vo.on_state_change = [&recorder](v1::VmState s) { recorder.set_last_state(s); };
  vo.on_guest_crash = [&recorder](const std::string& msg) {
    Log("guest crashed: %s", msg);
    recorder.Record("guest_crash", msg).IgnoreError();
  };
  absl::StatusOr<std::unique_ptr<VirtualMachine>> vm = VirtualMachine::Create(std::move(vo));
  if (!vm.ok()) {
    Log("cannot build the VM: %s", vm.status().ToString());
    recorder.Record("internal_error", vm.status().ToString()).IgnoreError();
    return kExitVmFailed;
  }
  absl::Notification final_state;
  WorkerServiceOptions so;
  so.on_final_state = [&final_state] {
    if (!final_state.HasBeenNotified()) final_state.Notify();
    kill(getpid(), SIGUSR1);
  };
  WorkerService service(vm->get(), so);
  const mode_t old_umask = umask(0077);  // the socket is born owner-only
  absl::StatusOr<StartedServer> server =
      StartServer({.addresses = {absl::StrCat("unix:", config.socket_path())}, .services = {&service}});
  umask(old_umask);
  if (!server.ok()) {
    Log("cannot serve on %s: %s", config.socket_path(), server.status().ToString());
    recorder.Record("internal_error", server.status().ToString()).IgnoreError();
    return kExitServerFailed;
  }
  RestrictSocketToOwner(config.socket_path()).IgnoreError();
  // Removes the socket file only while it is still ours: after Save, vmms
  // may start the restoring worker on the same path before this one has
  // finished exiting, and that worker's socket must survive our exit.
  struct stat own_socket {};
  const bool have_socket = stat(config.socket_path().c_str(), &own_socket) == 0;
  auto unlink_own_socket = [&] {
    struct stat now {};
    if (have_socket && stat(config.socket_path().c_str(), &now) == 0 &&
        now.st_ino == own_socket.st_ino && now.st_dev == own_socket.st_dev) {
      unlink(config.socket_path().c_str());
    }
  };
  if (absl::Status s = (*vm)->Start(); !s.ok()) {
    Log("cannot start the VM: %s", s.ToString());
    recorder.Record("internal_error", s.ToString()).IgnoreError();
    server->server->Shutdown(std::chrono::system_clock::now());
    unlink_own_socket();
    return kExitVmFailed;
  }
  Log("vm '%s': running on %s (%d vCPU, %d MiB)", name, (*vm)->Info().backend(),
      (*vm)->config().vcpu_count(), (*vm)->config().memory().startup_mib());

  std::atomic<bool> stop_serial{false};
  absl::Notification serial_done;
  std::thread serial_thread(FollowSerial, vm->get(), &stop_serial, &serial_done);
  // Waits for SIGTERM/SIGINT or a final state from an RPC (which raises
  // SIGUSR1; a notification before the wait leaves it pending, so none is lost).
  int sig = 0;
  while (!final_state.HasBeenNotified()) {
    const int got = sigwaitinfo(&wait_signals, nullptr);
    if (got > 0 && sigismember(&stop_signals, got)) {
      sig = got;
      break;
    }
  }
  if (sig > 0) {
    Log("signal %d: powering off", sig);
    (*vm)->TurnOff().IgnoreError();
  } else {
    Log("vm '%s' is %s", name, VmStateName((*vm)->state()));
    if (const VirtualMachine::ShutdownOutcome o = (*vm)->last_shutdown(); o.attempted) {
      Log("vm '%s': shutdown was %s: %s", name, o.cooperative ? "cooperative" : "a hard power-off",
          o.detail);
    }
    absl::SleepFor(absl::Milliseconds(100));  // let the final RPC's reply go out
  }
  service.BeginShutdown();
  server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  unlink_own_socket();
  stop_serial = true;
  do {
    (*vm)->serial().WakeReaders();
  } while (!serial_done.WaitForNotificationWithTimeout(absl::Milliseconds(20)));
  serial_thread.join();
  vm->reset();
  Log("vm '%s': worker exiting", name);
  return kExitOk;
}

}  // namespace hv::worker
