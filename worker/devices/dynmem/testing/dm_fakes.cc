#include "worker/devices/dynmem/testing/dm_fakes.h"

namespace hv::worker::testing {

uint16_t FakeSink::TypeAt(size_t i) const { return sent.at(i)[0] | sent.at(i)[1] << 8; }

absl::Status FakeMemory::ReleasePages(uint64_t pfn, uint64_t count) {
  released.push_back({pfn, count});
  return absl::OkStatus();
}

absl::Status FakeMemory::RestorePages(uint64_t pfn, uint64_t count) {
  restored.push_back({pfn, count});
  return absl::OkStatus();
}

absl::Status FakeMemory::AddMemory(uint64_t pfn, uint64_t count) {
  added.push_back({pfn, count});
  return fail_add ? absl::InternalError("fake memory: no memory to hot-add") : absl::OkStatus();
}

}  // namespace hv::worker::testing
