// The Hyper-V CPUID leaves 0x40000000-0x40000005 this shim presents
// (hyperv.md §3): "Microsoft Hv", "Hv#1", version, features (SynIC, synthetic
// timers, TIME_REF_COUNT, VP_INDEX, hypercall page; PostMessages and
// SignalEvents), no recommendations, limits (4 vCPUs). Both backends answer
// from this one table (TCG in the CPUID hook, KVM through KVM_SET_CPUID2),
// and leaf 1 ECX bit 31 (hypervisor present) is set on both.
#ifndef HV_HYPERVISOR_SHIM_HYPERV_CPUID_H_
#define HV_HYPERVISOR_SHIM_HYPERV_CPUID_H_

#include <cstdint>
#include <optional>
#include <span>

namespace hv::shim {

struct CpuidLeaf {
  uint32_t leaf;
  uint32_t eax, ebx, ecx, edx;
};

// The leaves, in order 0x40000000..0x40000005.
std::span<const CpuidLeaf> HypervCpuidLeaves();
// The leaf if it is one of ours.
std::optional<CpuidLeaf> HypervCpuidLeaf(uint32_t leaf);

inline constexpr uint32_t kCpuid1EcxHypervisorPresent = 1u << 31;

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_HYPERV_CPUID_H_
