#include "vmms/cim/settings_provider.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;

std::vector<std::string> SettingsProvider::Classes(absl::string_view ns) const {
  if (CiEquals(ns, kNsV1)) {
    return {"Msvm_VirtualSystemSettingData", "Msvm_VirtualSystemGlobalSettingData",
            "Msvm_MemorySettingData", "Msvm_ProcessorSettingData"};
  }
  if (CiEquals(ns, kNsV2)) {
    return {"Msvm_VirtualSystemSettingData", "Msvm_MemorySettingData",
            "Msvm_ProcessorSettingData"};
  }
  return {};
}

absl::StatusOr<Instance> SettingInstance(const CallContext& ctx, absl::string_view cls,
                                         const VmView& vm) {
  const bool vssd = CiEquals(cls, "Msvm_VirtualSystemSettingData");
  if (vssd || (CiEquals(cls, "Msvm_VirtualSystemGlobalSettingData") && ctx.IsV1())) {
    Instance inst = vssd ? SystemSettingInstance(ctx, vm) : GlobalSettingInstance(ctx, vm);
    // Notes, written through ModifySystemSettings (management_service_provider.cc).
    if (!vm.record.notes.empty()) {
      std::vector<hv::cim::Scalar> notes(vm.record.notes.begin(), vm.record.notes.end());
      SetIf(*ctx.newest, inst, "Notes", hv::cim::Value::Array(hv::cim::CimType::kString, notes));
    }
    return inst;
  }
  if (CiEquals(cls, "Msvm_MemorySettingData")) return MemorySettingInstance(ctx, vm);
  if (CiEquals(cls, "Msvm_ProcessorSettingData")) return ProcessorSettingInstance(ctx, vm);
  return MakeCimError(CimStatusCode::kInvalidClass,
                      absl::StrCat("class '", cls, "' is not served by the settings provider in ",
                                   ctx.name_space));
}

absl::StatusOr<std::vector<Instance>> SettingsProvider::Enumerate(const CallContext& ctx,
                                                                  absl::string_view cls) {
  ASSIGN_OR_RETURN(std::vector<VmView> vms, vms_->List());
  std::vector<Instance> out;
  for (const VmView& vm : vms) {
    ASSIGN_OR_RETURN(Instance inst, SettingInstance(ctx, cls, vm));
    out.push_back(std::move(inst));
  }
  return out;
}

absl::StatusOr<Instance> SettingsProvider::Get(const CallContext& ctx,
                                               const hv::cim::ObjectPath& path) {
  std::string iid = StringKey(path, "InstanceID");
  std::optional<ParsedSettingId> parsed = ParseSettingInstanceId(iid);
  auto not_found = [&](absl::string_view why) {
    return MakeCimError(CimStatusCode::kNotFound,
                        absl::StrCat("no instance ", path.ToWbemUri(), ": ", why));
  };
  if (!parsed) return not_found("InstanceID is not \"Microsoft:<GUID>[\\<device>]\"");
  absl::StatusOr<VmView> vm = vms_->Get(parsed->vm_id);
  if (!vm.ok()) return not_found(vm.status().message());
  ASSIGN_OR_RETURN(Instance inst, SettingInstance(ctx, path.class_name, *vm));
  const hv::cim::Value* have = inst.Get("InstanceID");
  if (have == nullptr || !absl::EqualsIgnoreCase(have->AsString(), iid)) {
    return not_found(absl::StrCat("the ", path.class_name, " of this system has InstanceID ",
                                  have ? have->AsString() : "(none)"));
  }
  return inst;
}

}  // namespace hv::vmms::cim
