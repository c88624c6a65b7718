// Dynamic Memory messages (hyperv.md §1): the spec table of message types,
// a strict parser for what the guest sends, and builders for what the host
// sends. Pure functions; thread-safe.
#ifndef HV_WORKER_DEVICES_DYNMEM_DM_MESSAGE_H_
#define HV_WORKER_DEVICES_DYNMEM_DM_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "wire/dynmem.h"
#include "worker/devices/dynmem/page_range_set.h"

namespace hv::worker {

enum class DmDirection { kGuestToHost, kHostToGuest, kNone };

// One row per dm_header.type, with the spec's name, direction and the
// smallest valid size (hdr.size) of the message.
struct DmMessageTypeInfo {
  uint16_t type;
  std::string_view name;
  DmDirection direction;
  uint16_t min_size;
};

// The table, indexed by type (0 .. DM_MESSAGE_TYPE_COUNT-1).
absl::Span<const DmMessageTypeInfo> DmMessageTypes();
// "DM_BALLOON_RESPONSE", or "DM_UNKNOWN(99)".
std::string DmMessageTypeToString(uint16_t type);

struct DmVersionRequest {
  uint32_t trans_id = 0;
  uint32_t version = 0;
  bool is_last_attempt = false;
};
struct DmCapabilitiesReport {
  uint32_t trans_id = 0;
  bool balloon = false;
  bool hot_add = false;
  bool hot_remove = false;
  uint32_t alignment_log2_mib = 0;  // hot-add alignment 2^n MiB
};
struct DmStatusReport {
  uint32_t trans_id = 0;
  uint64_t num_avail = 0;
  uint64_t num_committed = 0;
};
struct DmBalloonResponse {
  uint32_t trans_id = 0;
  bool more_pages = false;
  std::vector<PageRange> ranges;
};
struct DmUnballoonResponse {
  uint32_t trans_id = 0;
};
struct DmHotAddResponse {
  uint32_t trans_id = 0;
  uint32_t page_count = 0;
  uint32_t result = 0;
};
using DmGuestMessage = std::variant<DmVersionRequest, DmCapabilitiesReport, DmStatusReport,
                                    DmBalloonResponse, DmUnballoonResponse, DmHotAddResponse>;

// Parses one in-band packet payload from the guest (the payload may carry
// ring padding after hdr.size). kInvalidArgument, naming the type and the
// fault, if: shorter than a header; hdr.size below the type's minimum or
// beyond the packet; a type the guest must not send; a range count that
// overflows the message. Never reads outside `packet`.
absl::StatusOr<DmGuestMessage> ParseDmGuestMessage(absl::Span<const uint8_t> packet);

// Host messages, each exactly hdr.size bytes.
std::vector<uint8_t> BuildDmVersionResponse(uint32_t trans_id, bool accepted);
std::vector<uint8_t> BuildDmCapabilitiesResponse(uint32_t trans_id, bool accepted);
std::vector<uint8_t> BuildDmBalloonRequest(uint32_t trans_id, uint32_t num_pages);
// `ranges.size()` <= DM_MAX_RANGES_PER_MESSAGE.
std::vector<uint8_t> BuildDmUnballoonRequest(uint32_t trans_id, bool more_pages,
                                             absl::Span<const PageRange> ranges);
// 16-byte form without `region`, 24-byte form with it.
std::vector<uint8_t> BuildDmHotAddRequest(uint32_t trans_id, PageRange range,
                                          std::optional<PageRange> region);
std::vector<uint8_t> BuildDmInfoMaxPageCount(uint32_t trans_id, uint64_t max_page_count);

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_DYNMEM_DM_MESSAGE_H_
