// VmbusHost: wires the pure VMBus server and its devices to a running
// hypervisor-shim partition. It
//  - registers HvCallPostMessage (0x5C) and HvCallSignalEvent (0x5D) with the
//    partition's HypercallDispatcher. The vCPU-thread handlers only validate
//    and queue; the host thread does the work, so a device that changes the
//    memory map (balloon unmap, hot-add map: the TCG engine must park) never
//    waits for a vCPU thread that waits for the device;
//  - delivers host->guest channel messages into vCPU 0's SynIC message page
//    (SynicMailbox), again whenever the guest writes EOM or SIMP;
//  - runs the host thread: queued channel messages, ring draining, device
//    timers (transaction timeouts, heartbeats), and a kick of vCPU 0 when the
//    guest has something to read. It wakes at once on a hypercall, an EOM/SIMP
//    write or Kick (a balancer move, a workload command), and otherwise when
//    the earliest device timer is due (each device poll returns its next
//    deadline), at least every idle_poll_interval. The guest signals every
//    packet it sends (guest/src/vmbus.c), so nothing waits for a poll; an idle
//    VM costs one pass per guest signal and per timer (heartbeat: 1 s).
// The VMBus server and every device callback run on the host thread only.
// HvSignalEvent accepts only the connection ids of the offered channels (fixed
// by AddDevice, so the vCPU thread checks them without the server lock); any
// other id returns HV_STATUS_INVALID_CONNECTION_ID, is counted
// (signals_unknown) and recorded as one event per poll pass.
//
// Thread-safe. Destroy (or Stop) before the partition and the dispatcher.
#ifndef HV_WORKER_VMBUS_VMBUS_HOST_H_
#define HV_WORKER_VMBUS_VMBUS_HOST_H_

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "hypervisor-shim/hypercall_dispatcher.h"
#include "hypervisor-shim/partition.h"
#include "worker/vmbus/partition_guest_ram.h"
#include "worker/vmbus/synic_mailbox.h"
#include "worker/vmbus/vmbus_server.h"

namespace hv::worker {

struct VmbusHostOptions {
  // Shortest wait between poll passes that nothing woke (default 10 ms): a
  // device deadline that is already due (a retry after a full ring) is polled
  // again after this, not in a busy loop.
  absl::Duration poll_interval = absl::Milliseconds(10);
  // Longest wait between poll passes (default 1 s): the safety net for work no
  // device deadline or wake announced. Device deadlines later than this wait
  // are met by the next pass anyway.
  absl::Duration idle_poll_interval = absl::Seconds(1);
  VmbusServerOptions server;
};

// A device's poll: runs one pass of the device's timers and returns when the
// device next needs a pass (absl::InfiniteFuture(): only when woken; a time
// already past: as soon as poll_interval allows).
using VmbusDevicePoll = std::function<absl::Time()>;

class VmbusHost : private VmbusHostPort {
 public:
  // `wake_guest` kicks vCPU 0 out of HLT (e.g. VcpuRunner::Kick(0)); it is
  // called from the poll thread only. All pointers must outlive the host.
  VmbusHost(shim::Partition* partition, shim::HypercallDispatcher* dispatcher, EventLog* events,
            const Clock* clock, std::function<void()> wake_guest, VmbusHostOptions options = {});
  ~VmbusHost() override;

  // Offers `device`; `poll` (may be empty) runs on every poll pass with the
  // host lock held, on the poll thread, and its deadline bounds the next wait.
  // Call before Start.
  absl::StatusOr<uint32_t> AddDevice(const vmbus_guid& class_id, const vmbus_guid& instance,
                                     VmbusDevice* device, VmbusDevicePoll poll);
  // Registers the hypercalls and the register observer; starts polling.
  absl::Status Start();
  // Stops polling and unregisters the hypercalls. Idempotent.
  void Stop();
  // Pause: waits for a poll pass in progress, then the poll thread sleeps
  // (no polling, no timer, nothing touches guest memory or the devices)
  // until Resume or Stop. For a paused VM: its vCPUs are paused too, so no
  // hypercall or register write arrives meanwhile. Both idempotent.
  void Pause();
  void Resume();
  // Runs a poll pass now (the device timers included): for a device whose
  // state changed from outside the poll thread, e.g. a new memory target.
  // Any thread.
  void Kick();

  // Save/restore (Quick Migration): the VMBus server (VmbusServer::Save),
  // the messages queued for the guest's SynIC slot and the guest's posted
  // messages not yet processed. REQUIRES for Save: paused, stopped or not
  // started. Restore: before Start, after every AddDevice; errors as
  // VmbusServer::Restore and SynicMailbox::Restore (InvalidArgument naming
  // the field), nothing changed then.
  hv::worker::v1::VmbusHostState Save() const;
  absl::Status Restore(const hv::worker::v1::VmbusHostState& saved);

  // The server's counters; `signals` and `signals_unknown` include the
  // HvSignalEvent calls this host accepted or refused on the vCPU threads.
  VmbusServerCounters counters() const;
  bool connected() const;
  // The connection id the guest signals for `child_relid` (0 if unknown).
  uint32_t ConnectionIdFor(uint32_t child_relid) const;

 private:
  void PostMessage(absl::Span<const uint8_t> message) override;
  void SignalGuest(uint32_t child_relid) override;
  shim::HypercallOutcome OnPostMessage(shim::Vcpu& vcpu, const shim::HypercallInput& in);
  shim::HypercallOutcome OnSignalEvent(shim::Vcpu& vcpu, const shim::HypercallInput& in);
  void Deliver();
  void WakeHostThread();
  void PollLoop();
  // Poll thread: one event for the HvSignalEvent calls refused since the last.
  void ReportRefusedSignals();

  struct Posted {
    uint32_t connection_id;
    uint32_t message_type;
    std::vector<uint8_t> payload;
  };

  shim::Partition* const partition_;
  shim::HypercallDispatcher* const dispatcher_;
  EventLog* const events_;
  const Clock* const clock_;
  uint64_t refusals_reported_ = 0;  // poll thread only
  std::function<void()> wake_guest_;
  const VmbusHostOptions options_;
  PartitionGuestRam ram_;
  SynicMailbox mailbox_;
  std::atomic<bool> wake_needed_{false};

  mutable absl::Mutex mu_;  // the server and the devices
  VmbusServer server_ ABSL_GUARDED_BY(mu_);
  std::vector<VmbusDevicePoll> polls_ ABSL_GUARDED_BY(mu_);

  // Work queued by the vCPU thread for the host thread. Never held while
  // calling into the server, a device or the partition.
  mutable absl::Mutex inbox_mu_;
  std::vector<Posted> inbox_ ABSL_GUARDED_BY(inbox_mu_);
  bool wake_host_ ABSL_GUARDED_BY(inbox_mu_) = false;
  // Connection ids of the offered channels (AddDevice), and the HvSignalEvent
  // calls accepted / refused for an id not among them.
  std::vector<uint32_t> connection_ids_ ABSL_GUARDED_BY(inbox_mu_);
  uint64_t signals_accepted_ ABSL_GUARDED_BY(inbox_mu_) = 0;
  uint64_t signals_refused_ ABSL_GUARDED_BY(inbox_mu_) = 0;
  uint32_t last_refused_id_ ABSL_GUARDED_BY(inbox_mu_) = 0;
  bool paused_ ABSL_GUARDED_BY(inbox_mu_) = false;
  bool in_pass_ ABSL_GUARDED_BY(inbox_mu_) = false;  // the poll thread is in a pass

  std::atomic<bool> stop_{false};
  bool started_ = false;
  std::thread thread_;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_VMBUS_HOST_H_
