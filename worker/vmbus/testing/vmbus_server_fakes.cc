#include "worker/vmbus/testing/vmbus_server_fakes.h"

namespace hv::worker::testing {

void FakePort::PostMessage(absl::Span<const uint8_t> m) {
  messages.emplace_back(m.begin(), m.end());
}

uint32_t FakePort::TypeAt(size_t i) const {
  uint32_t t = 0;
  std::memcpy(&t, messages.at(i).data(), std::min<size_t>(4, messages.at(i).size()));
  return t;
}

void RecordingDevice::OnOpen(PacketSink* s) {
  sink = s;
  ++opens;
}

void RecordingDevice::OnClose() {
  sink = nullptr;
  ++closes;
}

void RecordingDevice::OnRestore(PacketSink* s) {
  sink = s;
  ++restores;
}

absl::Status RecordingDevice::OnPacket(uint16_t, absl::Span<const uint8_t> p) {
  packets.emplace_back(p.begin(), p.end());
  if (!p.empty() && p[0] == 0xFF) return absl::InvalidArgumentError("device: poison packet");
  return absl::OkStatus();
}

}  // namespace hv::worker::testing
