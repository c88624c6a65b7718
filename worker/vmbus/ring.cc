#include "worker/vmbus/ring.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#include "absl/strings/str_format.h"
#include "wire/vmbus.h"

namespace hv::worker {
namespace {

constexpr uint32_t kDescBytes = sizeof(vmpacket_descriptor);

uint32_t Align8(uint64_t n) { return static_cast<uint32_t>((n + 7) & ~7ull); }

}  // namespace

absl::StatusOr<Ring> Ring::Create(GuestRam* ram, std::vector<uint64_t> page_gpas) {
  if (page_gpas.size() < 2 || page_gpas.size() > 65536) {
    return absl::InvalidArgumentError(
        absl::StrFormat("vmbus ring: %u pages, need 2..65536", page_gpas.size()));
  }
  for (uint64_t gpa : page_gpas) {
    if (gpa % VMBUS_PAGE_BYTES != 0 || !ram->Contains(gpa, VMBUS_PAGE_BYTES)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("vmbus ring: page gpa 0x%x is not an aligned guest RAM page", gpa));
    }
  }
  return Ring(ram, std::move(page_gpas));
}

Ring::Ring(GuestRam* ram, std::vector<uint64_t> page_gpas)
    : ram_(ram),
      pages_(std::move(page_gpas)),
      data_bytes_(static_cast<uint32_t>((pages_.size() - 1) * VMBUS_PAGE_BYTES)) {}

absl::Status Ring::LoadIndices(uint32_t* write_index, uint32_t* read_index) {
  uint32_t idx[2];
  if (absl::Status s = ram_->Read(pages_[0], idx, sizeof(idx)); !s.ok()) {
    ++counters_.corrupt_indices;
    return absl::DataLossError("vmbus ring: header page unreadable: " + std::string(s.message()));
  }
  // Acquire: indices before data (hyperv.md §2, ring protocol).
  std::atomic_thread_fence(std::memory_order_acquire);
  if (idx[0] >= data_bytes_ || idx[1] >= data_bytes_ || idx[0] % 8 != 0 || idx[1] % 8 != 0) {
    ++counters_.corrupt_indices;
    return absl::DataLossError(absl::StrFormat(
        "vmbus ring: indices write=%u read=%u invalid for %u data bytes", idx[0], idx[1],
        data_bytes_));
  }
  *write_index = idx[0];
  *read_index = idx[1];
  return absl::OkStatus();
}

absl::Status Ring::ReadData(uint32_t offset, void* dst, size_t len) {
  uint8_t* out = static_cast<uint8_t*>(dst);
  while (len > 0) {
    offset %= data_bytes_;
    const uint64_t in_page = offset % VMBUS_PAGE_BYTES;
    const size_t chunk = std::min<uint64_t>(len, VMBUS_PAGE_BYTES - in_page);
    const uint64_t gpa = pages_[1 + offset / VMBUS_PAGE_BYTES] + in_page;
    if (absl::Status s = ram_->Read(gpa, out, chunk); !s.ok()) {
      return absl::DataLossError("vmbus ring: data unreadable: " + std::string(s.message()));
    }
    out += chunk;
    len -= chunk;
    offset += static_cast<uint32_t>(chunk);
  }
  return absl::OkStatus();
}

absl::Status Ring::WriteData(uint32_t offset, const void* src, size_t len) {
  const uint8_t* in = static_cast<const uint8_t*>(src);
  while (len > 0) {
    offset %= data_bytes_;
    const uint64_t in_page = offset % VMBUS_PAGE_BYTES;
    const size_t chunk = std::min<uint64_t>(len, VMBUS_PAGE_BYTES - in_page);
    const uint64_t gpa = pages_[1 + offset / VMBUS_PAGE_BYTES] + in_page;
    if (absl::Status s = ram_->Write(gpa, in, chunk); !s.ok()) {
      return absl::DataLossError("vmbus ring: data unwritable: " + std::string(s.message()));
    }
    in += chunk;
    len -= chunk;
    offset += static_cast<uint32_t>(chunk);
  }
  return absl::OkStatus();
}

absl::Status Ring::StoreIndex(uint32_t header_offset, uint32_t value) {
  // Release: data before the index that publishes it.
  std::atomic_thread_fence(std::memory_order_release);
  return ram_->Write(pages_[0] + header_offset, &value, sizeof(value));
}

absl::StatusOr<bool> Ring::Empty() {
  uint32_t w, r;
  if (absl::Status s = LoadIndices(&w, &r); !s.ok()) return s;
  return w == r;
}

absl::StatusOr<std::optional<RingPacket>> Ring::Read(size_t max_payload) {
  uint32_t w, r;
  if (absl::Status s = LoadIndices(&w, &r); !s.ok()) return s;
  const uint32_t available = (w >= r) ? w - r : data_bytes_ - r + w;
  if (available == 0) return std::optional<RingPacket>();
  vmpacket_descriptor d;
  if (available < kDescBytes + VMBUS_PACKET_TRAILER_BYTES) {
    ++counters_.corrupt_descriptors;
    return absl::DataLossError(
        absl::StrFormat("vmbus ring: %u bytes available, less than one packet", available));
  }
  if (absl::Status s = ReadData(r, &d, sizeof(d)); !s.ok()) return s;
  const uint64_t packet_bytes = uint64_t{d.len8} * 8;
  if (d.offset8 < kDescBytes / 8 || d.offset8 > d.len8 ||
      packet_bytes + VMBUS_PACKET_TRAILER_BYTES > available || d.type == VM_PKT_INVALID ||
      d.type > VM_PKT_ADDITIONAL_DATA) {
    ++counters_.corrupt_descriptors;
    return absl::DataLossError(absl::StrFormat(
        "vmbus ring: bad descriptor type=%u offset8=%u len8=%u with %u bytes available", d.type,
        d.offset8, d.len8, available));
  }
  const size_t payload_bytes = (d.len8 - d.offset8) * size_t{8};
  if (payload_bytes > max_payload) {
    ++counters_.oversize_packets;
    return absl::DataLossError(absl::StrFormat(
        "vmbus ring: packet payload %u bytes exceeds the limit %u", payload_bytes, max_payload));
  }
  RingPacket p;
  p.type = d.type;
  p.flags = d.flags;
  p.trans_id = d.trans_id;
  p.payload.resize(payload_bytes);
  if (absl::Status s = ReadData(r + d.offset8 * 8u, p.payload.data(), payload_bytes); !s.ok()) {
    return s;
  }
  const uint32_t next = static_cast<uint32_t>((r + packet_bytes + VMBUS_PACKET_TRAILER_BYTES) %
                                              data_bytes_);
  if (absl::Status s = StoreIndex(offsetof(vmbus_ring_header, read_index), next); !s.ok()) {
    return absl::DataLossError(s.message());
  }
  ++counters_.packets_read;
  counters_.bytes_read += packet_bytes;
  return std::optional<RingPacket>(std::move(p));
}

absl::StatusOr<bool> Ring::Write(uint16_t type, uint16_t flags, uint64_t trans_id,
                                 absl::Span<const uint8_t> payload) {
  uint32_t w, r;
  if (absl::Status s = LoadIndices(&w, &r); !s.ok()) return s;
  const uint64_t packet_bytes = kDescBytes + Align8(payload.size());
  const uint64_t needed = packet_bytes + VMBUS_PACKET_TRAILER_BYTES;
  const uint32_t used = (w >= r) ? w - r : data_bytes_ - r + w;
  const uint32_t free_bytes = data_bytes_ - used;
  // The writer never fills the ring completely, so full and empty differ.
  if (packet_bytes / 8 > 0xFFFF || free_bytes <= needed) {
    ++counters_.ring_full;
    return absl::ResourceExhaustedError(absl::StrFormat(
        "vmbus ring: %u bytes free, packet needs %u", free_bytes, needed));
  }
  vmpacket_descriptor d = {};
  d.type = type;
  d.offset8 = kDescBytes / 8;
  d.len8 = static_cast<uint16_t>(packet_bytes / 8);
  d.flags = flags;
  d.trans_id = trans_id;
  if (absl::Status s = WriteData(w, &d, sizeof(d)); !s.ok()) return s;
  if (absl::Status s = WriteData(w + kDescBytes, payload.data(), payload.size()); !s.ok()) {
    return s;
  }
  const uint8_t zeros[8] = {};
  const size_t pad = Align8(payload.size()) - payload.size();
  if (absl::Status s = WriteData(w + kDescBytes + payload.size(), zeros, pad); !s.ok()) return s;
  const uint64_t trailer = uint64_t{w} << 32;
  if (absl::Status s = WriteData(w + packet_bytes, &trailer, sizeof(trailer)); !s.ok()) return s;
  const uint32_t next = static_cast<uint32_t>((w + needed) % data_bytes_);
  if (absl::Status s = StoreIndex(offsetof(vmbus_ring_header, write_index), next); !s.ok()) {
    return absl::DataLossError(s.message());
  }
  ++counters_.packets_written;
  counters_.bytes_written += packet_bytes;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  uint32_t mask = 0;
  if (absl::Status s = ram_->Read(pages_[0] + offsetof(vmbus_ring_header, interrupt_mask), &mask,
                                  sizeof(mask));
      !s.ok()) {
    return absl::DataLossError(s.message());
  }
  return mask == 0 && used == 0;
}

}  // namespace hv::worker
