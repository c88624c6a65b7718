#include "worker/devices/workload/workload_vsp.h"

#include <cstring>

#include "absl/strings/str_format.h"

namespace hv::worker {

void WorkloadVsp::OnOpen(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
}

void WorkloadVsp::OnClose() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
}

absl::Status WorkloadVsp::OnPacket(uint16_t type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  hv_workload_status s;
  if (type != VM_PKT_DATA_INBAND || payload.size() < sizeof(s)) {
    ++bad_packets_;
    return absl::OkStatus();
  }
  std::memcpy(&s, payload.data(), sizeof(s));
  if (s.type != HV_WORKLOAD_MSG_STATUS) {
    ++bad_packets_;
    return absl::OkStatus();
  }
  last_ = s;
  return absl::OkStatus();
}

void WorkloadVsp::Poll() {
  absl::MutexLock lock(&mu_);
  while (sink_ != nullptr && !queue_.empty()) {
    hv_workload_command c = {};
    c.type = HV_WORKLOAD_MSG_COMMAND;
    c.length = static_cast<uint32_t>(queue_.front().size());
    std::memcpy(c.text, queue_.front().data(), c.length);
    if (!sink_->SendInband(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&c), sizeof(c)))
             .ok()) {
      return;  // ring full: retry next poll
    }
    queue_.pop_front();
  }
}

absl::Status WorkloadVsp::SendCommand(std::string_view command) {
  if (command.size() >= HV_WORKLOAD_COMMAND_BYTES) {
    return absl::InvalidArgumentError(
        absl::StrFormat("workload: command of %u bytes is too long", command.size()));
  }
  absl::MutexLock lock(&mu_);
  if (sink_ == nullptr) {
    return absl::FailedPreconditionError("workload: guest has not opened the control channel");
  }
  queue_.emplace_back(command);
  return absl::OkStatus();
}

std::optional<hv_workload_status> WorkloadVsp::LastStatus() const {
  absl::MutexLock lock(&mu_);
  return last_;
}

bool WorkloadVsp::open() const {
  absl::MutexLock lock(&mu_);
  return sink_ != nullptr;
}

uint64_t WorkloadVsp::bad_packets() const {
  absl::MutexLock lock(&mu_);
  return bad_packets_;
}

}  // namespace hv::worker
