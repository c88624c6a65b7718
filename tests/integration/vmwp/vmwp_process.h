// Test harness: runs the real `vmwp` binary as a child process (found through
// HV_BINARY_DIR, set by hv_test) with a config file in a fresh directory, and
// talks to it over its unix socket with the generated gRPC stub.
#ifndef HV_TESTS_INTEGRATION_VMWP_VMWP_PROCESS_H_
#define HV_TESTS_INTEGRATION_VMWP_VMWP_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "hv/worker/v1/worker.grpc.pb.h"

namespace hv::worker::testing {

// Path of the built vmwp binary ($HV_BINARY_DIR/worker/vmwp).
std::string VmwpBinary();

// A scratch directory under $TMPDIR (or /tmp), removed by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A config for the reference guest: DM on, 256 MiB startup in [128, 1024].
hv::worker::v1::WorkerConfig DmGuestConfig(const std::string& dir, const std::string& name);

class VmwpProcess {
 public:
  // Writes `config` to <state parent>/<name>.txtpb and spawns vmwp with it
  // plus `extra_args`. Does not wait for the socket.
  static absl::StatusOr<std::unique_ptr<VmwpProcess>> Spawn(
      const hv::worker::v1::WorkerConfig& config, std::vector<std::string> extra_args = {});
  ~VmwpProcess();  // SIGKILL + reap if still running

  // Waits until GetState answers. DeadlineExceeded otherwise.
  absl::Status WaitReady(absl::Duration timeout = absl::Seconds(30));
  // Waits for the process to exit; returns the wait status, nullopt on timeout.
  std::optional<int> WaitExit(absl::Duration timeout = absl::Seconds(30));

  pid_t pid() const { return pid_; }
  const hv::worker::v1::WorkerConfig& config() const { return config_; }
  hv::worker::v1::Worker::Stub& stub() { return *stub_; }
  // A second, independent connection (a second client).
  std::unique_ptr<hv::worker::v1::Worker::Stub> NewStub() const;

  // Reads the first StatusReport matching `pred` from a WatchStatus stream.
  template <typename Pred>
  std::optional<hv::worker::v1::StatusReport> WaitStatus(Pred pred, absl::Duration timeout);

  // GetState().state(), or UNSPECIFIED on an RPC error.
  hv::worker::v1::VmState State();

 private:
  VmwpProcess() = default;
  hv::worker::v1::WorkerConfig config_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hv::worker::v1::Worker::Stub> stub_;
};

template <typename Pred>
std::optional<hv::worker::v1::StatusReport> VmwpProcess::WaitStatus(Pred pred,
                                                                    absl::Duration timeout) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
  hv::worker::v1::WatchStatusRequest req;
  req.set_interval_ms(100);
  auto reader = stub_->WatchStatus(&ctx, req);
  hv::worker::v1::StatusReport r;
  while (reader->Read(&r)) {
    if (pred(r)) {
      ctx.TryCancel();
      reader->Finish().ok();
      return r;
    }
  }
  reader->Finish().ok();
  return std::nullopt;
}

// Reads [gpa, gpa+len) through ReadGuestMemory in 64 KiB pieces.
absl::StatusOr<std::string> ReadGuest(hv::worker::v1::Worker::Stub& stub, uint64_t gpa, uint64_t len);

}  // namespace hv::worker::testing

#endif  // HV_TESTS_INTEGRATION_VMWP_VMWP_PROCESS_H_
