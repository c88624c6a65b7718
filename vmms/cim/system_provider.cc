#include "vmms/cim/system_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"
#include "vmms/cim/return_codes.h"
#include "vmms/cim/state_mapping.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;

std::vector<std::string> SystemProvider::Classes(absl::string_view ns) const {
  if (CiEquals(ns, kNsV1) || CiEquals(ns, kNsV2)) {
    return {"Msvm_ComputerSystem", "Msvm_Memory", "Msvm_HeartbeatComponent"};
  }
  return {};
}

absl::StatusOr<Instance> SystemProvider::Build(const CallContext& ctx, absl::string_view cls,
                                               const VmView& vm) {
  if (CiEquals(cls, "Msvm_ComputerSystem")) {
    Instance inst = ComputerSystemInstance(ctx, vm, vms_->Times(vm));
    // The owner fields clients write through ModifyInstance (Modify below).
    const VmRecord& r = vm.record;
    if (!r.primary_owner_name.empty()) {
      SetIf(*ctx.newest, inst, "PrimaryOwnerName", Str(r.primary_owner_name));
    }
    if (!r.primary_owner_contact.empty()) {
      SetIf(*ctx.newest, inst, "PrimaryOwnerContact", Str(r.primary_owner_contact));
    }
    if (!r.roles.empty()) {
      std::vector<hv::cim::Scalar> roles(r.roles.begin(), r.roles.end());
      SetIf(*ctx.newest, inst, "Roles", hv::cim::Value::Array(hv::cim::CimType::kString, roles));
    }
    return inst;
  }
  if (CiEquals(cls, "Msvm_Memory")) return MemoryDeviceInstance(ctx, vm);
  if (CiEquals(cls, "Msvm_HeartbeatComponent")) return HeartbeatInstance(ctx, vm);
  return MakeCimError(CimStatusCode::kInvalidClass,
                      absl::StrCat("class '", cls, "' is not served by the system provider"));
}

bool SystemProvider::IsHost(const hv::cim::ObjectPath& path) const {
  return CiEquals(path.class_name, "Msvm_ComputerSystem") &&
         CiEquals(StringKey(path, "Name"), host_name_);
}

Instance SystemProvider::HostInstance(const CallContext& ctx) const {
  const hv::cim::Schema& s = *ctx.newest;
  Instance inst("Msvm_ComputerSystem");
  SetIf(s, inst, "CreationClassName", Str("Msvm_ComputerSystem"));
  SetIf(s, inst, "Name", Str(host_name_));
  SetIf(s, inst, "ElementName", Str(host_name_));
  SetIf(s, inst, "Caption", Str("Hosting Computer System"));
  SetIf(s, inst, "Description", Str("Microsoft Hosting Computer System"));
  SetIf(s, inst, "NameFormat", Str("DNS"));
  SetIf(s, inst, "EnabledState", U16(2));     // Enabled
  SetIf(s, inst, "RequestedState", U16(12));  // Not Applicable
  SetIf(s, inst, "EnabledDefault", U16(2));
  SetIf(s, inst, "HealthState", U16(5));      // OK
  SetIf(s, inst, "OperationalStatus", hv::cim::Value::Array(hv::cim::CimType::kUint16, {uint64_t{2}}));
  return inst;
}

absl::StatusOr<std::vector<Instance>> SystemProvider::Enumerate(const CallContext& ctx,
                                                                absl::string_view cls) {
  ASSIGN_OR_RETURN(std::vector<VmView> vms, vms_->List());
  std::vector<Instance> out;
  out.reserve(vms.size() + 1);
  if (CiEquals(cls, "Msvm_ComputerSystem")) out.push_back(HostInstance(ctx));
  for (const VmView& vm : vms) {
    ASSIGN_OR_RETURN(Instance inst, Build(ctx, cls, vm));
    out.push_back(std::move(inst));
  }
  return out;
}

absl::StatusOr<Instance> SystemProvider::Get(const CallContext& ctx,
                                             const hv::cim::ObjectPath& path) {
  if (IsHost(path)) {
    Instance host = HostInstance(ctx);
    absl::StatusOr<hv::cim::ObjectPath> p = host.Path(*ctx.newest->FindClass("Msvm_ComputerSystem"));
    if (p.ok() && SameObject(*p, path)) return host;
    return MakeCimError(CimStatusCode::kNotFound, absl::StrCat("no instance ", path.ToWbemUri()));
  }
  // Only the VM named by the key is read, not the whole list.
  std::string id = CiEquals(path.class_name, "Msvm_ComputerSystem") ? StringKey(path, "Name")
                                                                     : StringKey(path, "SystemName");
  if (id.empty()) {
    return MakeCimError(CimStatusCode::kNotFound,
                        absl::StrCat("no instance ", path.ToWbemUri(), ": key missing"));
  }
  absl::StatusOr<VmView> vm = vms_->Get(id);
  if (!vm.ok()) {
    return MakeCimError(CimStatusCode::kNotFound,
                        absl::StrCat("no instance ", path.ToWbemUri(), ": ", vm.status().message()));
  }
  ASSIGN_OR_RETURN(Instance inst, Build(ctx, path.class_name, *vm));
  absl::StatusOr<hv::cim::ObjectPath> p = inst.Path(*ctx.newest->FindClass(inst.class_name()));
  if (!p.ok() || !SameObject(*p, path)) {
    return MakeCimError(CimStatusCode::kNotFound, absl::StrCat("no instance ", path.ToWbemUri()));
  }
  return inst;
}

absl::Status SystemProvider::Modify(const CallContext& ctx, const hv::cim::ObjectPath& path,
                                    const std::vector<hv::cim::PropertyValue>& changes) {
  if (!CiEquals(path.class_name, "Msvm_ComputerSystem") || IsHost(path)) {
    return ClassProvider::Modify(ctx, path, changes);  // nothing stored for the host
  }
  VmSystemChange change;
  for (const hv::cim::PropertyValue& pv : changes) {
    auto text = [&] { return pv.value.is_null() ? std::string() : pv.value.AsString(); };
    if (CiEquals(pv.name, "PrimaryOwnerName")) {
      change.primary_owner_name = text();
    } else if (CiEquals(pv.name, "PrimaryOwnerContact")) {
      change.primary_owner_contact = text();
    } else if (CiEquals(pv.name, "Roles")) {
      std::vector<std::string> roles;
      if (!pv.value.is_null()) {
        for (const hv::cim::Scalar& e : pv.value.array()) roles.push_back(std::get<std::string>(e));
      }
      change.roles = std::move(roles);
    } else {
      return RefuseUnstoredWrite(path.class_name, pv.name);  // e.g. EnabledDefault
    }
  }
  absl::StatusOr<VmRecord> done = vms_->manager().ModifySystem(StringKey(path, "Name"), change);
  return ToCimError(done.status());
}

absl::StatusOr<MethodResult> SystemProvider::Invoke(const CallContext& ctx,
                                                    const hv::cim::ObjectPath& path,
                                                    const hv::cim::Method& method,
                                                    const std::vector<MethodArg>& args) {
  if (!CiEquals(path.class_name, "Msvm_ComputerSystem") ||
      !CiEquals(method.name, "RequestStateChange")) {
    return ClassProvider::Invoke(ctx, path, method, args);
  }
  if (path.IsClassPath()) {
    return MakeCimError(CimStatusCode::kInvalidParameter,
                        "RequestStateChange needs an instance path, not the class");
  }
  ASSIGN_OR_RETURN(Instance cs, Get(ctx, path));
  const std::string id = cs.Get("Name")->AsString();
  MethodResult result;
  if (IsHost(path)) {
    result.return_value = static_cast<uint32_t>(StateChangeReturn::kNotSupported);
    result.error_description = absl::StrCat("the hosting computer system '", host_name_,
                                            "' is not a virtual machine; vmms does not change "
                                            "its state");
    return result;
  }
  const MethodArg* rs = FindArg(args, "RequestedState");
  if (rs == nullptr || rs->value.is_null()) {
    result.return_value = static_cast<uint32_t>(StateChangeReturn::kInvalidParameter);
    result.error_description = "RequestStateChange: RequestedState is required";
    return result;
  }
  uint32_t requested = static_cast<uint32_t>(rs->value.AsUnsigned());
  if (ctx.IsV1()) {
    std::optional<uint32_t> v2 = V1RequestToV2(requested);
    if (!v2) {
      result.return_value = static_cast<uint32_t>(StateChangeReturn::kInvalidParameter);
      result.error_description =
          absl::StrCat("RequestedState ", requested,
                       " is not defined in root/virtualization (2, 3, 10, 32768, 32769)");
      return result;
    }
    requested = *v2;
  }
  absl::StatusOr<JobRecord> job = vms_->manager().RequestStateChange(id, requested);
  if (!job.ok()) {
    result.return_value = static_cast<uint32_t>(ToStateChangeReturn(job.status()));
    result.error_description = std::string(job.status().message());
    return result;
  }
  OutParam out;
  out.name = "Job";
  hv::cim::ObjectPath jp = JobPath(job->id);
  jp.name_space = ctx.name_space;
  out.value = Ref(jp);
  result.out.push_back(std::move(out));
  result.return_value = static_cast<uint32_t>(StateChangeReturn::kJobStarted);
  return result;
}

}  // namespace hv::vmms::cim
