// Ring: one direction of a VMBus channel ring buffer in guest memory
// (hyperv.md §2): a 4 KiB header page {write_index, read_index,
// interrupt_mask, pending_send_sz, ..., feature_bits} followed by a data area
// of packets {vmpacket_descriptor, payload, pad to 8, 8-byte trailer}.
//
// The ring's pages come from a guest GPADL and need not be contiguous. The
// guest owns the memory and may change any byte at any time, so every index
// and descriptor is validated on every access; a violation returns kDataLoss
// and the caller must reset or close the channel (the ring cannot be trusted
// again). Nothing here aborts on guest input.
//
// Thread-compatible: one reader or one writer per Ring object.
#ifndef HV_WORKER_VMBUS_RING_H_
#define HV_WORKER_VMBUS_RING_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "worker/vmbus/guest_ram.h"

namespace hv::worker {

struct RingPacket {
  uint16_t type = 0;   // VM_PKT_*
  uint16_t flags = 0;
  uint64_t trans_id = 0;
  std::vector<uint8_t> payload;  // (len8 - offset8) * 8 bytes, padding included
};

struct RingCounters {
  uint64_t packets_read = 0;
  uint64_t packets_written = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t ring_full = 0;         // writes refused because the peer had not drained
  uint64_t corrupt_indices = 0;   // read/write index out of range or unaligned
  uint64_t corrupt_descriptors = 0;  // bad offset8/len8/type or packet beyond the data
  uint64_t oversize_packets = 0;  // payload larger than the reader's limit
};

class Ring {
 public:
  // `page_gpas`: the header page, then the data pages, in ring order. Fails
  // (kInvalidArgument) with fewer than 2 pages, more than 65536, an unaligned
  // GPA, or a page that is not guest RAM. `ram` must outlive the Ring.
  static absl::StatusOr<Ring> Create(GuestRam* ram, std::vector<uint64_t> page_gpas);

  uint32_t data_bytes() const { return data_bytes_; }

  // Reader: takes the next packet, or nullopt if the ring is empty. Packets
  // whose payload exceeds `max_payload` are an error (kDataLoss) because a
  // peer that sends them is broken or hostile. On success read_index advances.
  absl::StatusOr<std::optional<RingPacket>> Read(size_t max_payload);

  // Writer: appends one packet with `offset8` = 2. Returns true if the reader
  // should be signalled (interrupt_mask clear and the ring was empty before).
  // kResourceExhausted if the packet does not fit now (the ring never fills
  // completely); kDataLoss if the peer corrupted the indices.
  absl::StatusOr<bool> Write(uint16_t type, uint16_t flags, uint64_t trans_id,
                             absl::Span<const uint8_t> payload);

  // True if the reader has nothing to read (valid indices, write == read).
  absl::StatusOr<bool> Empty();

  const RingCounters& counters() const { return counters_; }

 private:
  Ring(GuestRam* ram, std::vector<uint64_t> page_gpas);
  absl::Status LoadIndices(uint32_t* write_index, uint32_t* read_index);
  absl::Status ReadData(uint32_t offset, void* dst, size_t len);
  absl::Status WriteData(uint32_t offset, const void* src, size_t len);
  absl::Status StoreIndex(uint32_t header_offset, uint32_t value);

  GuestRam* ram_;
  std::vector<uint64_t> pages_;
  uint32_t data_bytes_;
  RingCounters counters_;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_RING_H_
