// Test doubles for the DM VSP tests: a PacketSink that records (or refuses)
// what the VSP sends and reads DM messages back, and a DmMemoryControl that records every page
// change (and can refuse hot-add). Neither is thread-safe; the tests drive the VSP from one thread.
#ifndef HV_WORKER_DEVICES_DYNMEM_TESTING_DM_FAKES_H_
#define HV_WORKER_DEVICES_DYNMEM_TESTING_DM_FAKES_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "worker/devices/dynmem/dm_memory_control.h"
#include "worker/devices/dynmem/page_range_set.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker::testing {

// A RecordingSink that reads DM messages back.
class FakeSink : public RecordingSink {
 public:
  // dm_header.type of the i-th / the last packet sent (the last must exist).
  uint16_t TypeAt(size_t i) const;
  uint16_t LastType() const { return TypeAt(sent.size() - 1); }
  // The last packet as a T (zero-filled beyond the packet).
  template <typename T>
  T Last() const {
    T v = {};
    std::memcpy(&v, sent.back().data(), std::min(sizeof(T), sent.back().size()));
    return v;
  }
};

// Records each call; AddMemory fails with kInternal when `fail_add` is set
// (the range is recorded either way).
class FakeMemory : public DmMemoryControl {
 public:
  absl::Status ReleasePages(uint64_t pfn, uint64_t count) override;
  absl::Status RestorePages(uint64_t pfn, uint64_t count) override;
  absl::Status AddMemory(uint64_t pfn, uint64_t count) override;

  std::vector<PageRange> released, restored, added;
  bool fail_add = false;
};

}  // namespace hv::worker::testing

#endif  // HV_WORKER_DEVICES_DYNMEM_TESTING_DM_FAKES_H_
