#include "vmms/cim/vm_instances.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "vmms/cim/keys.h"
#include "vmms/cim/state_mapping.h"

namespace hv::vmms::cim {

using hv::cim::CimType;
using hv::cim::Instance;
using hv::cim::Value;

namespace {

const hv::cim::Schema& S(const CallContext& ctx) { return *ctx.newest; }

bool Running(const VmView& vm) { return HasWorker(vm.record.state); }

void SetDeviceKeys(const CallContext& ctx, Instance& inst, const VmView& vm,
                   absl::string_view cls, SettingKind kind) {
  SetIf(S(ctx), inst, "SystemCreationClassName", Str("Msvm_ComputerSystem"));
  SetIf(S(ctx), inst, "SystemName", Str(vm.record.id));
  SetIf(S(ctx), inst, "CreationClassName", Str(std::string(cls)));
  SetIf(S(ctx), inst, "DeviceID", Str(SettingInstanceId(vm.record.id, kind)));
}

}  // namespace

Instance ComputerSystemInstance(const CallContext& ctx, const VmView& vm, const VmTimes& times) {
  const VmRecord& r = vm.record;
  Instance inst("Msvm_ComputerSystem");
  SetIf(S(ctx), inst, "CreationClassName", Str("Msvm_ComputerSystem"));
  SetIf(S(ctx), inst, "Name", Str(r.id));
  SetIf(S(ctx), inst, "ElementName", Str(r.name));
  SetIf(S(ctx), inst, "Caption", Str("Virtual Machine"));
  SetIf(S(ctx), inst, "Description", Str("Microsoft Virtual Machine"));
  SetIf(S(ctx), inst, "NameFormat", Str("GUID"));
  SetIf(S(ctx), inst, "EnabledState", U16(EnabledStateFor(r.state, ctx.IsV1())));
  SetIf(S(ctx), inst, "RequestedState", U16(12));  // Not Applicable: no request pending
  SetIf(S(ctx), inst, "EnabledDefault", U16(3));
  SetIf(S(ctx), inst, "HealthState", U16(static_cast<uint32_t>(r.health)));
  SetIf(S(ctx), inst, "OperationalStatus",
        Value::Array(CimType::kUint16,
                     {uint64_t{r.health == HealthState::kOk ? 2u : 3u}}));  // OK / Degraded
  SetIf(S(ctx), inst, "InstallDate", Timestamp(r.created_unix_ms));
  SetIf(S(ctx), inst, "TimeOfLastStateChange", Timestamp(r.updated_unix_ms));
  SetIf(S(ctx), inst, "TimeOfLastConfigurationChange", Timestamp(r.updated_unix_ms));
  uint64_t on_ms = times.running_since_ms > 0 && Running(vm)
                       ? static_cast<uint64_t>(std::max<int64_t>(0, times.now_ms - times.running_since_ms))
                       : 0;
  SetIf(S(ctx), inst, "OnTimeInMilliseconds", U64(on_ms));
  // vmms extensions (v2 schema only; SetIf skips them elsewhere).
  if (vm.last_status_unix_ms > 0) {
    SetIf(S(ctx), inst, "TimeOfLastStatusReport", Timestamp(vm.last_status_unix_ms));
  }
  if (vm.first_dm_active_unix_ms > 0) {
    SetIf(S(ctx), inst, "TimeOfFirstDynamicMemoryStatus", Timestamp(vm.first_dm_active_unix_ms));
  }
  return inst;
}

Instance MemoryDeviceInstance(const CallContext& ctx, const VmView& vm) {
  Instance inst("Msvm_Memory");
  SetDeviceKeys(ctx, inst, vm, "Msvm_Memory", SettingKind::kMemory);
  SetIf(S(ctx), inst, "ElementName", Str("Memory"));
  SetIf(S(ctx), inst, "EnabledState", U16(Running(vm) ? 2 : 3));
  SetIf(S(ctx), inst, "BlockSize", U64(1 << 20));
  uint64_t assigned = vm.status ? vm.status->assigned_mib : 0;
  SetIf(S(ctx), inst, "NumberOfBlocks", U64(assigned));
  SetIf(S(ctx), inst, "ConsumableBlocks", U64(assigned));
  SetIf(S(ctx), inst, "Volatile", Bool(true));
  return inst;
}

Instance HeartbeatInstance(const CallContext& ctx, const VmView& vm) {
  Instance inst("Msvm_HeartbeatComponent");
  SetDeviceKeys(ctx, inst, vm, "Msvm_HeartbeatComponent", SettingKind::kHeartbeat);
  SetIf(S(ctx), inst, "ElementName", Str("Heartbeat"));
  SetIf(S(ctx), inst, "EnabledState", U16(Running(vm) ? 2 : 3));
  if (Running(vm)) {
    uint32_t hb = vm.status && vm.status->heartbeat != 0 ? vm.status->heartbeat : 12;
    SetIf(S(ctx), inst, "OperationalStatus", Value::Array(CimType::kUint16, {uint64_t{hb}}));
  }
  return inst;
}

Instance SystemSettingInstance(const CallContext& ctx, const VmView& vm) {
  const VmRecord& r = vm.record;
  Instance inst("Msvm_VirtualSystemSettingData");
  SetIf(S(ctx), inst, "InstanceID", Str(SettingInstanceId(r.id, SettingKind::kSystem)));
  SetIf(S(ctx), inst, "ElementName", Str(r.name));
  SetIf(S(ctx), inst, "VirtualSystemIdentifier", Str(r.id));
  SetIf(S(ctx), inst, "CreationTime", Timestamp(r.created_unix_ms));
  SetIf(S(ctx), inst, "AutomaticRecoveryAction", U16(static_cast<uint32_t>(r.recovery)));
  if (ctx.IsV1()) {
    SetIf(S(ctx), inst, "SettingType", U16(3));  // realized system (hyperv.md §6)
  } else {
    SetIf(S(ctx), inst, "VirtualSystemType", Str("Microsoft:Hyper-V:System:Realized"));
    SetIf(S(ctx), inst, "GuestCommandLine", Str(r.guest_command_line));
  }
  return inst;
}

Instance GlobalSettingInstance(const CallContext& ctx, const VmView& vm) {
  const VmRecord& r = vm.record;
  Instance inst("Msvm_VirtualSystemGlobalSettingData");
  SetIf(S(ctx), inst, "InstanceID", Str(SettingInstanceId(r.id, SettingKind::kGlobal)));
  SetIf(S(ctx), inst, "ElementName", Str(r.name));
  SetIf(S(ctx), inst, "VirtualSystemIdentifier", Str(r.id));
  SetIf(S(ctx), inst, "CreationTime", Timestamp(r.created_unix_ms));
  return inst;
}

Instance MemorySettingInstance(const CallContext& ctx, const VmView& vm) {
  const MemorySettings& m = vm.record.memory;
  Instance inst("Msvm_MemorySettingData");
  SetIf(S(ctx), inst, "InstanceID", Str(SettingInstanceId(vm.record.id, SettingKind::kMemory)));
  SetIf(S(ctx), inst, "ElementName", Str("Memory"));
  SetIf(S(ctx), inst, "Caption", Str("Memory"));
  SetIf(S(ctx), inst, "VirtualQuantity", U64(m.startup_mib));
  SetIf(S(ctx), inst, "Reservation", U64(m.minimum_mib));
  SetIf(S(ctx), inst, "Limit", U64(m.maximum_mib));
  SetIf(S(ctx), inst, "Weight", U32(m.weight));
  SetIf(S(ctx), inst, "DynamicMemoryEnabled", Bool(m.dynamic_memory_enabled));
  SetIf(S(ctx), inst, "TargetMemoryBuffer", U32(m.buffer_percent));
  SetIf(S(ctx), inst, "IsVirtualized", Bool(true));
  SetIf(S(ctx), inst, "SwapFilesInUse", Bool(false));
  SetIf(S(ctx), inst, "HugePagesEnabled", Bool(false));
  SetIf(S(ctx), inst, "MaxMemoryBlocksPerNumaNode", U64(m.maximum_mib));
  SetIf(S(ctx), inst, "AutomaticAllocation", Bool(true));
  SetIf(S(ctx), inst, "AutomaticDeallocation", Bool(true));
  SetIf(S(ctx), inst, "DeviceID", Str(absl::StrCat("Microsoft:", kMemorySubId)));
  SetIf(S(ctx), inst, "DeviceIDFormat", Str("Microsoft:%GUID%"));
  return inst;
}

Instance ProcessorSettingInstance(const CallContext& ctx, const VmView& vm) {
  Instance inst("Msvm_ProcessorSettingData");
  SetIf(S(ctx), inst, "InstanceID",
        Str(SettingInstanceId(vm.record.id, SettingKind::kProcessor)));
  SetIf(S(ctx), inst, "ElementName", Str("Processor"));
  SetIf(S(ctx), inst, "VirtualQuantity", U64(vm.record.vcpu_count));
  SetIf(S(ctx), inst, "Reservation", U64(0));
  SetIf(S(ctx), inst, "Limit", U64(100000));
  SetIf(S(ctx), inst, "Weight", U32(100));
  return inst;
}

namespace {
struct SummaryRow {
  SummaryCode code;
  const char* property;
};
constexpr SummaryRow kSummary[] = {
    {SummaryCode::kName, "Name"},
    {SummaryCode::kElementName, "ElementName"},
    {SummaryCode::kNumberOfProcessors, "NumberOfProcessors"},
    {SummaryCode::kEnabledState, "EnabledState"},
    {SummaryCode::kProcessorLoad, "ProcessorLoad"},
    {SummaryCode::kMemoryUsage, "MemoryUsage"},
    {SummaryCode::kHeartbeat, "Heartbeat"},
    {SummaryCode::kUptime, "UpTime"},
    {SummaryCode::kHealthState, "HealthState"},
    {SummaryCode::kMemoryAvailable, "MemoryAvailable"},
    {SummaryCode::kAvailableMemoryBuffer, "AvailableMemoryBuffer"},
    {SummaryCode::kSwapFilesInUse, "SwapFilesInUse"},
    {SummaryCode::kMemorySpansPhysicalNumaNodes, "MemorySpansPhysicalNumaNodes"},
};
}  // namespace

const std::vector<SummaryCode>& AllSummaryCodes() {
  static const auto* all = [] {
    auto* v = new std::vector<SummaryCode>;
    for (const auto& r : kSummary) v->push_back(r.code);
    return v;
  }();
  return *all;
}

const char* SummaryPropertyName(SummaryCode code) {
  for (const auto& r : kSummary) {
    if (r.code == code) return r.property;
  }
  return "";
}

int32_t MemoryAvailablePercent(const WorkerStatus& s) {
  if (s.assigned_mib == 0) return 0;
  int64_t free = static_cast<int64_t>(s.assigned_mib) - static_cast<int64_t>(s.committed_mib);
  return static_cast<int32_t>(free * 100 / static_cast<int64_t>(s.assigned_mib));
}

int32_t AvailableBufferPercent(const WorkerStatus& s, uint32_t buffer_percent) {
  int64_t ideal = static_cast<int64_t>(s.committed_mib) * buffer_percent / 100;
  if (ideal <= 0) return 0;
  int64_t actual = static_cast<int64_t>(s.assigned_mib) - static_cast<int64_t>(s.committed_mib);
  return static_cast<int32_t>(actual * 100 / ideal);
}

Instance SummaryInstance(const CallContext& ctx, const VmView& vm,
                         const std::vector<uint32_t>& codes, const VmTimes& times,
                         uint32_t processor_load) {
  const VmRecord& r = vm.record;
  const bool running = Running(vm);
  const bool dm = r.memory.dynamic_memory_enabled;
  Instance inst("Msvm_SummaryInformation");
  for (uint32_t c : codes) {
    switch (static_cast<SummaryCode>(c)) {
      case SummaryCode::kName:
        SetIf(S(ctx), inst, "Name", Str(r.id));
        break;
      case SummaryCode::kElementName:
        SetIf(S(ctx), inst, "ElementName", Str(r.name));
        break;
      case SummaryCode::kNumberOfProcessors:
        SetIf(S(ctx), inst, "NumberOfProcessors", U16(r.vcpu_count));
        break;
      case SummaryCode::kEnabledState:
        SetIf(S(ctx), inst, "EnabledState", U16(EnabledStateFor(r.state, ctx.IsV1())));
        break;
      case SummaryCode::kProcessorLoad:
        SetIf(S(ctx), inst, "ProcessorLoad", U16(running ? processor_load : 0));
        break;
      case SummaryCode::kMemoryUsage:
        SetIf(S(ctx), inst, "MemoryUsage", U64(vm.status ? vm.status->assigned_mib : 0));
        break;
      case SummaryCode::kHeartbeat:
        SetIf(S(ctx), inst, "Heartbeat",
              U16(running && vm.status && vm.status->heartbeat ? vm.status->heartbeat : 12));
        break;
      case SummaryCode::kUptime: {
        int64_t up = running && times.running_since_ms > 0 ? times.now_ms - times.running_since_ms : 0;
        SetIf(S(ctx), inst, "UpTime", U64(static_cast<uint64_t>(std::max<int64_t>(0, up))));
        break;
      }
      case SummaryCode::kHealthState:
        SetIf(S(ctx), inst, "HealthState", U16(static_cast<uint32_t>(r.health)));
        break;
      case SummaryCode::kMemoryAvailable:
        // Invalid (NULL) when Dynamic Memory is off or the VM is not running.
        if (dm && vm.status) SetIf(S(ctx), inst, "MemoryAvailable", S32(MemoryAvailablePercent(*vm.status)));
        break;
      case SummaryCode::kAvailableMemoryBuffer:
        if (dm && vm.status) {
          SetIf(S(ctx), inst, "AvailableMemoryBuffer",
                S32(AvailableBufferPercent(*vm.status, r.memory.buffer_percent)));
        }
        break;
      case SummaryCode::kSwapFilesInUse:
        SetIf(S(ctx), inst, "SwapFilesInUse", Bool(false));
        break;
      case SummaryCode::kMemorySpansPhysicalNumaNodes:
        SetIf(S(ctx), inst, "MemorySpansPhysicalNumaNodes", Bool(false));
        break;
    }
  }
  return inst;
}

}  // namespace hv::vmms::cim
