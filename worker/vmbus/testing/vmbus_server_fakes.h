// Doubles for the VmbusServer tests: the guest RAM window and device ids the
// tests use, a host port that records the channel messages posted to the
// guest, and a device that records what the server hands it. None is
// thread-safe; the tests drive the server from one thread.
#ifndef HV_WORKER_VMBUS_TESTING_VMBUS_SERVER_FAKES_H_
#define HV_WORKER_VMBUS_TESTING_VMBUS_SERVER_FAKES_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "wire/vmbus.h"
#include "worker/vmbus/vmbus_device.h"
#include "worker/vmbus/vmbus_server.h"

namespace hv::worker::testing {

// Guest RAM of the tests: 64 pages at 1 MiB.
inline constexpr uint64_t kRamBase = 0x100000;
inline constexpr uint64_t kRamBytes = 64 * VMBUS_PAGE_BYTES;

// The class and instance GUIDs the test device is offered under.
inline constexpr vmbus_guid kClass = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
inline constexpr vmbus_guid kInstance = {{0xA}};

class FakePort : public VmbusHostPort {
 public:
  void PostMessage(absl::Span<const uint8_t> m) override;
  void SignalGuest(uint32_t relid) override { ++signals; }
  // The msgtype of the i-th message posted.
  uint32_t TypeAt(size_t i) const;
  // The i-th message as a T (zero-filled beyond the message).
  template <typename T>
  T As(size_t i) const {
    T v = {};
    std::memcpy(&v, messages.at(i).data(), std::min(sizeof(T), messages.at(i).size()));
    return v;
  }

  std::vector<std::vector<uint8_t>> messages;
  int signals = 0;
};

// Keeps the sink of the open channel and every packet; a packet starting
// with 0xFF is refused (kInvalidArgument), as a device refuses a poison
// packet.
class RecordingDevice : public VmbusDevice {
 public:
  void OnOpen(PacketSink* s) override;
  void OnClose() override;
  void OnRestore(PacketSink* s) override;
  absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> p) override;

  PacketSink* sink = nullptr;
  int opens = 0, closes = 0, restores = 0;
  std::vector<std::vector<uint8_t>> packets;
};

}  // namespace hv::worker::testing

#endif  // HV_WORKER_VMBUS_TESTING_VMBUS_SERVER_FAKES_H_
