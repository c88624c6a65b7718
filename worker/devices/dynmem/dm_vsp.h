// DmVsp: the host side of the Hyper-V Dynamic Memory protocol (hyperv.md §1),
// a VMBus device offered under class 525074DC-8985-46e2-8057-A307DC18A502.
//
// Protocol: the guest offers versions 2.0, 1.0, 0.3 (the VSP accepts a
// configurable set), reports capabilities (balloon, hot-add, alignment) and
// sends STATUS_REPORTs; the host answers with VERSION/CAPABILITIES responses
// and INFO_MESSAGE (max page count), then moves the guest's assigned memory
// toward the target set with SetTarget: BALLOON_REQUEST (guest returns pages,
// possibly over several responses with more_pages), UNBALLOON_REQUEST (host
// returns ballooned pages) or MEM_HOT_ADD_REQUEST (new memory above the top).
// At most one host transaction is outstanding, each with a timeout; a guest
// that lets one time out is marked unresponsive and left alone.
//
// Applying results: balloon -> DmMemoryControl::ReleasePages for every valid
// returned range; unballoon -> RestorePages before the request is sent;
// hot-add -> AddMemory before the request is sent.
//
// Hostile guest: malformed messages, unsolicited responses, ranges outside
// guest RAM, in the host-reserved low area or over already-ballooned pages
// are dropped, counted and recorded as events; past
// `max_misbehaviour_messages` the VSP asks the server to close the channel.
//
// Threading: OnOpen/OnClose/OnPacket/Poll run on the VMBus driving thread;
// SetTarget*, Status and counters are safe from any thread.
#ifndef HV_WORKER_DEVICES_DYNMEM_DM_VSP_H_
#define HV_WORKER_DEVICES_DYNMEM_DM_VSP_H_

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hv/worker/v1/worker.pb.h"
#include "wire/boot_info.h"
#include "wire/dynmem.h"
#include "worker/devices/dynmem/dm_memory_control.h"
#include "worker/devices/dynmem/dm_message.h"
#include "worker/devices/dynmem/page_range_set.h"
#include "worker/vmbus/clock.h"
#include "worker/vmbus/event_log.h"
#include "worker/vmbus/vmbus_device.h"

namespace hv::worker {

// DM integration-service state; numbers match hv.worker.v1.DynamicMemoryState.
enum class DmState {
  kNotActive = 2,     // no DM VSC opened the channel, or every version refused
  kNegotiating = 3,   // channel open, version/capabilities not yet agreed
  kActive = 4,
  kUnresponsive = 5,  // a transaction timed out; no further requests
};
// "Dynamic Memory not active", "negotiating", "active", "unresponsive".
std::string_view DmStateToString(DmState s);

enum class DmTransaction { kNone, kBalloon, kUnballoon, kHotAdd };
std::string_view DmTransactionToString(DmTransaction t);

struct DmVspOptions {
  // Versions accepted (default all three: 2.0, 1.0, 0.3).
  std::vector<uint32_t> accepted_versions = {DYNMEM_PROTOCOL_VERSION_3, DYNMEM_PROTOCOL_VERSION_2,
                                             DYNMEM_PROTOCOL_VERSION_1};
  // Pages of RAM at boot (required) and the hot-add ceiling (>= startup).
  uint64_t startup_pages = 0;
  uint64_t maximum_pages = 0;
  // Pages below this frame are host-reserved (page tables, boot info, image);
  // default: everything below HV_BOOT_IMAGE_GPA.
  uint64_t reserved_below_pfn = HV_BOOT_IMAGE_GPA / 4096;
  // Delay after capabilities before the first host request. QEMU and
  // Hyper-V wait ~50 s for Windows guests; our guest is ready at once.
  absl::Duration first_request_delay = absl::Milliseconds(100);
  // A host transaction not completed within this time marks the guest
  // unresponsive (default 10 s; the Linux guest answers within ms).
  absl::Duration transaction_timeout = absl::Seconds(10);
  // Retry delay after a transient hot-add failure (result 0).
  absl::Duration hot_add_retry_delay = absl::Seconds(5);
  // Largest BALLOON_REQUEST (QEMU's limit; Windows ignores larger asks).
  uint32_t max_balloon_pages_per_request = 585728;
  // Ranges per UNBALLOON_REQUEST message (<= 510) and pages per range.
  uint32_t unballoon_ranges_per_message = 510;
  uint64_t unballoon_max_range_pages = DM_RANGE_MAX_PAGES;
  // Send the 24-byte MEM_HOT_ADD_REQUEST (range + region) instead of 16.
  bool hot_add_with_region = true;
  // Largest hot-add per request (QEMU: 2 GiB).
  uint64_t max_hot_add_pages = 524288;
  // Differences below this are not worth a transaction (default 1 MiB).
  uint64_t deadband_pages = 256;
  // Guest protocol violations tolerated before the channel is closed.
  uint32_t max_misbehaviour_messages = 64;
  // STATUS_REPORTs accepted per second; more are dropped as a flood.
  uint32_t max_status_reports_per_second = 20;
  // Called after each accepted STATUS_REPORT, on the channel's thread with the
  // VSP mid-packet: keep it to a non-blocking notification (it must not call
  // back into the VSP). Default none.
  std::function<void()> on_status_report;
};

struct DmVspStatus {
  DmState state = DmState::kNotActive;
  uint32_t protocol_version = 0;
  bool balloon_capable = false;
  bool hot_add_capable = false;
  bool hot_add_disabled = false;   // guest reported a permanent hot-add failure
  bool at_floor = false;           // last balloon returned no pages
  uint64_t hot_add_alignment_pages = 0;
  DmTransaction outstanding = DmTransaction::kNone;
  uint64_t startup_pages = 0;
  uint64_t maximum_pages = 0;
  uint64_t visible_pages = 0;      // startup + hot-added (Guest Visible Physical Memory)
  uint64_t ballooned_pages = 0;
  uint64_t assigned_pages = 0;     // visible - ballooned (Physical Memory)
  uint64_t target_pages = 0;       // 0: no target set
  // The guest's demand: its STATUS_REPORT num_committed less the pages it
  // still counts ballooned (a Linux-style guest counts those as committed).
  // Pressure is demand / assigned.
  uint64_t guest_committed_pages = 0;
  uint64_t guest_reported_committed_pages = 0;  // num_committed as reported
  uint64_t guest_available_pages = 0;
  uint64_t status_reports = 0;
  uint64_t added_pages_total = 0;  // unballooned + hot-added
  uint64_t removed_pages_total = 0;  // ballooned
  uint64_t add_operations = 0;
  uint64_t remove_operations = 0;
  uint32_t pressure_current = 0;   // demand (guest_committed_pages) / assigned x 100
  uint32_t pressure_minimum = 0;
  uint32_t pressure_maximum = 0;
  uint32_t pressure_average = 0;
};

struct DmVspCounters {
  uint64_t packets = 0;
  uint64_t malformed = 0;          // parse failures, non-inband packets
  uint64_t unexpected = 0;         // valid message not allowed in this state
  uint64_t bad_ranges = 0;         // balloon ranges refused (outside RAM, reserved, overlap)
  uint64_t flood_dropped = 0;
  // STATUS_REPORTs that arrived while a host transaction was outstanding.
  uint64_t status_reports_during_transaction = 0;
  uint64_t timeouts = 0;
  uint64_t send_failures = 0;
  uint64_t memory_failures = 0;    // DmMemoryControl errors
  uint64_t versions_refused = 0;
  uint64_t balloon_requests = 0;
  uint64_t balloon_responses = 0;
  uint64_t unballoon_requests = 0;
  uint64_t hot_add_requests = 0;
  uint64_t hot_add_failures = 0;
  uint64_t channel_opens = 0;
};

class DmVsp : public VmbusDevice {
 public:
  // `memory`, `clock`, `events` must outlive the VSP.
  DmVsp(DmMemoryControl* memory, const Clock* clock, EventLog* events, DmVspOptions options);

  void OnOpen(PacketSink* sink) override;
  void OnClose() override;
  // Never fails for a single bad message; fails (closing the channel) once
  // the guest exceeds max_misbehaviour_messages violations.
  absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> payload) override;

  // Sets the assigned-memory target; Poll moves toward it. kOutOfRange above
  // maximum_pages or below reserved_below_pfn + 1 MiB.
  absl::Status SetTargetPages(uint64_t pages);
  absl::Status SetTargetMib(uint64_t mib) { return SetTargetPages(mib * 256); }

  // Times out the outstanding transaction and starts the next one when due.
  // Call after OnPacket and SetTargetPages, and by the returned time: the
  // outstanding transaction's deadline, the first request's delay or a hot-add
  // retry (absl::InfiniteFuture() if nothing is timed).
  absl::Time Poll();

  // Maps back every ballooned page and forgets the balloon (for a guest
  // reset: a rebooted guest owns all of its startup memory again). Cancels an
  // outstanding transaction. Returns the first memory error, after trying
  // every range. Call on the driving thread.
  absl::Status RestoreAllBallooned();

  DmVspStatus Status() const;
  DmVspCounters counters() const;

  // Save/restore (Quick Migration; dm_vsp_saved_state.cc). Save: the
  // negotiated protocol, capabilities, memory accounting (ballooned ranges,
  // hot-added blocks, the mapped top) and the transaction in flight. Call
  // with the driving thread paused. Thread-safe.
  hv::worker::v1::DynamicMemoryVspState Save() const;
  // Restores `saved` into a VSP built with the same startup/maximum pages,
  // before the channel is reattached (OnRestore). The partition's memory is
  // restored separately (ballooned ranges stay unmapped); this does not
  // touch DmMemoryControl. InvalidArgument naming the field for anything
  // illegal (state, version, ranges outside RAM or overlapping, counts that
  // do not add up); the VSP is unchanged then.
  absl::Status Restore(const hv::worker::v1::DynamicMemoryVspState& saved);
  // Reattaches the channel of a restored VSP without renegotiating.
  void OnRestore(PacketSink* sink) override;

 private:
  // Poll's work: a timeout, or the next transaction when due.
  void PollLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  struct Outstanding {
    DmTransaction kind = DmTransaction::kNone;
    absl::Time deadline;
    uint64_t pages = 0;       // requested (balloon/hot-add) or restored (unballoon)
    uint64_t received = 0;    // balloon: valid pages returned so far
    PageRange hot_add;        // the block being hot-added
  };

  absl::Status Misbehaved(const std::string& why) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Event(const std::string& what) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Send(const std::vector<uint8_t>& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Unexpected(uint16_t type) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnVersion(const DmVersionRequest& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnCaps(const DmCapabilitiesReport& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnStatus(const DmStatusReport& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnBalloon(const DmBalloonResponse& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnUnballoon(const DmUnballoonResponse& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OnHotAdd(const DmHotAddResponse& m) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Why a returned balloon range is refused, or empty if it is acceptable.
  std::string CheckBalloonRange(const PageRange& r) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartBalloon(uint64_t pages) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartUnballoon(uint64_t pages) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartHotAdd(uint64_t pages) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Complete() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t TopPfn() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t Assigned() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  DmMemoryControl* const memory_;
  const Clock* const clock_;
  EventLog* const events_;
  const DmVspOptions options_;

  mutable absl::Mutex mu_;
  PacketSink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  DmVspStatus status_ ABSL_GUARDED_BY(mu_);
  DmVspCounters counters_ ABSL_GUARDED_BY(mu_);
  bool version_agreed_ ABSL_GUARDED_BY(mu_) = false;
  uint32_t next_trans_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint32_t misbehaviour_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time ready_at_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  absl::Time hot_add_retry_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time report_window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint32_t reports_in_window_ ABSL_GUARDED_BY(mu_) = 0;
  double pressure_sum_ ABSL_GUARDED_BY(mu_) = 0;
  Outstanding outstanding_ ABSL_GUARDED_BY(mu_);
  PageRangeSet ballooned_ ABSL_GUARDED_BY(mu_);
  std::vector<PageRange> hot_added_ ABSL_GUARDED_BY(mu_);  // onlined blocks
  uint64_t mapped_top_pfn_ ABSL_GUARDED_BY(mu_) = 0;  // end of the highest AddMemory block
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_DYNMEM_DM_VSP_H_
