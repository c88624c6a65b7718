#include "vmms/cim/perf_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "counters/perf_data.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::Instance;

namespace {
constexpr const char* kVmRaw = "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM";
constexpr const char* kVmFormatted = "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM";
constexpr const char* kBalancerRaw = "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryBalancer";
constexpr const char* kBalancerFormatted =
    "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer";

Instance ToInstance(const CallContext& ctx, const counters::PerfInstance& p) {
  Instance inst{std::string(p.class_name.data(), p.class_name.size())};
  SetIf(*ctx.newest, inst, "Name", Str(p.name));
  for (const counters::PerfProperty& prop : p.properties) {
    hv::cim::Value v = prop.type == counters::CimType::kUint32 ? U32(prop.value) : U64(prop.value);
    SetIf(*ctx.newest, inst, absl::string_view(prop.name.data(), prop.name.size()), std::move(v));
  }
  return inst;
}
}  // namespace

std::vector<std::string> PerfProvider::Classes(absl::string_view ns) const {
  if (!CiEquals(ns, kNsCimv2)) return {};
  return {kVmRaw, kVmFormatted, kBalancerRaw, kBalancerFormatted};
}

absl::StatusOr<std::vector<Instance>> PerfProvider::Enumerate(const CallContext& ctx,
                                                              absl::string_view cls) {
  counters::PerfClassInstances all = counters::ToPerfInstances(registry_->Read());
  const std::vector<counters::PerfInstance>* src = nullptr;
  if (CiEquals(cls, kVmRaw)) src = &all.vm_raw;
  if (CiEquals(cls, kVmFormatted)) src = &all.vm_formatted;
  if (CiEquals(cls, kBalancerRaw)) src = &all.balancer_raw;
  if (CiEquals(cls, kBalancerFormatted)) src = &all.balancer_formatted;
  if (src == nullptr) {
    return hv::cim::MakeCimError(hv::cim::CimStatusCode::kInvalidClass,
                                 absl::StrCat("class '", cls, "' is not a perf class vmms serves"));
  }
  std::vector<Instance> out;
  out.reserve(src->size());
  for (const counters::PerfInstance& p : *src) out.push_back(ToInstance(ctx, p));
  return out;
}

}  // namespace hv::vmms::cim
