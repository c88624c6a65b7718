#include "worker/vmbus/synic_mailbox.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "wire/tlfs.h"

namespace hv::worker {

SynicMailbox::SynicMailbox(uint32_t sint, size_t max_queued)
    : sint_(sint % HV_SYNIC_SINT_COUNT), max_queued_(std::max<size_t>(1, max_queued)) {}

void SynicMailbox::Enqueue(uint32_t message_type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  const size_t n = std::min<size_t>(payload.size(), HV_MESSAGE_PAYLOAD_BYTES);
  queue_.push_back(Item{message_type, std::vector<uint8_t>(payload.begin(), payload.begin() + n)});
  while (queue_.size() > max_queued_) {
    queue_.pop_front();
    ++dropped_;
  }
}

absl::StatusOr<bool> SynicMailbox::Deliver(GuestRam* ram, uint64_t simp) {
  if ((simp & HV_SYNIC_PAGE_ENABLE) == 0) return false;
  const uint64_t slot = (simp & ~0xFFFull) + uint64_t{sint_} * sizeof(hv_message);
  absl::MutexLock lock(&mu_);
  if (queue_.empty()) return false;
  hv_message_header h;
  if (absl::Status s = ram->Read(slot, &h, sizeof(h)); !s.ok()) return s;
  if (h.message_type != HV_MESSAGE_TYPE_NONE) {
    // Slot busy: ask the guest for EOM once it has consumed it.
    if ((h.message_flags & HV_MESSAGE_FLAG_PENDING) == 0) {
      const uint8_t flags = h.message_flags | HV_MESSAGE_FLAG_PENDING;
      if (absl::Status s =
              ram->Write(slot + offsetof(hv_message_header, message_flags), &flags, 1);
          !s.ok()) {
        return s;
      }
    }
    return false;
  }
  const Item& item = queue_.front();
  hv_message m = {};
  m.header.payload_size = static_cast<uint8_t>(item.payload.size());
  m.header.message_flags = queue_.size() > 1 ? HV_MESSAGE_FLAG_PENDING : 0;
  std::memcpy(m.payload, item.payload.data(), item.payload.size());
  // Payload first, then the type that makes the slot visible to the guest.
  if (absl::Status s = ram->Write(slot + sizeof(uint32_t),
                                  reinterpret_cast<const uint8_t*>(&m) + sizeof(uint32_t),
                                  sizeof(m) - sizeof(uint32_t));
      !s.ok()) {
    return s;
  }
  std::atomic_thread_fence(std::memory_order_release);
  const uint32_t type = item.type;
  if (absl::Status s = ram->Write(slot, &type, sizeof(type)); !s.ok()) return s;
  queue_.pop_front();
  return true;
}

size_t SynicMailbox::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

void SynicMailbox::Save(
    google::protobuf::RepeatedPtrField<hv::worker::v1::SynicMessageState>* out) const {
  absl::MutexLock lock(&mu_);
  for (const Item& item : queue_) {
    hv::worker::v1::SynicMessageState* m = out->Add();
    m->set_message_type(item.type);
    m->set_payload(std::string(item.payload.begin(), item.payload.end()));
  }
}

absl::Status SynicMailbox::Restore(
    const google::protobuf::RepeatedPtrField<hv::worker::v1::SynicMessageState>& saved) {
  if (static_cast<size_t>(saved.size()) > max_queued_) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "synic mailbox: %d saved messages exceed the queue limit %u", saved.size(), max_queued_));
  }
  std::deque<Item> q;
  for (int i = 0; i < saved.size(); ++i) {
    const hv::worker::v1::SynicMessageState& m = saved[i];
    if (m.message_type() == HV_MESSAGE_TYPE_NONE || m.payload().size() > HV_MESSAGE_PAYLOAD_BYTES) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "synic mailbox: saved message %d: message_type %u / payload of %u bytes invalid", i,
          m.message_type(), m.payload().size()));
    }
    q.push_back(Item{m.message_type(), std::vector<uint8_t>(m.payload().begin(), m.payload().end())});
  }
  absl::MutexLock lock(&mu_);
  queue_ = std::move(q);
  return absl::OkStatus();
}

uint64_t SynicMailbox::dropped() const {
  absl::MutexLock lock(&mu_);
  return dropped_;
}

}  // namespace hv::worker
