// libFuzzer target: a hostile guest driving the DM VSP. The input is a script
// of operations; every packet goes through ParseDmGuestMessage and the VSP
// state machine, with a fake clock and memory, after an optional valid
// handshake so the fuzzer reaches the balloon/unballoon/hot-add states.
//
// Script: byte 0 bit0 = do the handshake, bit1 = set a low target, bit2 =
// set a high target. Then records {op u8, len u8, payload[len]}:
//   op%4 == 0: deliver payload as an in-band packet; 1: deliver as another
//   packet type; 2: advance the clock by payload[0] * 100 ms and Poll;
//   3: SetTargetPages(payload as u32 * 64).
#include <cstdint>
#include <cstring>
#include <vector>

#include "wire/dynmem.h"
#include "wire/vmbus.h"
#include "worker/devices/dynmem/dm_message.h"
#include "worker/devices/dynmem/dm_vsp.h"

namespace {

using namespace hv::worker;

class NullSink : public PacketSink {
 public:
  absl::Status SendInband(absl::Span<const uint8_t> p) override {
    return ++n % 7 == 0 ? absl::ResourceExhaustedError("full") : absl::OkStatus();
  }
  uint64_t n = 0;
};

class NullMemory : public DmMemoryControl {
 public:
  absl::Status ReleasePages(uint64_t, uint64_t) override { return absl::OkStatus(); }
  absl::Status RestorePages(uint64_t, uint64_t) override { return absl::OkStatus(); }
  absl::Status AddMemory(uint64_t, uint64_t) override { return absl::OkStatus(); }
};

template <typename T>
void Deliver(DmVsp& vsp, const T& m) {
  vsp.OnPacket(VM_PKT_DATA_INBAND,
               absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&m), sizeof(m)))
      .IgnoreError();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ParseDmGuestMessage(absl::MakeConstSpan(data, size));
  if (size == 0) return 0;
  FakeClock clock;
  EventLog events(16);
  NullMemory memory;
  NullSink sink;
  DmVspOptions options;
  options.startup_pages = 64 * 256;
  options.maximum_pages = 1024 * 256;
  options.max_misbehaviour_messages = 1u << 20;
  options.max_status_reports_per_second = 1u << 20;
  DmVsp vsp(&memory, &clock, &events, options);
  vsp.OnOpen(&sink);
  const uint8_t flags = data[0];
  if (flags & 1) {
    Deliver(vsp, dm_version_request{{DM_VERSION_REQUEST, 16, 1}, DYNMEM_PROTOCOL_VERSION_3, 0});
    Deliver(vsp, dm_capabilities{{DM_CAPABILITIES_REPORT, 32, 2},
                                 DM_CAP_BALLOON | DM_CAP_HOT_ADD | (7ull << 2), 0, ~0ull});
    clock.Advance(absl::Seconds(1));
  }
  if (flags & 2) vsp.SetTargetPages(32 * 256).IgnoreError();
  if (flags & 4) vsp.SetTargetPages(512 * 256).IgnoreError();
  vsp.Poll();
  size_t i = 1;
  while (i + 2 <= size) {
    const uint8_t op = data[i], len = data[i + 1];
    i += 2;
    const size_t n = std::min<size_t>(len, size - i);
    const auto payload = absl::MakeConstSpan(data + i, n);
    i += n;
    switch (op % 4) {
      case 0: vsp.OnPacket(VM_PKT_DATA_INBAND, payload).IgnoreError(); break;
      case 1: vsp.OnPacket(op >> 4, payload).IgnoreError(); break;
      case 2:
        clock.Advance(absl::Milliseconds(100) * (n > 0 ? payload[0] : 1));
        vsp.Poll();
        break;
      case 3: {
        uint32_t v = 0;
        std::memcpy(&v, payload.data(), std::min<size_t>(n, 4));
        vsp.SetTargetPages(uint64_t{v} * 64).IgnoreError();
        vsp.Poll();
        break;
      }
    }
  }
  // Invariants a hostile guest must never break.
  const DmVspStatus st = vsp.Status();
  if (st.assigned_pages > st.visible_pages || st.visible_pages > options.maximum_pages) {
    __builtin_trap();
  }
  return 0;
}
