#include "tests/integration/vmwp/vmwp_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/text_format.h"

namespace hv::worker::testing {

namespace pb = ::hv::worker::v1;

std::string VmwpBinary() {
  const char* dir = std::getenv("HV_BINARY_DIR");
  return absl::StrCat(dir ? dir : ".", "/worker/vmwp");
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  // Short paths: a unix socket path must fit in 107 bytes.
  std::string tmpl = absl::StrCat(tmp && std::string(tmp).size() < 40 ? tmp : "/tmp", "/vmwpXXXXXX");
  char* p = mkdtemp(tmpl.data());
  path_ = p ? p : "/tmp";
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

pb::WorkerConfig DmGuestConfig(const std::string& dir, const std::string& name) {
  pb::WorkerConfig c;
  c.set_vm_id(absl::StrCat("00000000-0000-4000-8000-", std::string(12 - std::min<size_t>(12, name.size()), '0'), name.substr(0, 12)));
  c.set_vm_name(name);
  auto* m = c.mutable_memory();
  m->set_dynamic_memory_enabled(true);
  m->set_startup_mib(256);
  m->set_minimum_mib(128);
  m->set_maximum_mib(1024);
  m->set_buffer_percent(20);
  m->set_weight(5000);
  c.set_vcpu_count(1);
  c.set_guest_image(HV_GUEST_IMAGE);
  c.set_backend("tcg");
  c.set_socket_path(absl::StrCat(dir, "/", name, ".sock"));
  c.set_state_dir(absl::StrCat(dir, "/", name, ".state"));
  return c;
}

absl::StatusOr<std::unique_ptr<VmwpProcess>> VmwpProcess::Spawn(const pb::WorkerConfig& config,
                                                                std::vector<std::string> extra) {
  std::unique_ptr<VmwpProcess> p(new VmwpProcess());
  p->config_ = config;
  const std::string config_path = absl::StrCat(config.state_dir(), ".txtpb");
  std::string text;
  google::protobuf::TextFormat::PrintToString(config, &text);
  std::ofstream(config_path) << text;
  std::vector<std::string> args = {VmwpBinary(), absl::StrCat("--config=", config_path)};
  for (std::string& e : extra) args.push_back(std::move(e));
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  p->pid_ = pid;
  // The socket appears only once vmwp listens: keep gRPC's reconnect backoff
  // short (its default starts at 1 s and grows), or readiness is measured in
  // backoff steps instead of worker start-up time.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 5);
  channel_args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 50);
  p->channel_ = grpc::CreateCustomChannel(absl::StrCat("unix:", config.socket_path()),
                                          grpc::InsecureChannelCredentials(), channel_args);
  p->stub_ = pb::Worker::NewStub(p->channel_);
  return p;
}

VmwpProcess::~VmwpProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::unique_ptr<pb::Worker::Stub> VmwpProcess::NewStub() const {
  // A distinct channel argument makes gRPC open a separate connection.
  grpc::ChannelArguments args;
  args.SetInt("hv.test.second_client", 1);
  return pb::Worker::NewStub(grpc::CreateCustomChannel(
      absl::StrCat("unix:", config_.socket_path()), grpc::InsecureChannelCredentials(), args));
}

absl::Status VmwpProcess::WaitReady(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (!reaped_) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        reaped_ = true;
        return absl::InternalError(absl::StrCat("vmwp exited early, status ", st));
      }
    }
    // No connect before the socket exists: a refused one puts the channel in
    // backoff, and the answer then came ~80 ms after the socket appeared.
    if (access(config_.socket_path().c_str(), F_OK) != 0) {
      absl::SleepFor(absl::Milliseconds(1));
      continue;
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    ctx.set_wait_for_ready(true);
    pb::WorkerInfo info;
    if (stub_->GetState(&ctx, pb::GetStateRequest(), &info).ok()) return absl::OkStatus();
  }
  return absl::DeadlineExceededError("vmwp did not answer GetState");
}

std::optional<int> VmwpProcess::WaitExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return st;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

pb::VmState VmwpProcess::State() {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  pb::WorkerInfo info;
  if (!stub_->GetState(&ctx, pb::GetStateRequest(), &info).ok()) return pb::VM_STATE_UNSPECIFIED;
  return info.state();
}

absl::StatusOr<std::string> ReadGuest(pb::Worker::Stub& stub, uint64_t gpa, uint64_t len) {
  std::string out;
  while (len > 0) {
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(len, 1u << 20));
    grpc::ClientContext ctx;
    pb::ReadGuestMemoryRequest req;
    req.set_gpa(gpa);
    req.set_length(n);
    pb::ReadGuestMemoryResponse resp;
    grpc::Status s = stub.ReadGuestMemory(&ctx, req, &resp);
    if (!s.ok()) return absl::InternalError(s.error_message());
    out += resp.data();
    gpa += n;
    len -= n;
  }
  return out;
}

}  // namespace hv::worker::testing
