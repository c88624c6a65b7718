// SynicMailbox: host -> guest channel messages through the guest's SynIC
// message page (hyperv.md §2, tlfs.h hv_message_page). A message is written
// into the SINT slot only when the slot is free (message_type == NONE, the
// guest clears it after reading); if more messages wait, the pending flag is
// set so the guest writes EOM, which gives the host the next chance to
// deliver. The guest polls its slot after every wake-up.
//
// Thread-safe.
#ifndef HV_WORKER_VMBUS_SYNIC_MAILBOX_H_
#define HV_WORKER_VMBUS_SYNIC_MAILBOX_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "hv/worker/v1/worker.pb.h"
#include "worker/vmbus/guest_ram.h"

namespace hv::worker {

class SynicMailbox {
 public:
  // `sint`: the SINT whose slot is used (VMBus: HV_VMBUS_MESSAGE_SINT).
  // `max_queued`: messages kept before the oldest is dropped (a guest that
  // never reads its slot must not grow host memory without bound).
  explicit SynicMailbox(uint32_t sint, size_t max_queued = 1024);

  // Queues one message payload (truncated to 240 bytes).
  void Enqueue(uint32_t message_type, absl::Span<const uint8_t> payload);

  // Delivers as many queued messages as the slot takes now (at most one).
  // `simp` is the guest's SIMP register value; nothing happens while it is
  // disabled. Returns true if a message was written. Fails only if the page
  // is not guest RAM (then nothing is written and the message stays queued).
  absl::StatusOr<bool> Deliver(GuestRam* ram, uint64_t simp);

  size_t queued() const;
  uint64_t dropped() const;

  // Appends the queued messages (oldest first) to `out` (save/restore).
  void Save(google::protobuf::RepeatedPtrField<hv::worker::v1::SynicMessageState>* out) const;
  // Replaces the queue with `saved`. InvalidArgument naming the entry for a
  // payload over 240 bytes, a type of 0 (HV_MESSAGE_TYPE_NONE) or more
  // entries than max_queued; the queue is unchanged then.
  absl::Status Restore(
      const google::protobuf::RepeatedPtrField<hv::worker::v1::SynicMessageState>& saved);

 private:
  struct Item {
    uint32_t type;
    std::vector<uint8_t> payload;
  };
  const uint32_t sint_;
  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_SYNIC_MAILBOX_H_
