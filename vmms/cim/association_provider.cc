#include "vmms/cim/association_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::Instance;
using hv::cim::ObjectPath;

namespace {

ObjectPath Ns(ObjectPath p, const CallContext& ctx) {
  p.name_space = ctx.name_space;
  return p;
}

ObjectPath DevicePath(absl::string_view cls, absl::string_view vm_id, SettingKind kind) {
  ObjectPath p;
  p.class_name = std::string(cls);
  p.SetKey("CreationClassName", Str(std::string(cls)));
  p.SetKey("DeviceID", Str(SettingInstanceId(vm_id, kind)));
  p.SetKey("SystemCreationClassName", Str("Msvm_ComputerSystem"));
  p.SetKey("SystemName", Str(std::string(vm_id)));
  return p;
}

Instance Pair(absl::string_view cls, absl::string_view role_a, const ObjectPath& a,
              absl::string_view role_b, const ObjectPath& b) {
  Instance inst{std::string(cls)};
  inst.Set(role_a, Ref(a));
  inst.Set(role_b, Ref(b));
  return inst;
}

}  // namespace

std::vector<std::string> AssociationProvider::Classes(absl::string_view ns) const {
  if (CiEquals(ns, kNsV1) || CiEquals(ns, kNsV2)) {
    return {"Msvm_SettingsDefineState", "Msvm_ElementSettingData",
            "Msvm_VirtualSystemSettingDataComponent", "Msvm_SystemDevice",
            "Msvm_AffectedJobElement", "Msvm_HostedDependency"};
  }
  return {};
}

absl::StatusOr<std::vector<Instance>> AssociationProvider::Enumerate(const CallContext& ctx,
                                                                     absl::string_view cls) {
  std::vector<Instance> out;
  if (CiEquals(cls, "Msvm_AffectedJobElement")) {
    ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, vms_->manager().ListJobs());
    for (const JobRecord& j : jobs) {
      if (j.vm_id.empty() || !vms_->Get(j.vm_id).ok()) continue;
      Instance inst = Pair(cls, "AffectedElement", Ns(ComputerSystemPath(j.vm_id), ctx),
                           "AffectingElement", Ns(JobPath(j.id), ctx));
      inst.Set("ElementEffects", hv::cim::Value::Array(hv::cim::CimType::kUint16, {uint64_t{5}}));
      out.push_back(std::move(inst));  // 5 = Other; the job changes the system's state
    }
    return out;
  }
  ASSIGN_OR_RETURN(std::vector<VmView> vms, vms_->List());
  const ObjectPath host = Ns(ComputerSystemPath(host_name_), ctx);
  for (const VmView& vm : vms) {
    const std::string& id = vm.record.id;
    ObjectPath cs = Ns(ComputerSystemPath(id), ctx);
    if (CiEquals(cls, "Msvm_HostedDependency")) {
      out.push_back(Pair(cls, "Antecedent", host, "Dependent", cs));
      continue;
    }
    ObjectPath vssd = Ns(SettingPath("Msvm_VirtualSystemSettingData",
                                     SettingInstanceId(id, SettingKind::kSystem)),
                         ctx);
    if (CiEquals(cls, "Msvm_SettingsDefineState")) {
      out.push_back(Pair(cls, "ManagedElement", cs, "SettingData", vssd));
    } else if (CiEquals(cls, "Msvm_ElementSettingData")) {
      Instance inst = Pair(cls, "ManagedElement", cs, "SettingData", vssd);
      SetIf(*ctx.newest, inst, "IsCurrent", U16(1));
      SetIf(*ctx.newest, inst, "IsDefault", U16(2));
      out.push_back(std::move(inst));
    } else if (CiEquals(cls, "Msvm_VirtualSystemSettingDataComponent")) {
      out.push_back(Pair(cls, "GroupComponent", vssd, "PartComponent",
                         Ns(SettingPath("Msvm_MemorySettingData",
                                        SettingInstanceId(id, SettingKind::kMemory)),
                            ctx)));
      out.push_back(Pair(cls, "GroupComponent", vssd, "PartComponent",
                         Ns(SettingPath("Msvm_ProcessorSettingData",
                                        SettingInstanceId(id, SettingKind::kProcessor)),
                            ctx)));
    } else if (CiEquals(cls, "Msvm_SystemDevice")) {
      out.push_back(Pair(cls, "GroupComponent", cs, "PartComponent",
                         Ns(DevicePath("Msvm_Memory", id, SettingKind::kMemory), ctx)));
      out.push_back(Pair(cls, "GroupComponent", cs, "PartComponent",
                         Ns(DevicePath("Msvm_HeartbeatComponent", id, SettingKind::kHeartbeat), ctx)));
    } else {
      return hv::cim::MakeCimError(hv::cim::CimStatusCode::kInvalidClass,
                                   absl::StrCat("class '", cls, "' is not an association vmms serves"));
    }
  }
  return out;
}

}  // namespace hv::vmms::cim
