// A VM (record + latest worker status) as the CIM instances that describe it
// (hyperv.md §6): Msvm_ComputerSystem, its devices (Msvm_Memory,
// Msvm_HeartbeatComponent), its settings (Msvm_VirtualSystemSettingData,
// v1 Msvm_VirtualSystemGlobalSettingData, Msvm_MemorySettingData,
// Msvm_ProcessorSettingData) and Msvm_SummaryInformation. Each is built for
// the newest schema of the context's namespace; only properties that schema
// declares are set. Sizes are MiB in both namespaces ("MB" in v1,
// "byte * 2^20" in v2). Pure functions; thread-safe.
#ifndef HV_VMMS_CIM_VM_INSTANCES_H_
#define HV_VMMS_CIM_VM_INSTANCES_H_

#include <cstdint>
#include <vector>

#include "cim-schema/instance.h"
#include "vmms/cim/class_provider.h"
#include "vmms/lifecycle/vm_manager.h"

namespace hv::vmms::cim {

// Facts about a VM that are not in its record: when it last started
// (0 = not running) and the current time.
struct VmTimes {
  int64_t running_since_ms = 0;
  int64_t now_ms = 0;
};

hv::cim::Instance ComputerSystemInstance(const CallContext& ctx, const VmView& vm,
                                         const VmTimes& times);
hv::cim::Instance MemoryDeviceInstance(const CallContext& ctx, const VmView& vm);
hv::cim::Instance HeartbeatInstance(const CallContext& ctx, const VmView& vm);
hv::cim::Instance SystemSettingInstance(const CallContext& ctx, const VmView& vm);
hv::cim::Instance GlobalSettingInstance(const CallContext& ctx, const VmView& vm);
hv::cim::Instance MemorySettingInstance(const CallContext& ctx, const VmView& vm);
hv::cim::Instance ProcessorSettingInstance(const CallContext& ctx, const VmView& vm);

// GetSummaryInformation's RequestedInformation codes (hyperv.md §6).
enum class SummaryCode : uint32_t {
  kName = 0,
  kElementName = 1,
  kNumberOfProcessors = 4,
  kEnabledState = 100,
  kProcessorLoad = 101,
  kMemoryUsage = 103,
  kHeartbeat = 104,
  kUptime = 105,
  kHealthState = 109,
  kMemoryAvailable = 112,
  kAvailableMemoryBuffer = 113,
  kSwapFilesInUse = 120,
  kMemorySpansPhysicalNumaNodes = 123,
};
const std::vector<SummaryCode>& AllSummaryCodes();
// The Msvm_SummaryInformation property a code fills ("MemoryUsage").
const char* SummaryPropertyName(SummaryCode code);

// Msvm_SummaryInformation with the requested codes' properties (codes the
// namespace version does not know are left out by the caller's check).
// `processor_load` is the caller's measurement in percent.
hv::cim::Instance SummaryInstance(const CallContext& ctx, const VmView& vm,
                                  const std::vector<uint32_t>& codes, const VmTimes& times,
                                  uint32_t processor_load);

// MemoryAvailable and AvailableMemoryBuffer from a status (hyperv.md §6):
// % of assigned memory that is free (negative = shortfall), and % of the
// ideal buffer (committed × buffer%) that is actually available.
int32_t MemoryAvailablePercent(const WorkerStatus& s);
int32_t AvailableBufferPercent(const WorkerStatus& s, uint32_t buffer_percent);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_VM_INSTANCES_H_
