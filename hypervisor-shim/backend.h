// A hypervisor backend (crosvm `Hypervisor`): creates partitions.
//   KVM: /dev/kvm ioctls, one thread per vCPU (hypervisor-shim/kvm/).
//   TCG: Unicorn 2.0.1, all vCPUs of a partition on one engine thread
//        (hypervisor-shim/tcg/).
#ifndef HV_HYPERVISOR_SHIM_BACKEND_H_
#define HV_HYPERVISOR_SHIM_BACKEND_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "hypervisor-shim/partition.h"

namespace hv::shim {

// Thread-safe: partitions may be created from any thread.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;
  // InvalidArgument for bad options (vcpu_count, max_gpa), ResourceExhausted
  // if the host refuses memory, Internal for a backend failure.
  virtual absl::StatusOr<std::unique_ptr<Partition>> CreatePartition(
      const PartitionOptions& options) = 0;
};

// The backend of that kind; Unavailable when the host lacks it (no /dev/kvm).
absl::StatusOr<std::unique_ptr<Backend>> CreateBackend(BackendKind kind);
// Backends usable on this host, preferred first (KVM, then TCG).
std::vector<BackendKind> AvailableBackends();

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_BACKEND_H_
