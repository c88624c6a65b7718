#include "worker/control/worker_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/grpc/status_conversion.h"

namespace hv::worker {

using grpc::ServerContext;

WorkerService::WorkerService(VirtualMachine* vm, WorkerServiceOptions options)
    : vm_(vm), options_(std::move(options)) {}

grpc::Status WorkerService::StateResult(const absl::StatusOr<v1::VmState>& s,
                                        v1::StateResponse* out) {
  if (!s.ok()) return ToGrpcStatus(s.status());
  out->set_state(*s);
  if (IsFinalState(*s) && options_.on_final_state) options_.on_final_state();
  return grpc::Status::OK;
}

void WorkerService::BeginShutdown() {
  shutting_down_.store(true);
  vm_->WakeStatusWatchers();  // status streams see it at once
}

bool WorkerService::StreamOver(ServerContext* ctx) const {
  return ctx->IsCancelled() || shutting_down_.load();
}

grpc::Status WorkerService::GetState(ServerContext*, const v1::GetStateRequest*,
                                     v1::WorkerInfo* out) {
  *out = vm_->Info();
  return grpc::Status::OK;
}

grpc::Status WorkerService::Pause(ServerContext*, const v1::PauseRequest*, v1::StateResponse* out) {
  return StateResult(vm_->Pause(), out);
}

grpc::Status WorkerService::Resume(ServerContext*, const v1::ResumeRequest*,
                                   v1::StateResponse* out) {
  return StateResult(vm_->Resume(), out);
}

grpc::Status WorkerService::Shutdown(ServerContext*, const v1::ShutdownRequest* req,
                                     v1::StateResponse* out) {
  absl::Duration timeout =
      req->timeout_ms() == 0 ? absl::Seconds(10) : absl::Milliseconds(req->timeout_ms());
  if (timeout > options_.max_shutdown_timeout) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrCat("vm '", vm_->name(), "': shutdown timeout ", req->timeout_ms(),
                     " ms exceeds ", absl::ToInt64Milliseconds(options_.max_shutdown_timeout),
                     " ms")));
  }
  return StateResult(vm_->Shutdown(timeout), out);
}

grpc::Status WorkerService::TurnOff(ServerContext*, const v1::TurnOffRequest*,
                                    v1::StateResponse* out) {
  return StateResult(vm_->TurnOff(), out);
}

grpc::Status WorkerService::Save(ServerContext*, const v1::SaveRequest* req,
                                 v1::StateResponse* out) {
  if (req->path().empty()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError(absl::StrCat("vm '", vm_->name(), "': save path is empty")));
  }
  return StateResult(vm_->Save(req->path()), out);
}

grpc::Status WorkerService::SetMemoryTarget(ServerContext*, const v1::SetMemoryTargetRequest* req,
                                            v1::MemoryOperationResponse* out) {
  absl::StatusOr<v1::MemoryOperationResponse> r = vm_->SetMemoryTarget(req->target_mib());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *out = *r;
  return grpc::Status::OK;
}

grpc::Status WorkerService::AddMemory(ServerContext*, const v1::ChangeMemoryRequest* req,
                                      v1::MemoryOperationResponse* out) {
  absl::StatusOr<v1::MemoryOperationResponse> r = vm_->AddMemory(req->mib());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *out = *r;
  return grpc::Status::OK;
}

grpc::Status WorkerService::RemoveMemory(ServerContext*, const v1::ChangeMemoryRequest* req,
                                         v1::MemoryOperationResponse* out) {
  absl::StatusOr<v1::MemoryOperationResponse> r = vm_->RemoveMemory(req->mib());
  if (!r.ok()) return ToGrpcStatus(r.status());
  *out = *r;
  return grpc::Status::OK;
}

grpc::Status WorkerService::WatchStatus(ServerContext* ctx, const v1::WatchStatusRequest* req,
                                        grpc::ServerWriter<v1::StatusReport>* writer) {
  const absl::Duration interval = absl::Milliseconds(req->interval_ms());
  if (interval > options_.max_status_interval) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "vm '", vm_->name(), "': status interval ", req->interval_ms(), " ms is too long")));
  }
  uint64_t seen = vm_->change_sequence();
  while (!StreamOver(ctx)) {
    const v1::StatusReport report = vm_->Sample();
    if (!writer->Write(report)) break;  // the client went away
    if (IsFinalState(report.state())) break;
    // A state change, a DM report and BeginShutdown wake the wait at once; a
    // client's cancellation is polled once a second. (Steps of 100 ms cost
    // every watched worker 10 wake-ups a second: docs/scale/README.md
    // finding 3.)
    const absl::Duration period = interval > absl::ZeroDuration() ? interval
                                                                  : options_.idle_status_period;
    const absl::Time until = absl::Now() + period;
    while (!StreamOver(ctx) && absl::Now() < until) {
      const absl::Duration step = std::min(absl::Seconds(1), until - absl::Now());
      const uint64_t now_seq = vm_->WaitForChange(seen, step);
      if (interval == absl::ZeroDuration() && now_seq != seen) {
        seen = now_seq;
        break;  // a DM report or a state change: sample now
      }
      seen = now_seq;
    }
  }
  return grpc::Status::OK;
}

grpc::Status WorkerService::WatchSerial(ServerContext* ctx, const v1::WatchSerialRequest*,
                                        grpc::ServerWriter<v1::SerialChunk>* writer) {
  uint64_t offset = 0;
  while (!StreamOver(ctx)) {
    SerialChunk chunk = vm_->serial().ReadFrom(offset, 4096, absl::Milliseconds(200));
    offset = chunk.next_offset;
    if (!chunk.data.empty()) {
      v1::SerialChunk out;
      out.set_data(std::move(chunk.data));
      if (!writer->Write(out)) break;
      continue;
    }
    if (IsFinalState(vm_->state())) break;
  }
  return grpc::Status::OK;
}

grpc::Status WorkerService::RunWorkload(ServerContext*, const v1::WorkloadCommand* req,
                                        v1::WorkloadResponse*) {
  return ToGrpcStatus(vm_->RunWorkload(req->command()));
}

grpc::Status WorkerService::ReadGuestMemory(ServerContext*, const v1::ReadGuestMemoryRequest* req,
                                            v1::ReadGuestMemoryResponse* out) {
  absl::StatusOr<std::string> data = vm_->ReadGuestMemory(req->gpa(), req->length());
  if (!data.ok()) return ToGrpcStatus(data.status());
  out->set_data(std::move(*data));
  return grpc::Status::OK;
}

}  // namespace hv::worker
