// WorkerService: the gRPC adapter of hv.worker.v1.Worker over one
// VirtualMachine. It validates requests, converts absl::Status to
// grpc::Status (common/grpc/status_conversion.h) and runs the two server
// streams (WatchStatus, WatchSerial). All VM semantics live in
// VirtualMachine; nothing here touches the guest.
//
// Thread-safe: gRPC calls every method from its own threads, concurrently
// for several clients; streams end when the client cancels, when the VM
// reaches a final state (after one last message) or on BeginShutdown().
#ifndef HV_WORKER_CONTROL_WORKER_SERVICE_H_
#define HV_WORKER_CONTROL_WORKER_SERVICE_H_

#include <atomic>
#include <functional>

#include "absl/time/time.h"
#include "hv/worker/v1/worker.grpc.pb.h"
#include "worker/virtual_machine.h"

namespace hv::worker {

struct WorkerServiceOptions {
  // Longest WatchStatus interval accepted. Default 1 h.
  absl::Duration max_status_interval = absl::Hours(1);
  // With interval_ms = 0 a sample is sent on every DM status report and
  // state change, and at least this often. Default 1 s.
  absl::Duration idle_status_period = absl::Seconds(1);
  // Longest Shutdown timeout accepted. Default 10 min; 0 in a request = 10 s.
  absl::Duration max_shutdown_timeout = absl::Minutes(10);
  // Called after an operation left the VM Off or Saved (the worker exits
  // then). Default none.
  std::function<void()> on_final_state;
};

class WorkerService final : public hv::worker::v1::Worker::Service {
 public:
  // `vm` must outlive the service.
  WorkerService(VirtualMachine* vm, WorkerServiceOptions options = {});

  // Ends every stream now (server shutdown).
  void BeginShutdown();

  grpc::Status GetState(grpc::ServerContext*, const v1::GetStateRequest*,
                        v1::WorkerInfo* out) override;
  grpc::Status Pause(grpc::ServerContext*, const v1::PauseRequest*,
                     v1::StateResponse* out) override;
  grpc::Status Resume(grpc::ServerContext*, const v1::ResumeRequest*,
                      v1::StateResponse* out) override;
  grpc::Status Shutdown(grpc::ServerContext*, const v1::ShutdownRequest* req,
                        v1::StateResponse* out) override;
  grpc::Status TurnOff(grpc::ServerContext*, const v1::TurnOffRequest*,
                       v1::StateResponse* out) override;
  grpc::Status Save(grpc::ServerContext*, const v1::SaveRequest* req,
                    v1::StateResponse* out) override;
  grpc::Status SetMemoryTarget(grpc::ServerContext*, const v1::SetMemoryTargetRequest* req,
                               v1::MemoryOperationResponse* out) override;
  grpc::Status AddMemory(grpc::ServerContext*, const v1::ChangeMemoryRequest* req,
                         v1::MemoryOperationResponse* out) override;
  grpc::Status RemoveMemory(grpc::ServerContext*, const v1::ChangeMemoryRequest* req,
                            v1::MemoryOperationResponse* out) override;
  grpc::Status WatchStatus(grpc::ServerContext* ctx, const v1::WatchStatusRequest* req,
                           grpc::ServerWriter<v1::StatusReport>* writer) override;
  grpc::Status WatchSerial(grpc::ServerContext* ctx, const v1::WatchSerialRequest* req,
                           grpc::ServerWriter<v1::SerialChunk>* writer) override;
  grpc::Status RunWorkload(grpc::ServerContext*, const v1::WorkloadCommand* req,
                           v1::WorkloadResponse*) override;
  grpc::Status ReadGuestMemory(grpc::ServerContext*, const v1::ReadGuestMemoryRequest* req,
                               v1::ReadGuestMemoryResponse* out) override;

 private:
  grpc::Status StateResult(const absl::StatusOr<v1::VmState>& s, v1::StateResponse* out);
  bool StreamOver(grpc::ServerContext* ctx) const;

  VirtualMachine* const vm_;
  const WorkerServiceOptions options_;
  std::atomic<bool> shutting_down_{false};
};

}  // namespace hv::worker

#endif  // HV_WORKER_CONTROL_WORKER_SERVICE_H_
