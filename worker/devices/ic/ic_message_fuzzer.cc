// libFuzzer target: a hostile guest on the heartbeat and shutdown IC
// channels. The input is a script; every packet goes through the VSP's
// OnPacket (IC header, negotiation and message parsing) with a fake clock.
//
// Script: byte 0 bit0 = shutdown VSP (else heartbeat). Then records
// {op u8, len u8, payload[len]}, op % 5:
//   0: deliver payload as an in-band packet;
//   1: deliver payload as packet type op >> 3 (not in-band unless it is);
//   2: advance the clock by payload[0] * 100 ms and Poll;
//   3: answer the last packet the host sent, as the guest would: the same
//      bytes with the response flag, status (payload[0] odd = HV_IC_E_FAIL),
//      versions payload[1..4], then payload[6..] written at offset
//      payload[5] (a valid answer, mutated) - this reaches the negotiated
//      states without a seed for every version;
//   4: shutdown: RequestShutdown(payload[0]), or (payload[1] odd, no
//      request pending) Save and Restore into a fresh VSP, which must accept
//      its own state;
//      heartbeat: close and reopen the channel.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "wire/vmbus.h"
#include "worker/devices/heartbeat/heartbeat_vsp.h"
#include "worker/devices/shutdown/shutdown_vsp.h"

namespace {

using namespace hv::worker;

class RecordingSink : public PacketSink {
 public:
  absl::Status SendInband(absl::Span<const uint8_t> p) override {
    if (++n % 11 == 0) return absl::ResourceExhaustedError("ring full");
    last.assign(p.begin(), p.end());
    return absl::OkStatus();
  }
  uint64_t n = 0;
  std::vector<uint8_t> last;
};

// The last host packet turned into a guest answer (see op 3 above).
std::vector<uint8_t> Answer(const std::vector<uint8_t>& sent, const uint8_t* p, size_t len) {
  std::vector<uint8_t> out = sent;
  const size_t ic_at = sizeof(vmbus_pipe_hdr);
  if (out.size() >= ic_at + sizeof(vmbus_icmsg_hdr)) {
    vmbus_icmsg_hdr ic;
    std::memcpy(&ic, out.data() + ic_at, sizeof(ic));
    ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
    ic.status = len > 0 && (p[0] & 1) ? HV_IC_E_FAIL : HV_IC_S_OK;
    std::memcpy(out.data() + ic_at, &ic, sizeof(ic));
  }
  if (out.size() >= sizeof(vmbus_ic_negotiate_msg) && len >= 5) {
    vmbus_ic_negotiate_msg m;
    std::memcpy(&m, out.data(), sizeof(m));
    m.negotiate.icframe_vercnt = 1;
    m.negotiate.icmsg_vercnt = 1;
    m.versions[0] = {p[1], p[2]};
    m.versions[1] = {p[3], p[4]};
    std::memcpy(out.data(), &m, sizeof(m));
  }
  if (len > 6 && !out.empty()) {
    const size_t at = p[5] % out.size();
    std::memcpy(out.data() + at, p + 6, std::min(len - 6, out.size() - at));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool shutdown = data[0] & 1;
  FakeClock clock;
  EventLog events(16);
  RecordingSink sink;
  HeartbeatVsp heartbeat(&clock, &events);
  ShutdownVsp sd(&clock, &events);
  VmbusDevice& dev = shutdown ? static_cast<VmbusDevice&>(sd) : heartbeat;
  auto poll = [&] { shutdown ? sd.Poll() : heartbeat.Poll(); };
  dev.OnOpen(&sink);
  poll();
  size_t i = 1;
  while (i + 2 <= size) {
    const uint8_t op = data[i];
    const size_t len = std::min<size_t>(data[i + 1], size - i - 2);
    const uint8_t* p = data + i + 2;
    i += 2 + len;
    switch (op % 5) {
      case 0:
        dev.OnPacket(VM_PKT_DATA_INBAND, absl::MakeConstSpan(p, len)).IgnoreError();
        break;
      case 1:
        dev.OnPacket(op >> 3, absl::MakeConstSpan(p, len)).IgnoreError();
        break;
      case 2:
        clock.Advance(absl::Milliseconds(100) * (len > 0 ? p[0] : 1));
        poll();
        break;
      case 3:
        dev.OnPacket(VM_PKT_DATA_INBAND, Answer(sink.last, p, len)).IgnoreError();
        break;
      case 4:
        if (!shutdown) {
          dev.OnClose();
          dev.OnOpen(&sink);
        } else if (len > 1 && (p[1] & 1) && !sd.Status().request_pending) {
          // A VSP must always take back the state it saved itself (a save
          // never happens with a request pending: both are control calls).
          ShutdownVsp fresh(&clock, &events);
          if (!fresh.Restore(sd.Save()).ok()) std::abort();
        } else {
          sd.RequestShutdown(len > 0 ? p[0] : 0, 0, "fuzz").IgnoreError();
        }
        break;
    }
  }
  return 0;
}
