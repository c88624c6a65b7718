// Provider of the Dynamic Memory performance classes in root/cimv2
// (hyperv.md §5): Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM /
// ...Balancer and their Win32_PerfFormattedData_ twins, one instance per VM
// (Name = the VM's name) and per balancer, from the live counter registry
// (counters/perf_data.h). Thread-safe (the registry snapshot is).
#ifndef HV_VMMS_CIM_PERF_PROVIDER_H_
#define HV_VMMS_CIM_PERF_PROVIDER_H_

#include "counters/counter_registry.h"
#include "vmms/cim/class_provider.h"

namespace hv::vmms::cim {

class PerfProvider : public ClassProvider {
 public:
  explicit PerfProvider(counters::CounterRegistry* registry) : registry_(registry) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;

 private:
  counters::CounterRegistry* const registry_;
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_PERF_PROVIDER_H_
