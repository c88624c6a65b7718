// The hardware backend: Linux KVM through /dev/kvm. This header does not
// include linux/kvm.h; kvm_partition.h does.
#ifndef HV_HYPERVISOR_SHIM_KVM_KVM_BACKEND_H_
#define HV_HYPERVISOR_SHIM_KVM_KVM_BACKEND_H_

#include <memory>

#include "absl/status/statusor.h"
#include "hypervisor-shim/backend.h"

namespace hv::shim::kvm {

// True when /dev/kvm opens read-write and reports API version 12.
bool KvmAvailable();
// Unavailable (naming the reason) when KvmAvailable() is false.
absl::StatusOr<std::unique_ptr<Backend>> NewKvmBackend();

}  // namespace hv::shim::kvm

#endif  // HV_HYPERVISOR_SHIM_KVM_KVM_BACKEND_H_
