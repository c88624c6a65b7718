#include "worker/devices/heartbeat/heartbeat_vsp.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "wire/vmbus.h"

namespace hv::worker {

std::string_view HeartbeatStateToString(HeartbeatState s) {
  switch (s) {
    case HeartbeatState::kOk: return "OK";
    case HeartbeatState::kNoContact: return "No Contact";
    case HeartbeatState::kLostCommunication: return "Lost Communication";
  }
  return "unknown";
}

HeartbeatVsp::HeartbeatVsp(const Clock* clock, EventLog* events, HeartbeatOptions options)
    : clock_(clock), events_(events), options_(options) {}

std::vector<uint8_t> HeartbeatVsp::BuildRequest(uint64_t seq) {
  vmbus_heartbeat_msg m = {};
  m.pipe.msgsize = sizeof(m) - sizeof(m.pipe);
  m.ic.icverframe = {3, 0};
  m.ic.icmsgtype = ICMSGTYPE_HEARTBEAT;
  m.ic.icvermsg = {3, 0};
  m.ic.icmsgsize = sizeof(m) - sizeof(m.pipe) - sizeof(m.ic);
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
  m.seq_num = seq;
  std::vector<uint8_t> b(sizeof(m));
  std::memcpy(b.data(), &m, sizeof(m));
  return b;
}

void HeartbeatVsp::SetState(HeartbeatState s, absl::Time now) {
  if (status_.state == s) return;
  events_->Add(now, "heartbeat",
               absl::StrFormat("heartbeat: %s -> %s", HeartbeatStateToString(status_.state),
                               HeartbeatStateToString(s)));
  status_.state = s;
}

void HeartbeatVsp::OnOpen(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  next_send_ = clock_->Now();
}

void HeartbeatVsp::OnClose() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
  SetState(contacted_ ? HeartbeatState::kLostCommunication : HeartbeatState::kNoContact,
           clock_->Now());
}

absl::Status HeartbeatVsp::OnPacket(uint16_t type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  vmbus_heartbeat_msg m;
  if (type != VM_PKT_DATA_INBAND || payload.size() < sizeof(m)) {
    ++status_.bad_messages;
    return absl::OkStatus();
  }
  std::memcpy(&m, payload.data(), sizeof(m));
  if (m.ic.icmsgtype != ICMSGTYPE_HEARTBEAT || (m.ic.icflags & ICMSGHDRFLAG_RESPONSE) == 0 ||
      m.seq_num != seq_ + 1) {
    ++status_.bad_messages;
    return absl::OkStatus();
  }
  const absl::Time now = clock_->Now();
  ++status_.responses;
  status_.last_response = now;
  contacted_ = true;
  SetState(HeartbeatState::kOk, now);
  return absl::OkStatus();
}

void HeartbeatVsp::Poll() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  if (contacted_ && now - status_.last_response > options_.lost_after) {
    SetState(HeartbeatState::kLostCommunication, now);
  }
  if (sink_ == nullptr || now < next_send_) return;
  next_send_ = now + options_.interval;
  const uint64_t seq = seq_ + 2;  // guest answers seq + 1; keep the two apart
  if (sink_->SendInband(BuildRequest(seq)).ok()) {
    seq_ = seq;
    ++status_.requests_sent;
  }
}

HeartbeatStatus HeartbeatVsp::Status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace hv::worker
