#include "worker/devices/dynmem/testing/dm_guest_messages.h"

namespace hv::worker::testing {

std::vector<uint8_t> VersionRequest(uint32_t version, bool last, uint32_t id) {
  return Raw(dm_version_request{{DM_VERSION_REQUEST, 16, id}, version, last ? 1u : 0u});
}

std::vector<uint8_t> Caps(bool balloon, bool hot_add, uint32_t align) {
  return Raw(dm_capabilities{{DM_CAPABILITIES_REPORT, 32, 2},
                             (balloon ? DM_CAP_BALLOON : 0) | (hot_add ? DM_CAP_HOT_ADD : 0) |
                                 (uint64_t{align} << DM_CAP_ALIGNMENT_SHIFT),
                             0,
                             ~0ull});
}

std::vector<uint8_t> StatusReport(uint64_t committed, uint64_t avail) {
  dm_status s = {};
  s.hdr = {DM_STATUS_REPORT, 48, 3};
  s.num_committed = committed;
  s.num_avail = avail;
  return Raw(s);
}

std::vector<uint8_t> BalloonResponse(bool more, const std::vector<PageRange>& ranges) {
  std::vector<uint8_t> b(16 + 8 * ranges.size());
  dm_balloon_response h = {{DM_BALLOON_RESPONSE, static_cast<uint16_t>(b.size()), 4},
                           0,
                           DM_BALLOON_RESP_MAKE(more, ranges.size())};
  std::memcpy(b.data(), &h, 16);
  for (size_t i = 0; i < ranges.size(); ++i) {
    const uint64_t r = DM_RANGE_MAKE(ranges[i].pfn, ranges[i].count);
    std::memcpy(b.data() + 16 + 8 * i, &r, 8);
  }
  return b;
}

std::vector<uint8_t> UnballoonResponse() {
  return Raw(dm_unballoon_response{{DM_UNBALLOON_RESPONSE, 8, 5}});
}

std::vector<uint8_t> HotAddResponse(uint32_t pages, uint32_t result) {
  return Raw(dm_hot_add_response{{DM_MEM_HOT_ADD_RESPONSE, 16, 6}, pages, result});
}

}  // namespace hv::worker::testing
