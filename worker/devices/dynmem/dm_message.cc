#include "worker/devices/dynmem/dm_message.h"

#include <array>
#include <cstring>

#include "absl/strings/str_format.h"

namespace hv::worker {
namespace {

using D = DmDirection;
constexpr std::array<DmMessageTypeInfo, DM_MESSAGE_TYPE_COUNT> kTypes = {{
    {DM_ERROR, "DM_ERROR", D::kNone, 8},
    {DM_VERSION_REQUEST, "DM_VERSION_REQUEST", D::kGuestToHost, sizeof(dm_version_request)},
    {DM_VERSION_RESPONSE, "DM_VERSION_RESPONSE", D::kHostToGuest, sizeof(dm_version_response)},
    {DM_CAPABILITIES_REPORT, "DM_CAPABILITIES_REPORT", D::kGuestToHost, sizeof(dm_capabilities)},
    {DM_CAPABILITIES_RESPONSE, "DM_CAPABILITIES_RESPONSE", D::kHostToGuest,
     sizeof(dm_capabilities_resp_msg)},
    {DM_STATUS_REPORT, "DM_STATUS_REPORT", D::kGuestToHost, sizeof(dm_status)},
    {DM_BALLOON_REQUEST, "DM_BALLOON_REQUEST", D::kHostToGuest, sizeof(dm_balloon)},
    {DM_BALLOON_RESPONSE, "DM_BALLOON_RESPONSE", D::kGuestToHost, sizeof(dm_balloon_response)},
    {DM_UNBALLOON_REQUEST, "DM_UNBALLOON_REQUEST", D::kHostToGuest, sizeof(dm_unballoon_request)},
    {DM_UNBALLOON_RESPONSE, "DM_UNBALLOON_RESPONSE", D::kGuestToHost,
     sizeof(dm_unballoon_response)},
    {DM_MEM_HOT_ADD_REQUEST, "DM_MEM_HOT_ADD_REQUEST", D::kHostToGuest, sizeof(dm_hot_add)},
    {DM_MEM_HOT_ADD_RESPONSE, "DM_MEM_HOT_ADD_RESPONSE", D::kGuestToHost,
     sizeof(dm_hot_add_response)},
    {DM_INFO_MESSAGE, "DM_INFO_MESSAGE", D::kHostToGuest, 16},
    {DM_MEM_HOT_REMOVE_REQUEST, "DM_MEM_HOT_REMOVE_REQUEST", D::kHostToGuest,
     sizeof(dm_hot_remove)},
    // Hot remove (2.0) is not implemented by either side here; the guest may
    // still not send it (parser refuses it as unsupported).
    {DM_MEM_HOT_REMOVE_RESPONSE, "DM_MEM_HOT_REMOVE_RESPONSE", D::kGuestToHost,
     sizeof(dm_hot_remove_response)},
}};

template <typename T>
std::vector<uint8_t> Bytes(const T& m) {
  std::vector<uint8_t> b(sizeof(T));
  std::memcpy(b.data(), &m, sizeof(T));
  return b;
}

dm_header Header(uint16_t type, size_t size, uint32_t trans_id) {
  return dm_header{type, static_cast<uint16_t>(size), trans_id};
}

template <typename T>
T Load(absl::Span<const uint8_t> p) {
  T v;
  std::memcpy(&v, p.data(), sizeof(T));
  return v;
}

absl::Status Bad(uint16_t type, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("dm message %s: %s", DmMessageTypeToString(type), why));
}

}  // namespace

absl::Span<const DmMessageTypeInfo> DmMessageTypes() { return kTypes; }

std::string DmMessageTypeToString(uint16_t type) {
  if (type < kTypes.size()) return std::string(kTypes[type].name);
  return absl::StrFormat("DM_UNKNOWN(%u)", type);
}

absl::StatusOr<DmGuestMessage> ParseDmGuestMessage(absl::Span<const uint8_t> packet) {
  if (packet.size() < sizeof(dm_header)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("dm message: %u bytes, shorter than the header", packet.size()));
  }
  const dm_header h = Load<dm_header>(packet);
  if (h.type >= kTypes.size() || kTypes[h.type].direction != DmDirection::kGuestToHost ||
      h.type == DM_MEM_HOT_REMOVE_RESPONSE) {
    return Bad(h.type, "not a message the guest may send");
  }
  if (h.size < kTypes[h.type].min_size || h.size > packet.size()) {
    return Bad(h.type, absl::StrFormat("size %u outside %u..%u", h.size, kTypes[h.type].min_size,
                                       packet.size()));
  }
  const auto m = packet.first(h.size);
  switch (h.type) {
    case DM_VERSION_REQUEST: {
      const auto v = Load<dm_version_request>(m);
      return DmVersionRequest{h.trans_id, v.version, (v.flags & DM_VERSION_IS_LAST_ATTEMPT) != 0};
    }
    case DM_CAPABILITIES_REPORT: {
      const auto c = Load<dm_capabilities>(m);
      DmCapabilitiesReport r;
      r.trans_id = h.trans_id;
      r.balloon = (c.caps & DM_CAP_BALLOON) != 0;
      r.hot_add = (c.caps & DM_CAP_HOT_ADD) != 0;
      r.hot_remove = (c.caps & DM_CAP_HOT_REMOVE) != 0;
      r.alignment_log2_mib =
          static_cast<uint32_t>((c.caps & DM_CAP_ALIGNMENT_MASK) >> DM_CAP_ALIGNMENT_SHIFT);
      return r;
    }
    case DM_STATUS_REPORT: {
      const auto s = Load<dm_status>(m);
      return DmStatusReport{h.trans_id, s.num_avail, s.num_committed};
    }
    case DM_BALLOON_RESPONSE: {
      const auto b = Load<dm_balloon_response>(m);
      const uint64_t count = DM_BALLOON_RESP_COUNT(b.more_and_count);
      if (sizeof(dm_balloon_response) + 8 * count > h.size) {
        return Bad(h.type, absl::StrFormat("range_count %u overflows size %u", count, h.size));
      }
      DmBalloonResponse r;
      r.trans_id = h.trans_id;
      r.more_pages = (b.more_and_count & DM_BALLOON_RESP_MORE_PAGES) != 0;
      r.ranges.reserve(count);
      for (uint64_t i = 0; i < count; ++i) {
        const auto raw = Load<dm_page_range>(m.subspan(sizeof(dm_balloon_response) + 8 * i));
        r.ranges.push_back({DM_RANGE_PFN(raw), DM_RANGE_COUNT(raw)});
      }
      return r;
    }
    case DM_UNBALLOON_RESPONSE:
      return DmUnballoonResponse{h.trans_id};
    case DM_MEM_HOT_ADD_RESPONSE: {
      const auto a = Load<dm_hot_add_response>(m);
      return DmHotAddResponse{h.trans_id, a.page_count, a.result};
    }
  }
  return Bad(h.type, "unhandled");  // unreachable: the table admits only the cases above
}

std::vector<uint8_t> BuildDmVersionResponse(uint32_t trans_id, bool accepted) {
  dm_version_response m = {};
  m.hdr = Header(DM_VERSION_RESPONSE, sizeof(m), trans_id);
  m.flags = accepted ? DM_VERSION_ACCEPTED : 0;
  return Bytes(m);
}

std::vector<uint8_t> BuildDmCapabilitiesResponse(uint32_t trans_id, bool accepted) {
  dm_capabilities_resp_msg m = {};
  m.hdr = Header(DM_CAPABILITIES_RESPONSE, sizeof(m), trans_id);
  m.flags = accepted ? DM_CAPS_ACCEPTED : 0;
  return Bytes(m);
}

std::vector<uint8_t> BuildDmBalloonRequest(uint32_t trans_id, uint32_t num_pages) {
  dm_balloon m = {};
  m.hdr = Header(DM_BALLOON_REQUEST, sizeof(m), trans_id);
  m.num_pages = num_pages;
  return Bytes(m);
}

std::vector<uint8_t> BuildDmUnballoonRequest(uint32_t trans_id, bool more_pages,
                                             absl::Span<const PageRange> ranges) {
  dm_unballoon_request m = {};
  const size_t size = sizeof(m) + 8 * ranges.size();
  m.hdr = Header(DM_UNBALLOON_REQUEST, size, trans_id);
  m.more_pages = more_pages ? 1 : 0;
  m.range_count = static_cast<uint32_t>(ranges.size());
  std::vector<uint8_t> b = Bytes(m);
  b.resize(size);
  for (size_t i = 0; i < ranges.size(); ++i) {
    const dm_page_range r = DM_RANGE_MAKE(ranges[i].pfn, ranges[i].count);
    std::memcpy(b.data() + sizeof(m) + 8 * i, &r, 8);
  }
  return b;
}

std::vector<uint8_t> BuildDmHotAddRequest(uint32_t trans_id, PageRange range,
                                          std::optional<PageRange> region) {
  dm_hot_add_with_region m = {};
  const size_t size = region ? sizeof(dm_hot_add_with_region) : sizeof(dm_hot_add);
  m.hdr = Header(DM_MEM_HOT_ADD_REQUEST, size, trans_id);
  m.range = DM_RANGE_MAKE(range.pfn, range.count);
  if (region) m.region = DM_RANGE_MAKE(region->pfn, region->count);
  std::vector<uint8_t> b = Bytes(m);
  b.resize(size);
  return b;
}

std::vector<uint8_t> BuildDmInfoMaxPageCount(uint32_t trans_id, uint64_t max_page_count) {
  dm_info_max_page_cnt m = {};
  m.hdr = Header(DM_INFO_MESSAGE, sizeof(m), trans_id);
  m.info_size = sizeof(m.info) + sizeof(m.max_page_count);
  m.info.type = DM_INFO_TYPE_MAX_PAGE_CNT;
  m.info.data_size = sizeof(m.max_page_count);
  m.max_page_count = max_page_count;
  return Bytes(m);
}

}  // namespace hv::worker
