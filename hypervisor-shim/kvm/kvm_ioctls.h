// KVM ioctl numbers whose argument struct ends in a flexible array. Debian's
// <asm/kvm.h> declares kvm_cpuid2.entries with __DECLARE_FLEX_ARRAY, which in
// C++ wraps an empty struct (size 1): g++ puts `entries` at offset 12 and
// sizes the struct 12, while the kernel uses 8. The C++ request number is
// then wrong (KVM answers EINVAL, seen in the nested harness) and
// `c->entries` points 4 bytes too far. So: explicit request numbers, and the
// entries addressed at byte offset 8 (CpuidEntries()).
#ifndef HV_HYPERVISOR_SHIM_KVM_KVM_IOCTLS_H_
#define HV_HYPERVISOR_SHIM_KVM_KVM_IOCTLS_H_

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>

namespace hv::shim::kvm {

inline constexpr size_t kKvmCpuid2HeaderBytes = 8;  // nent, padding (kernel layout)

// The entries of a kvm_cpuid2 buffer, at the kernel's offset.
inline kvm_cpuid_entry2* CpuidEntries(void* buffer) {
  return reinterpret_cast<kvm_cpuid_entry2*>(static_cast<char*>(buffer) +
                                             kKvmCpuid2HeaderBytes);
}

inline constexpr unsigned long kKvmGetSupportedCpuid =
    _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, kKvmCpuid2HeaderBytes);
inline constexpr unsigned long kKvmSetCpuid2 =
    _IOC(_IOC_WRITE, KVMIO, 0x90, kKvmCpuid2HeaderBytes);

}  // namespace hv::shim::kvm

#endif  // HV_HYPERVISOR_SHIM_KVM_KVM_IOCTLS_H_
