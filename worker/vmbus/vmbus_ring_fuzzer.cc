// libFuzzer target: a hostile guest's ring and channel messages. Input byte 0
// selects the mode:
//   even: the rest of the input becomes the bytes of a 4-page ring (header +
//         3 data pages, repeated to fill) which the host reads until empty or
//         error, then writes to;
//   odd:  the rest is a sequence of {len u8, bytes[len]} channel messages
//         posted to a VmbusServer with one device, and the server polls its
//         channels after each (rings inside the fuzzed GPADLs).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "wire/tlfs.h"
#include "wire/vmbus.h"
#include "worker/vmbus/ring.h"
#include "worker/vmbus/vmbus_server.h"

namespace {

using namespace hv::worker;

constexpr uint64_t kBase = 0x100000;

class NullPort : public VmbusHostPort {
 public:
  void PostMessage(absl::Span<const uint8_t>) override {}
  void SignalGuest(uint32_t) override {}
};

class EchoDevice : public VmbusDevice {
 public:
  void OnOpen(PacketSink* s) override { sink = s; }
  void OnClose() override { sink = nullptr; }
  absl::Status OnPacket(uint16_t, absl::Span<const uint8_t> p) override {
    if (sink) sink->SendInband(p.first(std::min<size_t>(p.size(), 64))).IgnoreError();
    return p.size() % 5 == 0 ? absl::InvalidArgumentError("reject") : absl::OkStatus();
  }
  PacketSink* sink = nullptr;
};

// Fills [kBase, kBase+bytes) with the input repeated.
void Fill(BufferGuestRam& ram, size_t bytes, const uint8_t* data, size_t size) {
  if (size == 0) return;
  for (size_t off = 0; off < bytes; off += size) {
    std::memcpy(ram.At(kBase + off), data, std::min(size, bytes - off));
  }
}

void FuzzRing(const uint8_t* data, size_t size) {
  BufferGuestRam ram(kBase, 4 * 4096);
  Fill(ram, 4 * 4096, data, size);
  auto ring = Ring::Create(&ram, {kBase, kBase + 4096, kBase + 2 * 4096, kBase + 3 * 4096});
  if (!ring.ok()) __builtin_trap();
  for (int i = 0; i < 64; ++i) {
    auto p = ring->Read(8192);
    if (!p.ok() || !p->has_value()) break;
  }
  const uint8_t payload[24] = {1, 2, 3};
  for (int i = 0; i < 8; ++i) {
    if (!ring->Write(VM_PKT_DATA_INBAND, 0, i, absl::MakeConstSpan(payload, i * 3)).ok()) break;
  }
}

void FuzzServer(const uint8_t* data, size_t size) {
  BufferGuestRam ram(kBase, 16 * 4096);
  Fill(ram, 16 * 4096, data, size);
  NullPort port;
  EventLog events(8);
  FakeClock clock;
  VmbusServerOptions options;
  options.max_gpadl_pages = 32;
  options.packets_per_pass = 4;
  EchoDevice device;  // must outlive the server, which closes open channels on destruction
  VmbusServer server(&ram, &port, &events, &clock, options);
  vmbus_guid g = {};
  if (!server.AddDevice(g, g, &device).ok()) __builtin_trap();
  // Connect first so the fuzzer spends its time past the handshake.
  vmbus_channel_initiate_contact c = {};
  c.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
  c.vmbus_version_requested = VMBUS_VERSION_WIN10;
  server.OnPostMessage(1, 1, absl::MakeConstSpan(reinterpret_cast<uint8_t*>(&c), sizeof(c)));
  size_t i = 0;
  for (int budget = 0; i < size && budget < 64; ++budget) {
    const size_t len = std::min<size_t>(data[i], size - i - 1);
    std::vector<uint8_t> msg(data + i + 1, data + i + 1 + len);
    i += 1 + len;
    // Keep PFNs inside the small RAM often enough to open channels.
    if (msg.size() >= 4) {
      uint32_t type;
      std::memcpy(&type, msg.data(), 4);
      type %= CHANNELMSG_COUNT;
      std::memcpy(msg.data(), &type, 4);
    }
    server.OnPostMessage(1, 1, msg);
    server.OnSignalEvent(server.ConnectionIdFor(1));
    server.PollChannels();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) {
    FuzzRing(data + 1, size - 1);
  } else {
    FuzzServer(data + 1, size - 1);
  }
  return 0;
}
