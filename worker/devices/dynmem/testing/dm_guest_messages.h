// The messages a scripted DM guest sends in the DM VSP tests, as in-band
// packet payloads (wire/dynmem.h), and the test VM's sizes. Pure functions;
// thread-safe.
#ifndef HV_WORKER_DEVICES_DYNMEM_TESTING_DM_GUEST_MESSAGES_H_
#define HV_WORKER_DEVICES_DYNMEM_TESTING_DM_GUEST_MESSAGES_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "wire/dynmem.h"
#include "worker/devices/dynmem/page_range_set.h"

namespace hv::worker::testing {

// The test VM, in 4 KiB pages.
inline constexpr uint64_t kStartup = 512 * kPagesPerMib;   // 512 MiB
inline constexpr uint64_t kMaximum = 2048 * kPagesPerMib;  // 2 GiB
inline constexpr uint64_t kBlock = 128 * kPagesPerMib;     // 128 MiB

// The bytes of a wire struct, followed by `extra` zero bytes (ring padding).
template <typename T>
std::vector<uint8_t> Raw(const T& m, size_t extra = 0) {
  std::vector<uint8_t> b(sizeof(T) + extra);
  std::memcpy(b.data(), &m, sizeof(T));
  return b;
}

// DM_VERSION_REQUEST for `version`.
std::vector<uint8_t> VersionRequest(uint32_t version, bool last, uint32_t id = 1);
// DM_CAPABILITIES_REPORT; `align` is the hot-add alignment as log2 MiB.
std::vector<uint8_t> Caps(bool balloon = true, bool hot_add = true, uint32_t align = 7);
// DM_STATUS_REPORT with these page counts.
std::vector<uint8_t> StatusReport(uint64_t committed, uint64_t avail = 1000);
// DM_BALLOON_RESPONSE carrying `ranges`.
std::vector<uint8_t> BalloonResponse(bool more, const std::vector<PageRange>& ranges);
std::vector<uint8_t> UnballoonResponse();
std::vector<uint8_t> HotAddResponse(uint32_t pages, uint32_t result);

}  // namespace hv::worker::testing

#endif  // HV_WORKER_DEVICES_DYNMEM_TESTING_DM_GUEST_MESSAGES_H_
