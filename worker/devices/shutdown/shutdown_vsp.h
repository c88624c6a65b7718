// ShutdownVsp: the host side of the Shutdown integration service, offered
// under class 0e0b6031-5213-4934-818b-38d90ced39db (wire/vmbus.h). On every
// channel open (a restore keeps a saved negotiation: see OnRestore) the host
// negotiates versions with the shared IC negotiation (worker/devices/ic/ic_negotiation.h), repeating the
// request every `negotiate_interval` until answered. Once negotiated,
// RequestShutdown sends one ICMSGTYPE_SHUTDOWN request; the guest answers
// with ICMSGHDRFLAG_RESPONSE and status HV_IC_S_OK (it is shutting down) or a
// failure status (it refuses). Answers that are short, not responses, of
// another type, unsolicited or in the wrong state are bad messages (counted,
// dropped, an event). The VSP never powers anything off itself: the caller
// (VirtualMachine::Shutdown) waits for the guest to power off.
//
// Threading: OnOpen/OnClose/OnPacket/Poll on the VMBus driving thread;
// RequestShutdown, WaitForAnswer and Status from any thread.
#ifndef HV_WORKER_DEVICES_SHUTDOWN_SHUTDOWN_VSP_H_
#define HV_WORKER_DEVICES_SHUTDOWN_SHUTDOWN_VSP_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "worker/vmbus/clock.h"
#include "worker/vmbus/event_log.h"
#include "worker/vmbus/vmbus_device.h"
#include "wire/vmbus.h"

namespace hv::worker {

struct ShutdownOptions {
  // Time between negotiate requests until the guest answers (default 1 s).
  absl::Duration negotiate_interval = absl::Seconds(1);
  // Versions offered in ICMSGTYPE_NEGOTIATE, most preferred first (default:
  // framework 3.0, 1.0; shutdown message 3.2, 3.1, 3.0, 1.0 as Linux
  // hv_util.c sd_versions).
  std::vector<vmbus_ic_version> framework_versions = {{3, 0}, {1, 0}};
  std::vector<vmbus_ic_version> message_versions = {{3, 2}, {3, 1}, {3, 0}, {1, 0}};
};

// Counters and negotiation state; every event is counted.
struct ShutdownStatus {
  bool open = false;                 // the guest opened the channel
  bool negotiated = false;           // versions agreed on the current channel
  bool negotiation_refused = false;  // the guest supports none of the versions
  vmbus_ic_version framework_version = {0, 0};
  vmbus_ic_version message_version = {0, 0};
  uint64_t opens = 0;
  uint64_t closes = 0;
  uint64_t negotiations_sent = 0;
  uint64_t requests_sent = 0;
  uint64_t responses = 0;       // answers to a shutdown request
  uint64_t accepted = 0;        // ... with HV_IC_S_OK
  uint64_t refused = 0;         // ... with a failure status
  uint64_t bad_messages = 0;    // malformed, unsolicited, wrong type or state
  bool request_pending = false;  // a request awaits its answer
  std::optional<uint32_t> last_answer_status;  // icmsg status of the last answer
};

// What ShutdownVsp::Save keeps across a Quick Migration: the negotiation on
// the open channel and every counter (worker/saved_state_sections.h puts it
// in the state file). No request is ever pending at a save (Shutdown and
// Save are both control operations, serialised by the VM), so none is kept.
struct ShutdownSavedState {
  bool negotiated = false;
  bool negotiation_refused = false;
  vmbus_ic_version framework_version = {0, 0};  // 0.0 unless negotiated
  vmbus_ic_version message_version = {0, 0};
  uint64_t opens = 0;
  uint64_t closes = 0;
  uint64_t negotiations_sent = 0;
  uint64_t requests_sent = 0;
  uint64_t responses = 0;
  uint64_t accepted = 0;
  uint64_t refused = 0;
  uint64_t bad_messages = 0;
};

class ShutdownVsp : public VmbusDevice {
 public:
  ShutdownVsp(const Clock* clock, EventLog* events, ShutdownOptions options = {});

  void OnOpen(PacketSink* sink) override;
  void OnClose() override;
  // Reattaches the channel the VMBus restore reopened. After Restore the
  // saved negotiation stands (a negotiated channel is not renegotiated; one
  // still negotiating asks again at once, and the guest answers a repeated
  // request, as Linux hv_utils does). Without Restore (a state file from
  // before the shutdown section) it is a fresh open: negotiation from scratch.
  void OnRestore(PacketSink* sink) override;
  // Malformed messages are counted and dropped; never fails.
  absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> payload) override;
  // Sends the negotiate request when due. Returns when the next one is due
  // (absl::InfiniteFuture() once negotiated or refused, or while closed).
  absl::Time Poll();

  // True when the channel is open and negotiated (a request can be sent).
  bool ready() const;
  // Sends ICMSGTYPE_SHUTDOWN with `flags` (HV_SHUTDOWN_FLAG_*), `reason_code`
  // and `message` (truncated to fit, NUL-terminated). FailedPrecondition when
  // the channel is not open/negotiated or a request is already pending; the
  // sink's error when sending fails.
  absl::Status RequestShutdown(uint32_t flags, uint32_t reason_code, std::string_view message);
  // Waits up to `timeout` for the answer to the pending request; returns the
  // guest's icmsg status, or nullopt when no answer came (or the channel
  // closed meanwhile).
  std::optional<uint32_t> WaitForAnswer(absl::Duration timeout);
  ShutdownStatus Status() const;

  // Save/restore (Quick Migration; shutdown_vsp_saved_state.cc). Save with
  // the VMBus poll thread paused. Restore, before the VMBus restore calls
  // OnRestore, validates every field (versions this host offers, counts that
  // add up) and fails with InvalidArgument naming the field, unchanged then.
  // CheckRestoredChannel, after the VMBus restore: InvalidArgument when the
  // saved negotiation has no reopened channel to stand on.
  ShutdownSavedState Save() const;
  absl::Status Restore(const ShutdownSavedState& saved);
  absl::Status CheckRestoredChannel() const;

  // Builds the shutdown request in the given versions (exposed for tests).
  static std::vector<uint8_t> BuildRequest(uint32_t flags, uint32_t reason_code,
                                           std::string_view message,
                                           vmbus_ic_version framework = {3, 0},
                                           vmbus_ic_version message_version = {3, 0});

 private:
  void OnNegotiateResponse(absl::Span<const uint8_t> payload, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Bad(absl::Time now, std::string_view why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* const clock_;
  EventLog* const events_;
  const ShutdownOptions options_;
  mutable absl::Mutex mu_;
  PacketSink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  ShutdownStatus status_ ABSL_GUARDED_BY(mu_);
  absl::Time next_negotiate_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool restored_ ABSL_GUARDED_BY(mu_) = false;  // Restore ran (OnRestore keeps it)
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_SHUTDOWN_SHUTDOWN_VSP_H_
