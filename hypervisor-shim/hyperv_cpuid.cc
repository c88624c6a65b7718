#include "hypervisor-shim/hyperv_cpuid.h"

#include "wire/tlfs.h"

namespace hv::shim {
namespace {

constexpr uint32_t kFeaturesEax = HV_PRIV_ACCESS_VP_RUNTIME | HV_PRIV_ACCESS_TIME_REF_COUNT |
                                  HV_PRIV_ACCESS_SYNIC | HV_PRIV_ACCESS_SYNTHETIC_TIMERS |
                                  HV_PRIV_ACCESS_HYPERCALL_MSRS | HV_PRIV_ACCESS_VP_INDEX;
constexpr uint32_t kFeaturesEbx = HV_FLAG_POST_MESSAGES | HV_FLAG_SIGNAL_EVENTS;

constexpr CpuidLeaf kLeaves[] = {
    {HV_CPUID_VENDOR_AND_MAX_FUNCTIONS, HV_CPUID_MAX_LEAF, HV_CPUID_SIGNATURE_EBX,
     HV_CPUID_SIGNATURE_ECX, HV_CPUID_SIGNATURE_EDX},
    {HV_CPUID_INTERFACE, HV_CPUID_INTERFACE_HV1, 0, 0, 0},
    // Build 14393, version 10.0, as Windows Server 2016 reports (hyperv.md §3).
    {HV_CPUID_VERSION, 14393, (10u << 16) | 0, 0, 0},
    {HV_CPUID_FEATURES, kFeaturesEax, kFeaturesEbx, 0, 0},
    {HV_CPUID_ENLIGHTENMENT_INFO, 0, 0xFFFFFFFFu /* never notify long spin waits */, 0, 0},
    // Max virtual processors, max logical processors.
    {HV_CPUID_IMPLEMENT_LIMITS, 4, 4, 0, 0},
};

}  // namespace

std::span<const CpuidLeaf> HypervCpuidLeaves() { return kLeaves; }

std::optional<CpuidLeaf> HypervCpuidLeaf(uint32_t leaf) {
  for (const CpuidLeaf& l : kLeaves) {
    if (l.leaf == leaf) return l;
  }
  return std::nullopt;
}

}  // namespace hv::shim
