// DmMemoryControl: how the DM VSP applies protocol results to the partition's
// memory. The worker implements it over the hypervisor-shim partition
// (PartitionDmMemory); tests use a recording fake. All units are 4 KiB guest
// page frames. Called from the VSP's driving thread.
#ifndef HV_WORKER_DEVICES_DYNMEM_DM_MEMORY_CONTROL_H_
#define HV_WORKER_DEVICES_DYNMEM_DM_MEMORY_CONTROL_H_

#include <cstdint>

#include "absl/status/status.h"

namespace hv::worker {

class DmMemoryControl {
 public:
  virtual ~DmMemoryControl() = default;
  // Balloon: the guest gave these pages up. Unmap them from the guest and
  // return the host memory (the VSP has validated that they are guest RAM and
  // not already ballooned). An error leaves them mapped; the VSP records it.
  virtual absl::Status ReleasePages(uint64_t pfn, uint64_t count) = 0;
  // Unballoon: map these previously released pages back (zero-filled).
  virtual absl::Status RestorePages(uint64_t pfn, uint64_t count) = 0;
  // Hot-add: map a new block [pfn, pfn+count) above the current top of RAM
  // before the guest is told about it.
  virtual absl::Status AddMemory(uint64_t pfn, uint64_t count) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_DYNMEM_DM_MEMORY_CONTROL_H_
