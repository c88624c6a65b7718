#include "vmms/cim/interop_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::Instance;

namespace {
// DMTF profiles (RegisteredOrganization 2 = DMTF) the virtualization
// namespaces follow: System Virtualization (DSP1042), Virtual System
// (DSP1057), Resource Allocation (DSP1041), Memory Resource Virtualization
// (DSP1045).
struct Profile {
  const char* id;
  const char* name;
  const char* version;
};
constexpr Profile kProfiles[] = {
    {"DMTF:DSP1042:System Virtualization", "System Virtualization", "1.0.0"},
    {"DMTF:DSP1057:Virtual System", "Virtual System", "1.0.0"},
    {"DMTF:DSP1041:Resource Allocation", "Resource Allocation", "1.1.0"},
    {"DMTF:DSP1045:Memory Resource Virtualization", "Memory Resource Virtualization", "1.0.0"},
};
}  // namespace

std::vector<std::string> InteropProvider::Classes(absl::string_view ns) const {
  if (!CiEquals(ns, kNsInterop)) return {};
  return {"CIM_Namespace", "CIM_ObjectManager", "CIM_RegisteredProfile"};
}

absl::StatusOr<std::vector<Instance>> InteropProvider::Enumerate(const CallContext& ctx,
                                                                 absl::string_view cls) {
  const hv::cim::Schema& s = *ctx.newest;
  std::vector<Instance> out;
  if (CiEquals(cls, "CIM_Namespace")) {
    for (const std::string& ns : namespaces_) {
      Instance inst("CIM_Namespace");
      SetIf(s, inst, "SystemCreationClassName", Str("CIM_ComputerSystem"));
      SetIf(s, inst, "SystemName", Str(host_name_));
      SetIf(s, inst, "ObjectManagerCreationClassName", Str("CIM_ObjectManager"));
      SetIf(s, inst, "ObjectManagerName", Str("vmms"));
      SetIf(s, inst, "CreationClassName", Str("CIM_Namespace"));
      SetIf(s, inst, "Name", Str(ns));
      SetIf(s, inst, "ClassInfo", U16(2));  // CIM
      out.push_back(std::move(inst));
    }
  } else if (CiEquals(cls, "CIM_ObjectManager")) {
    Instance inst("CIM_ObjectManager");
    SetIf(s, inst, "SystemCreationClassName", Str("CIM_ComputerSystem"));
    SetIf(s, inst, "SystemName", Str(host_name_));
    SetIf(s, inst, "CreationClassName", Str("CIM_ObjectManager"));
    SetIf(s, inst, "Name", Str("vmms"));
    SetIf(s, inst, "ElementName", Str("vmms"));
    SetIf(s, inst, "Description", Str("vmms CIM object manager (hv.cim.v1 over gRPC)"));
    SetIf(s, inst, "EnabledState", U16(2));
    SetIf(s, inst, "Started", Bool(true));
    out.push_back(std::move(inst));
  } else if (CiEquals(cls, "CIM_RegisteredProfile")) {
    for (const Profile& p : kProfiles) {
      Instance inst("CIM_RegisteredProfile");
      SetIf(s, inst, "InstanceID", Str(p.id));
      SetIf(s, inst, "RegisteredOrganization", U16(2));  // DMTF
      SetIf(s, inst, "RegisteredName", Str(p.name));
      SetIf(s, inst, "RegisteredVersion", Str(p.version));
      SetIf(s, inst, "SpecificationType", U16(2));  // Profile
      SetIf(s, inst, "AdvertiseTypes", hv::cim::Value::Array(hv::cim::CimType::kUint16,
                                                             {uint64_t{3}}));  // SLP
      out.push_back(std::move(inst));
    }
  } else {
    return hv::cim::MakeCimError(hv::cim::CimStatusCode::kInvalidClass,
                                 absl::StrCat("class '", cls, "' is not served in root/interop"));
  }
  return out;
}

}  // namespace hv::vmms::cim
