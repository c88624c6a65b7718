// Hyper-V's key formats for the instances vmms serves (hyperv.md §6; cim.md
// §1 "Instance path"), in one place so every provider and association builds
// and parses the same paths:
//   Msvm_ComputerSystem     CreationClassName="Msvm_ComputerSystem", Name=<VM GUID>
//   settings (InstanceID)   "Microsoft:<VM GUID>"                 system settings
//                           "Microsoft:<VM GUID>\<device GUID>..." memory, processor
//   Msvm_ConcreteJob        InstanceID=<job GUID>
//   devices                 SystemCreationClassName, SystemName=<VM GUID>,
//                           CreationClassName, DeviceID="Microsoft:<VM GUID>\<sub>"
// Pure functions; thread-safe.
#ifndef HV_VMMS_CIM_KEYS_H_
#define HV_VMMS_CIM_KEYS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "cim-schema/object_path.h"

namespace hv::vmms::cim {

// Sub-ids under "Microsoft:<GUID>\": the Hyper-V device class GUIDs.
inline constexpr absl::string_view kMemorySubId = "4764334D-E001-4176-82EE-5594EC9B530E";
inline constexpr absl::string_view kProcessorSubId = "B637F346-6A0E-4DEC-AF52-BD70CB80A21D";
inline constexpr absl::string_view kHeartbeatSubId = "84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47";
inline constexpr absl::string_view kGlobalSubId = "Global";

// What an InstanceID / DeviceID names.
enum class SettingKind { kSystem, kGlobal, kMemory, kProcessor, kHeartbeat };

std::string SettingInstanceId(absl::string_view vm_id, SettingKind kind);
struct ParsedSettingId {
  std::string vm_id;  // upper case
  SettingKind kind;
};
// Parses "Microsoft:<GUID>[\<sub>]" case-insensitively; nullopt otherwise.
std::optional<ParsedSettingId> ParseSettingInstanceId(absl::string_view id);

// Msvm_ComputerSystem path of a VM (no namespace).
hv::cim::ObjectPath ComputerSystemPath(absl::string_view vm_id);
// Msvm_ConcreteJob path.
hv::cim::ObjectPath JobPath(absl::string_view job_id);
// A settings path of class `cls` keyed by InstanceID.
hv::cim::ObjectPath SettingPath(absl::string_view cls, absl::string_view instance_id);

// The string key `name` of a path, or "" when absent or not a string.
std::string StringKey(const hv::cim::ObjectPath& path, absl::string_view name);

// Paths are the same object: class names case-insensitively, the same key
// names (any order) and equal key values, strings compared
// case-insensitively (GUIDs arrive in either case). Host and namespace are
// ignored (a server answers for its own).
bool SameObject(const hv::cim::ObjectPath& a, const hv::cim::ObjectPath& b);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_KEYS_H_
