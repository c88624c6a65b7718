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

absl::Time WorkloadVsp::Poll() {
  absl::MutexLock lock(&mu_);
  while (sink_ != nullptr && !queue_.empty()) {
    hv_workload_command c = {};
    c.type = HV_WORKLOAD_MSG_COMMAND;
    c.length = static_cast<uint32_t>(queue_.front().size());
    std::memcpy(c.text, queue_.front().data(), c.length);
    if (!sink_->SendInband(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&c), sizeof(c)))
             .ok()) {
      return absl::InfinitePast();  // ring full: retry soon
    }
    queue_.pop_front();
  }
  return absl::InfiniteFuture();
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
  if (queue_.size() >= kMaxQueued) {
    return absl::ResourceExhaustedError("workload: the guest is not taking commands (queue full)");
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

hv::worker::v1::WorkloadVspState WorkloadVsp::Save() const {
  absl::MutexLock lock(&mu_);
  hv::worker::v1::WorkloadVspState s;
  for (const std::string& c : queue_) s.add_queued_commands(c);
  if (last_.has_value()) {
    s.set_last_status(std::string(reinterpret_cast<const char*>(&*last_), sizeof(*last_)));
  }
  s.set_bad_packets(bad_packets_);
  return s;
}

absl::Status WorkloadVsp::Restore(const hv::worker::v1::WorkloadVspState& saved) {
  if (static_cast<size_t>(saved.queued_commands_size()) > kMaxQueued) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "workload saved state: %d queued commands exceed %u", saved.queued_commands_size(),
        kMaxQueued));
  }
  std::deque<std::string> queue;
  for (int i = 0; i < saved.queued_commands_size(); ++i) {
    const std::string& c = saved.queued_commands(i);
    if (c.empty() || c.size() >= HV_WORKLOAD_COMMAND_BYTES) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "workload saved state: queued_commands[%d] of %u bytes is outside 1..%u", i, c.size(),
          HV_WORKLOAD_COMMAND_BYTES - 1));
    }
    queue.push_back(c);
  }
  std::optional<hv_workload_status> last;
  if (!saved.last_status().empty()) {
    hv_workload_status st;
    if (saved.last_status().size() != sizeof(st)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "workload saved state: last_status of %u bytes is not an hv_workload_status (%u)",
          saved.last_status().size(), sizeof(st)));
    }
    std::memcpy(&st, saved.last_status().data(), sizeof(st));
    if (st.type != HV_WORKLOAD_MSG_STATUS) {
      return absl::InvalidArgumentError(
          absl::StrFormat("workload saved state: last_status type %u is not a status", st.type));
    }
    last = st;
  }
  absl::MutexLock lock(&mu_);
  queue_ = std::move(queue);
  last_ = last;
  bad_packets_ = saved.bad_packets();
  return absl::OkStatus();
}

void WorkloadVsp::OnRestore(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
}

}  // namespace hv::worker
