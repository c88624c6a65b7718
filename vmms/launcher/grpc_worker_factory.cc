#include "vmms/launcher/grpc_worker_factory.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc/status_conversion.h"
#include "common/status_macros.h"
#include "google/protobuf/text_format.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/security/credentials.h"
#include "hv/worker/v1/worker.grpc.pb.h"
#include "vmms/launcher/process.h"
#include "vmms/launcher/status_stream.h"
#include "vmms/launcher/worker_status_conversion.h"

namespace hv::vmms {
namespace {

namespace fs = std::filesystem;
namespace wv1 = ::hv::worker::v1;

std::string ReadFileOrEmpty(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Tail(const std::string& s, size_t n) { return s.size() > n ? s.substr(s.size() - n) : s; }

// One worker's control channel plus the reader of its status stream.
class GrpcWorkerControl : public WorkerControl {
 public:
  GrpcWorkerControl(std::string vm_id, std::shared_ptr<grpc::Channel> channel,
                    absl::Duration call_timeout, WorkerCallbacks callbacks)
      : vm_id_(std::move(vm_id)),
        stub_(wv1::Worker::NewStub(channel)),
        call_timeout_(call_timeout),
        callbacks_(std::move(callbacks)),
        status_(stub_.get(), [this](const wv1::StatusReport& report) {
          if (callbacks_.on_status) callbacks_.on_status(vm_id_, FromProto(report));
        }) {}

  // Waits until no status callback runs (StatusStream::Stop).
  ~GrpcWorkerControl() override { status_.Stop(); }

  void StartWatching() { status_.Start(); }

  absl::Status Pause() override { return Unary(&wv1::Worker::Stub::Pause, wv1::PauseRequest{}, 1); }
  absl::Status Resume() override { return Unary(&wv1::Worker::Stub::Resume, wv1::ResumeRequest{}, 1); }
  absl::Status Shutdown(absl::Duration timeout) override {
    wv1::ShutdownRequest r;
    r.set_timeout_ms(static_cast<uint32_t>(absl::ToInt64Milliseconds(timeout)));
    return Unary(&wv1::Worker::Stub::Shutdown, r, 6);
  }
  absl::Status TurnOff() override { return Unary(&wv1::Worker::Stub::TurnOff, wv1::TurnOffRequest{}, 1); }
  absl::Status Save(const std::string& path) override {
    wv1::SaveRequest r;
    r.set_path(path);
    return Unary(&wv1::Worker::Stub::Save, r, 6);
  }
  absl::Status SetMemoryTarget(uint64_t mib) override {
    wv1::SetMemoryTargetRequest r;
    r.set_target_mib(mib);
    return Unary(&wv1::Worker::Stub::SetMemoryTarget, r, 1);
  }
  absl::Status RunWorkload(const std::string& command) override {
    wv1::WorkloadCommand r;
    r.set_command(command);
    return Unary(&wv1::Worker::Stub::RunWorkload, r, 1);
  }

  // Asks the worker which VM it runs.
  absl::StatusOr<wv1::WorkerInfo> GetState(absl::Duration timeout) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    wv1::WorkerInfo info;
    grpc::Status s = stub_->GetState(&ctx, wv1::GetStateRequest{}, &info);
    if (!s.ok()) return ToAbslStatus(s);
    return info;
  }

 private:
  template <typename Req, typename Resp>
  absl::Status Unary(grpc::Status (wv1::Worker::Stub::*method)(grpc::ClientContext*, const Req&,
                                                               Resp*),
                     const Req& request, int timeout_factor) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_ * timeout_factor));
    Resp response;
    return ToAbslStatus((stub_.get()->*method)(&ctx, request, &response));
  }

  const std::string vm_id_;
  std::unique_ptr<wv1::Worker::Stub> stub_;
  const absl::Duration call_timeout_;
  const WorkerCallbacks callbacks_;
  StatusStream status_;  // last: stopped before the rest goes
};

class GrpcWorkerFactory : public WorkerFactory {
 public:
  explicit GrpcWorkerFactory(GrpcWorkerFactoryOptions o)
      : options_(std::move(o)), watcher_([this](const ProcessExit& e) { OnProcessExit(e); }) {
    if (options_.socket_dir.empty()) options_.socket_dir = (fs::path(options_.state_dir) / "sockets").string();
  }

  absl::StatusOr<StartedWorker> Start(const WorkerStartRequest& request,
                                      WorkerCallbacks callbacks) override {
    const VmRecord& vm = request.vm;
    const fs::path dir = fs::path(options_.state_dir) / "vms" / vm.id;
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::create_directories(options_.socket_dir, ec);
    const std::string socket = (fs::path(options_.socket_dir) / (vm.id + ".sock")).string();
    if (socket.size() > 107) {
      return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': socket path '", socket,
                                                     "' is longer than 107 bytes"));
    }
    fs::remove(dir / options_.exit_record_name, ec);
    wv1::WorkerConfig config =
        ToWorkerConfig(vm, socket, dir.string(), options_.default_guest_image, request.restore_from);
    std::string text;
    google::protobuf::TextFormat::PrintToString(config, &text);
    const fs::path config_path = dir / "worker.txtpb";
    {
      std::ofstream out(config_path, std::ios::trunc);
      out << text;
      if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", config_path.string()));
    }
    const std::string log = (dir / "vmwp.log").string();
    ASSIGN_OR_RETURN(ProcessId pid, SpawnDetached({{options_.worker_binary,
                                                    "--config=" + config_path.string()}, log}));
    WorkerRecord record{vm.id, pid.pid, pid.start_time_ticks, socket, absl::ToUnixMillis(absl::Now())};
    RegisterCallbacks(vm.id, pid.pid, callbacks);
    RETURN_IF_ERROR(watcher_.Watch(pid, /*child=*/true).ok() ? absl::OkStatus()
                    : StartFailed(record, log, "exited during start-up"));
    absl::StatusOr<std::unique_ptr<GrpcWorkerControl>> control =
        Connect(record, callbacks, options_.start_timeout);
    if (!control.ok()) return StartFailed(record, log, control.status().message());
    return StartedWorker{record, std::move(*control)};
  }

  absl::StatusOr<std::unique_ptr<WorkerControl>> Adopt(const WorkerRecord& record,
                                                       WorkerCallbacks callbacks) override {
    ProcessId id{record.pid, record.start_time_ticks};
    if (!IsSameProcessAlive(id)) {
      return absl::NotFoundError(absl::StrCat("process ", record.pid, " is gone or not the worker"));
    }
    RegisterCallbacks(record.vm_id, record.pid, callbacks);
    RETURN_IF_ERROR(watcher_.Watch(id, /*child=*/false));
    absl::StatusOr<std::unique_ptr<GrpcWorkerControl>> control =
        Connect(record, callbacks, absl::Seconds(5));
    if (!control.ok()) {
      watcher_.Unwatch(record.pid);
      return control.status();
    }
    return std::unique_ptr<WorkerControl>(std::move(*control));
  }

  void Kill(const WorkerRecord& record) override {
    // Only the recorded process: a recycled pid belongs to someone else.
    if (!IsSameProcessAlive({record.pid, record.start_time_ticks})) return;
    kill(-record.pid, SIGKILL);  // its process group (it is a session leader)
    kill(record.pid, SIGKILL);
  }

 private:
  absl::StatusOr<std::unique_ptr<GrpcWorkerControl>> Connect(const WorkerRecord& record,
                                                             const WorkerCallbacks& callbacks,
                                                             absl::Duration timeout) {
    // The socket appears only once the worker is up; gRPC's default reconnect
    // backoff (1 s, growing) would then hold every start for about a second
    // after the first refused connect (tests/bench/scale measured ~1 s per
    // start). Retry the connect quickly instead; capped so a dead worker costs
    // one cheap unix connect per second at most.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // No bandwidth-delay-product probing: it pings the worker after the data
    // it sends (the status stream, once a second), which only sizes windows
    // for bulk transfers; on a unix socket with small messages each ping was
    // a wake-up of both processes.
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    auto channel = grpc::CreateCustomChannel("unix:" + record.socket_path,
                                             grpc::InsecureChannelCredentials(), args);
    auto control = std::make_unique<GrpcWorkerControl>(record.vm_id, channel, options_.call_timeout,
                                                       callbacks);
    absl::Time deadline = absl::Now() + timeout;
    absl::Status last = absl::DeadlineExceededError("no answer");
    while (absl::Now() < deadline) {
      if (!IsSameProcessAlive({record.pid, record.start_time_ticks})) {
        return absl::UnavailableError("the worker process exited");
      }
      // Even a short backoff after a refused connect cost ~80 ms per start
      // (worker_overhead_bench): connect only once the worker's socket exists,
      // checking for it every 2 ms.
      if (access(record.socket_path.c_str(), F_OK) != 0) {
        last = absl::UnavailableError(absl::StrCat("no socket at ", record.socket_path));
        absl::SleepFor(absl::Milliseconds(2));
        continue;
      }
      absl::StatusOr<wv1::WorkerInfo> info = control->GetState(absl::Milliseconds(500));
      if (info.ok()) {
        if (info->vm_id() != record.vm_id) {
          return absl::FailedPreconditionError(absl::StrCat(
              "socket ", record.socket_path, " serves vm ", info->vm_id(), ", not ", record.vm_id));
        }
        control->StartWatching();
        return control;
      }
      last = info.status();
      absl::SleepFor(absl::Milliseconds(20));
    }
    return absl::DeadlineExceededError(absl::StrCat("control API did not answer within ",
                                                    absl::FormatDuration(timeout), ": ",
                                                    last.message()));
  }

  absl::Status StartFailed(const WorkerRecord& record, const std::string& log,
                           absl::string_view why) {
    watcher_.Unwatch(record.pid);
    Kill(record);
    UnregisterCallbacks(record.pid);
    return absl::UnavailableError(absl::StrCat("vmwp for vm ", record.vm_id, " ", why,
                                               "; log tail: ", Tail(ReadFileOrEmpty(log), 400)));
  }

  void RegisterCallbacks(const std::string& vm_id, pid_t pid, const WorkerCallbacks& cb) {
    absl::MutexLock lock(&mu_);
    by_pid_[pid] = {vm_id, cb};
  }
  void UnregisterCallbacks(pid_t pid) {
    absl::MutexLock lock(&mu_);
    by_pid_.erase(pid);
  }

  void OnProcessExit(const ProcessExit& e) {
    std::pair<std::string, WorkerCallbacks> entry;
    {
      absl::MutexLock lock(&mu_);
      auto it = by_pid_.find(e.id.pid);
      if (it == by_pid_.end()) return;
      entry = it->second;
      by_pid_.erase(it);
    }
    WorkerExit exit{e.status_known, e.exit_code, e.signal,
                    Tail(ReadFileOrEmpty(fs::path(options_.state_dir) / "vms" / entry.first /
                                         options_.exit_record_name), 2000)};
    exit.pid = e.id.pid;
    if (entry.second.on_exit) entry.second.on_exit(entry.first, exit);
  }

  GrpcWorkerFactoryOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<pid_t, std::pair<std::string, WorkerCallbacks>> by_pid_ ABSL_GUARDED_BY(mu_);
  ProcessWatcher watcher_;  // last: its thread may call OnProcessExit until destroyed
};

}  // namespace

std::unique_ptr<WorkerFactory> MakeGrpcWorkerFactory(GrpcWorkerFactoryOptions options) {
  return std::make_unique<GrpcWorkerFactory>(std::move(options));
}

}  // namespace hv::vmms
