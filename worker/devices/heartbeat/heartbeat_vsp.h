// HeartbeatVsp: the host side of the heartbeat integration service, offered
// under class 57164f39-9115-4e78-ab55-382f3bd5422d. On every channel open the
// host first negotiates versions: it sends ICMSGTYPE_NEGOTIATE listing its
// framework and heartbeat message versions (every `interval` until answered);
// the guest answers with one of each, or HV_IC_E_FAIL when it supports none
// (then the host stops asking and records an event). After that, every
// `interval` the host sends an ICMSGTYPE_HEARTBEAT request, in the negotiated
// versions, with a sequence number; the guest answers with sequence + 1 and
// the RESPONSE flag (framing: wire/vmbus.h, Linux hv_utils layout). Answers
// naming versions the host did not offer, heartbeats before negotiation and
// unsolicited negotiate answers are bad messages (counted, dropped).
// The state follows Msvm_HeartbeatComponent:
//   kNoContact          - the guest has never answered (no IC in the guest);
//   kOk                 - answers arrive within `lost_after`;
//   kLostCommunication  - the guest answered before but has stopped, or closed
//                         the channel.
//
// Threading: OnOpen/OnClose/OnPacket/Poll on the VMBus driving thread;
// Status from any thread.
#ifndef HV_WORKER_DEVICES_HEARTBEAT_HEARTBEAT_VSP_H_
#define HV_WORKER_DEVICES_HEARTBEAT_HEARTBEAT_VSP_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hv/worker/v1/worker.pb.h"
#include "worker/vmbus/clock.h"
#include "worker/vmbus/event_log.h"
#include "worker/vmbus/vmbus_device.h"
#include "wire/vmbus.h"

namespace hv::worker {

// Numbers match hv.worker.v1.HeartbeatState.
enum class HeartbeatState { kOk = 2, kNoContact = 12, kLostCommunication = 13 };
std::string_view HeartbeatStateToString(HeartbeatState s);  // "OK", "No Contact", ...

struct HeartbeatOptions {
  // Time between heartbeat requests (default 1 s).
  absl::Duration interval = absl::Seconds(1);
  // No answer for this long after contact => lost communication (default 5 s).
  absl::Duration lost_after = absl::Seconds(5);
  // Versions offered in ICMSGTYPE_NEGOTIATE, most preferred first; past the
  // first 4 of each are ignored (default: framework 3.0, 1.0; heartbeat
  // message 3.0, 1.0, the versions Linux hv_utils knows).
  std::vector<vmbus_ic_version> framework_versions = {{3, 0}, {1, 0}};
  std::vector<vmbus_ic_version> message_versions = {{3, 0}, {1, 0}};
};

struct HeartbeatStatus {
  HeartbeatState state = HeartbeatState::kNoContact;
  uint64_t requests_sent = 0;
  uint64_t responses = 0;
  uint64_t bad_messages = 0;  // malformed, wrong sequence or version, unsolicited
  uint64_t negotiations_sent = 0;
  bool negotiated = false;         // versions agreed on the current channel
  bool negotiation_refused = false;  // the guest supports none of the versions
  vmbus_ic_version framework_version = {0, 0};  // negotiated (0.0 before)
  vmbus_ic_version message_version = {0, 0};
  absl::Time last_response = absl::InfinitePast();
};

class HeartbeatVsp : public VmbusDevice {
 public:
  HeartbeatVsp(const Clock* clock, EventLog* events, HeartbeatOptions options = {});

  void OnOpen(PacketSink* sink) override;
  void OnClose() override;
  // Malformed messages are counted and dropped; never fails.
  absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> payload) override;
  // Sends the next request when due and ages the state. Returns when it next
  // has something to do: the next request, or the moment contact counts as
  // lost (absl::InfiniteFuture() while closed or refused).
  absl::Time Poll();
  HeartbeatStatus Status() const;

  // Save/restore (Quick Migration): state, counters and the sequence
  // number, so the guest's answer to a request sent before the save still
  // matches. Restore (before OnRestore) counts the last response as now: the
  // guest did not run meanwhile and gets a full lost_after to answer again.
  // InvalidArgument naming the field for an illegal state or a state that
  // contradicts `contacted`; unchanged then.
  hv::worker::v1::HeartbeatVspState Save() const;
  absl::Status Restore(const hv::worker::v1::HeartbeatVspState& saved);
  void OnRestore(PacketSink* sink) override;

  // Builds the host heartbeat request carrying `seq` in the given versions
  // (exposed for tests).
  static std::vector<uint8_t> BuildRequest(uint64_t seq, vmbus_ic_version framework = {3, 0},
                                           vmbus_ic_version message = {3, 0});
  // Builds the ICMSGTYPE_NEGOTIATE request for `options` (exposed for tests).
  static std::vector<uint8_t> BuildNegotiateRequest(const HeartbeatOptions& options);

 private:
  void SetState(HeartbeatState s, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Handles the guest's answer to ICMSGTYPE_NEGOTIATE (payload >= the IC
  // headers); malformed or unsolicited answers count as bad messages.
  void OnNegotiateResponse(absl::Span<const uint8_t> payload, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* const clock_;
  EventLog* const events_;
  const HeartbeatOptions options_;
  mutable absl::Mutex mu_;
  PacketSink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  HeartbeatStatus status_ ABSL_GUARDED_BY(mu_);
  bool contacted_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t seq_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_send_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_HEARTBEAT_HEARTBEAT_VSP_H_
