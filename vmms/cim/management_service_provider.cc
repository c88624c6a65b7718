#include "vmms/cim/management_service_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "cim-schema/value_map.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"
#include "vmms/cim/memory_merge.h"
#include "vmms/cim/return_codes.h"
#include "vmms/cim/setting_changes.h"
#include "vmms/cim/settings_provider.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::CimType;
using hv::cim::Instance;
using hv::cim::MakeCimError;
using hv::cim::ObjectPath;
using hv::cim::Value;

namespace {

// v1 and v2 spellings of the same parameter (hyperv.md §6 table).
struct ParamNames {
  const char* v2;
  const char* v1;
};
constexpr ParamNames kSystemSettings{"SystemSettings", "SystemSettingData"};
constexpr ParamNames kResourceSettings{"ResourceSettings", "ResourceSettingData"};
constexpr ParamNames kResultingSystem{"ResultingSystem", "DefinedSystem"};
constexpr ParamNames kDestroyTarget{"AffectedSystem", "ComputerSystem"};
constexpr ParamNames kAddTarget{"AffectedConfiguration", "TargetSystem"};

const char* Name(const CallContext& ctx, const ParamNames& n) { return ctx.IsV1() ? n.v1 : n.v2; }

// Fills `r` with the failure code of the namespace's family and a description.
void Fail(const CallContext& ctx, MethodResult& r, const absl::Status& s) {
  r.return_value = ctx.IsV1() ? static_cast<uint32_t>(ToStateChangeReturn(s))
                              : static_cast<uint32_t>(ToServiceReturn(s));
  r.error_description = std::string(s.message());
}

absl::Status InvalidParam(absl::string_view msg) { return absl::InvalidArgumentError(msg); }

ObjectPath WithNs(ObjectPath p, const CallContext& ctx) {
  p.name_space = ctx.name_space;
  return p;
}

// The VM a system reference (Msvm_ComputerSystem) or settings reference
// (InstanceID "Microsoft:<GUID>...") names.
absl::StatusOr<VmView> VmOfRef(VmDirectory* vms, const MethodArg* arg, absl::string_view what) {
  if (arg == nullptr || arg->value.is_null()) {
    return InvalidParam(absl::StrCat(what, " is required"));
  }
  const ObjectPath& p = arg->value.AsReference();
  std::string id = StringKey(p, "Name");
  if (id.empty()) {
    if (auto parsed = ParseSettingInstanceId(StringKey(p, "InstanceID"))) id = parsed->vm_id;
  }
  if (id.empty()) {
    return InvalidParam(absl::StrCat(what, ": ", p.ToWbemUri(), " names no virtual system"));
  }
  absl::StatusOr<VmView> vm = vms->Get(id);
  if (!vm.ok()) return absl::NotFoundError(absl::StrCat(what, ": ", vm.status().message()));
  return vm;
}

const Instance* SingleInstance(const MethodArg* arg) {
  if (arg == nullptr || arg->instances.empty()) return nullptr;
  return &arg->instances.front();
}

std::string StringPropertyOf(const Instance& inst, absl::string_view name) {
  const Value* v = inst.Get(name);
  return v != nullptr && !v->is_null() && v->type() == CimType::kString ? v->AsString() : "";
}

std::string ElementNameOf(const Instance& inst) { return StringPropertyOf(inst, "ElementName"); }

}  // namespace

std::vector<std::string> ManagementServiceProvider::Classes(absl::string_view ns) const {
  if (CiEquals(ns, kNsV1) || CiEquals(ns, kNsV2)) return {"Msvm_VirtualSystemManagementService"};
  return {};
}

absl::StatusOr<std::vector<Instance>> ManagementServiceProvider::Enumerate(const CallContext& ctx,
                                                                           absl::string_view) {
  const hv::cim::Schema& s = *ctx.newest;
  Instance inst("Msvm_VirtualSystemManagementService");
  SetIf(s, inst, "SystemCreationClassName", Str("Msvm_ComputerSystem"));
  SetIf(s, inst, "SystemName", Str(host_name_));
  SetIf(s, inst, "CreationClassName", Str("Msvm_VirtualSystemManagementService"));
  SetIf(s, inst, "Name", Str("vmms"));
  SetIf(s, inst, "ElementName", Str("Virtual Machine Management Service"));
  SetIf(s, inst, "Caption", Str("Virtual Machine Management Service"));
  SetIf(s, inst, "EnabledState", U16(2));
  SetIf(s, inst, "HealthState", U16(5));
  SetIf(s, inst, "Started", Bool(true));
  SetIf(s, inst, "StartMode", Str("Automatic"));
  return std::vector<Instance>{std::move(inst)};
}

absl::StatusOr<MethodResult> ManagementServiceProvider::Invoke(const CallContext& ctx,
                                                               const ObjectPath& path,
                                                               const hv::cim::Method& method,
                                                               const std::vector<MethodArg>& args) {
  using Handler = void (ManagementServiceProvider::*)(const CallContext&,
                                                      const std::vector<MethodArg>&, MethodResult&);
  struct Row {
    const char* v2;
    const char* v1;
    Handler handler;
  };
  static constexpr Row kMethods[] = {
      {"DefineSystem", "DefineVirtualSystem", &ManagementServiceProvider::Define},
      {"DestroySystem", "DestroyVirtualSystem", &ManagementServiceProvider::Destroy},
      {"ModifySystemSettings", "ModifyVirtualSystem", &ManagementServiceProvider::ModifySystem},
      {"ModifyResourceSettings", "ModifyVirtualSystemResources",
       &ManagementServiceProvider::ModifyResources},
      {"AddResourceSettings", "AddVirtualSystemResources", &ManagementServiceProvider::AddResources},
      {"RemoveResourceSettings", "RemoveVirtualSystemResources",
       &ManagementServiceProvider::RemoveResources},
      {"GetSummaryInformation", "GetSummaryInformation", &ManagementServiceProvider::Summary},
  };
  if (!path.IsClassPath() && !path.singleton) {
    // The singleton's path must be the one we serve.
    ASSIGN_OR_RETURN(std::vector<Instance> me, Enumerate(ctx, path.class_name));
    absl::StatusOr<ObjectPath> mine = me[0].Path(*ctx.newest->FindClass(me[0].class_name()));
    if (!mine.ok() || !SameObject(*mine, path)) {
      return MakeCimError(CimStatusCode::kNotFound, absl::StrCat("no instance ", path.ToWbemUri()));
    }
  }
  for (const Row& row : kMethods) {
    if (CiEquals(method.name, ctx.IsV1() ? row.v1 : row.v2)) {
      MethodResult r;
      (this->*row.handler)(ctx, args, r);
      return r;
    }
  }
  return ClassProvider::Invoke(ctx, path, method, args);
}

void ManagementServiceProvider::Define(const CallContext& ctx, const std::vector<MethodArg>& args,
                                       MethodResult& r) {
  const Instance* sys = SingleInstance(FindArg(args, Name(ctx, kSystemSettings)));
  if (sys == nullptr) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kSystemSettings), " is required")));
  }
  const hv::cim::Class* sys_cls = ctx.newest->FindClass(sys->class_name());
  if (sys_cls == nullptr || !ctx.newest->IsSubclassOf(sys->class_name(), "CIM_VirtualSystemSettingData")) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kSystemSettings), ": ",
                                                  sys->class_name(),
                                                  " is not a virtual system setting")));
  }
  // What differs from a fresh instance's defaults is stored or refused by
  // name, as in ModifySystemSettings: nothing given is silently dropped.
  absl::Status refused = RefuseUnstored(
      sys->class_name(), ChangedProperties(Instance(sys->class_name()), *sys, *sys_cls),
      {"ElementName", "GuestCommandLine", "AutomaticRecoveryAction", "Notes"});
  if (!refused.ok()) return Fail(ctx, r, refused);
  VmDefinition def;
  def.name = ElementNameOf(*sys);
  def.guest_command_line = StringPropertyOf(*sys, "GuestCommandLine");
  if (const Value* v = sys->Get("AutomaticRecoveryAction"); v != nullptr && !v->is_null()) {
    def.recovery = static_cast<RecoveryAction>(v->AsUnsigned());
  }
  if (const Value* v = sys->Get("Notes"); v != nullptr && !v->is_null()) {
    for (const hv::cim::Scalar& e : v->array()) def.notes.push_back(std::get<std::string>(e));
  }
  if (def.guest_command_line.size() > 1000) {  // the guest's boot-info field holds 1024 bytes
    return Fail(ctx, r, InvalidParam("GuestCommandLine is longer than 1000 bytes"));
  }
  if (const MethodArg* res = FindArg(args, Name(ctx, kResourceSettings))) {
    const hv::cim::Class* mem_cls = ctx.schema->FindClass("Msvm_MemorySettingData");
    for (const Instance& inst : res->instances) {
      if (CiEquals(inst.class_name(), "Msvm_MemorySettingData") && mem_cls != nullptr) {
        absl::StatusOr<MemorySettings> m = MergeMemorySettings(def.memory, inst, *mem_cls);
        if (!m.ok()) return Fail(ctx, r, InvalidParam(m.status().message()));
        // Hyper-V: the minimum defaults to the startup size (hyperv.md §6).
        const Value* min = inst.Get("Reservation");
        if (min == nullptr || min->is_null() || !mem_cls->FindProperty("DynamicMemoryEnabled")) {
          m->minimum_mib = m->startup_mib;
        }
        def.memory = *m;
      } else if (CiEquals(inst.class_name(), "Msvm_ProcessorSettingData")) {
        absl::StatusOr<uint32_t> n = MergeProcessorCount(def.vcpu_count, inst);
        if (!n.ok()) return Fail(ctx, r, InvalidParam(n.status().message()));
        def.vcpu_count = *n;
      } else {
        return Fail(ctx, r, absl::UnimplementedError(absl::StrCat(
                                "resource class ", inst.class_name(),
                                " is not supported (memory and processor only)")));
      }
    }
  }
  absl::StatusOr<VmRecord> vm = vms_->manager().DefineVm(def);
  if (!vm.ok()) return Fail(ctx, r, vm.status());
  r.out.push_back({Name(ctx, kResultingSystem), Ref(WithNs(ComputerSystemPath(vm->id), ctx)), {}});
}

void ManagementServiceProvider::Destroy(const CallContext& ctx, const std::vector<MethodArg>& args,
                                        MethodResult& r) {
  absl::StatusOr<VmView> vm = VmOfRef(vms_, FindArg(args, Name(ctx, kDestroyTarget)),
                                      Name(ctx, kDestroyTarget));
  if (!vm.ok()) return Fail(ctx, r, vm.status());
  absl::StatusOr<std::optional<JobRecord>> job = vms_->manager().DestroySystem(vm->record.id);
  if (!job.ok()) return Fail(ctx, r, job.status());
  if (job->has_value()) {  // a running VM: turned off, then destroyed, by the job
    r.return_value = static_cast<uint32_t>(ServiceReturn::kJobStarted);  // 4096 in v1 too
    r.out.push_back({"Job", Ref(WithNs(JobPath((*job)->id), ctx)), {}});
  }
}

void ManagementServiceProvider::ModifySystem(const CallContext& ctx,
                                             const std::vector<MethodArg>& args, MethodResult& r) {
  const Instance* sys = SingleInstance(FindArg(args, Name(ctx, kSystemSettings)));
  if (sys == nullptr) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kSystemSettings), " is required")));
  }
  std::string vm_id;
  if (ctx.IsV1()) {
    absl::StatusOr<VmView> vm = VmOfRef(vms_, FindArg(args, "ComputerSystem"), "ComputerSystem");
    if (!vm.ok()) return Fail(ctx, r, vm.status());
    vm_id = vm->record.id;
  } else {
    const Value* iid = sys->Get("InstanceID");
    std::optional<ParsedSettingId> parsed =
        iid != nullptr && !iid->is_null() ? ParseSettingInstanceId(iid->AsString()) : std::nullopt;
    if (!parsed) {
      return Fail(ctx, r, InvalidParam("SystemSettings: InstanceID \"Microsoft:<GUID>\" is required"));
    }
    vm_id = parsed->vm_id;
  }
  absl::StatusOr<VmView> vm = vms_->Get(vm_id);
  if (!vm.ok()) return Fail(ctx, r, absl::NotFoundError(vm.status().message()));
  if (!CiEquals(sys->class_name(), "Msvm_VirtualSystemSettingData") &&
      !CiEquals(sys->class_name(), "Msvm_VirtualSystemGlobalSettingData")) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kSystemSettings), ": ",
                                                  sys->class_name(),
                                                  " is not a virtual system setting")));
  }
  absl::StatusOr<Instance> current = SettingInstance(ctx, sys->class_name(), *vm);
  if (!current.ok()) return Fail(ctx, r, InvalidParam(current.status().message()));
  // Every changed property is stored through the domain or refused by name.
  std::vector<hv::cim::PropertyValue> changed =
      ChangedProperties(*current, *sys, *ctx.newest->FindClass(current->class_name()));
  absl::Status refused = RefuseUnstored(
      current->class_name(), changed,
      {"ElementName", "GuestCommandLine", "AutomaticRecoveryAction", "Notes"});
  if (!refused.ok()) return Fail(ctx, r, refused);
  VmSystemChange change;
  for (const hv::cim::PropertyValue& pv : changed) {
    if (CiEquals(pv.name, "ElementName")) change.name = pv.value.AsString();
    if (CiEquals(pv.name, "GuestCommandLine")) change.guest_command_line = pv.value.AsString();
    if (CiEquals(pv.name, "AutomaticRecoveryAction")) {
      change.recovery = static_cast<RecoveryAction>(pv.value.AsUnsigned());
    }
    if (CiEquals(pv.name, "Notes")) {
      std::vector<std::string> notes;
      for (const hv::cim::Scalar& e : pv.value.array()) notes.push_back(std::get<std::string>(e));
      change.notes = std::move(notes);
    }
  }
  absl::StatusOr<VmRecord> done = vms_->manager().ModifySystem(vm_id, change);
  if (!done.ok()) return Fail(ctx, r, done.status());
}

void ManagementServiceProvider::ModifyResources(const CallContext& ctx,
                                                const std::vector<MethodArg>& args,
                                                MethodResult& r) {
  const MethodArg* res = FindArg(args, Name(ctx, kResourceSettings));
  if (res == nullptr || res->instances.empty()) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kResourceSettings), " is required")));
  }
  std::string target;  // v1: the ComputerSystem parameter names the VM
  if (ctx.IsV1()) {
    absl::StatusOr<VmView> vm = VmOfRef(vms_, FindArg(args, "ComputerSystem"), "ComputerSystem");
    if (!vm.ok()) return Fail(ctx, r, vm.status());
    target = vm->record.id;
  }
  std::vector<hv::cim::Scalar> resulting;
  const hv::cim::Class* mem_cls = ctx.schema->FindClass("Msvm_MemorySettingData");
  for (const Instance& inst : res->instances) {
    const Value* iid = inst.Get("InstanceID");
    std::optional<ParsedSettingId> parsed =
        iid != nullptr && !iid->is_null() ? ParseSettingInstanceId(iid->AsString()) : std::nullopt;
    std::string vm_id = parsed ? parsed->vm_id : target;
    if (vm_id.empty()) {
      return Fail(ctx, r, InvalidParam(absl::StrCat(inst.class_name(),
                                                    ": InstanceID \"Microsoft:<GUID>\\...\" is required")));
    }
    if (!target.empty() && vm_id != target) {
      return Fail(ctx, r, InvalidParam(absl::StrCat(inst.class_name(), " ", iid->AsString(),
                                                    " does not belong to system ", target)));
    }
    absl::StatusOr<VmView> vm = vms_->Get(vm_id);
    if (!vm.ok()) return Fail(ctx, r, absl::NotFoundError(vm.status().message()));
    const bool memory = CiEquals(inst.class_name(), "Msvm_MemorySettingData") &&
                        mem_cls != nullptr && (!parsed || parsed->kind == SettingKind::kMemory);
    const bool processor = CiEquals(inst.class_name(), "Msvm_ProcessorSettingData");
    if (memory || processor) {
      // Only the properties the domain stores may change (others are refused
      // by name, never dropped); RTM-era Reservation/Limit merge as
      // memory_merge.h says.
      absl::StatusOr<Instance> current = SettingInstance(ctx, inst.class_name(), *vm);
      if (!current.ok()) return Fail(ctx, r, InvalidParam(current.status().message()));
      std::vector<hv::cim::PropertyValue> changed =
          ChangedProperties(*current, inst, *ctx.newest->FindClass(current->class_name()));
      absl::Status refused =
          memory ? RefuseUnstored(current->class_name(), changed,
                                  {"VirtualQuantity", "Reservation", "Limit", "Weight",
                                   "DynamicMemoryEnabled", "TargetMemoryBuffer", "ResourceType"})
                 : RefuseUnstored(current->class_name(), changed, {"VirtualQuantity", "ResourceType"});
      if (!refused.ok()) return Fail(ctx, r, refused);
    }
    if (memory) {
      absl::StatusOr<MemorySettings> m = MergeMemorySettings(vm->record.memory, inst, *mem_cls);
      if (!m.ok()) return Fail(ctx, r, InvalidParam(m.status().message()));
      absl::StatusOr<VmRecord> done = vms_->manager().ModifyMemory(vm_id, *m);
      if (!done.ok()) return Fail(ctx, r, done.status());
      resulting.push_back(std::make_shared<const ObjectPath>(WithNs(
          SettingPath("Msvm_MemorySettingData", SettingInstanceId(vm_id, SettingKind::kMemory)),
          ctx)));
    } else if (processor) {
      absl::StatusOr<uint32_t> n = MergeProcessorCount(vm->record.vcpu_count, inst);
      if (!n.ok()) return Fail(ctx, r, InvalidParam(n.status().message()));
      if (*n != vm->record.vcpu_count) {
        return Fail(ctx, r, absl::UnimplementedError(absl::StrCat(
                                "vm '", vm->record.name,
                                "': changing the processor count after definition is not supported")));
      }
      resulting.push_back(std::make_shared<const ObjectPath>(WithNs(
          SettingPath("Msvm_ProcessorSettingData", SettingInstanceId(vm_id, SettingKind::kProcessor)),
          ctx)));
    } else {
      return Fail(ctx, r, InvalidParam(absl::StrCat(inst.class_name(), " ",
                                                    iid ? iid->ToMof() : "", " is not a resource of vm '",
                                                    vm->record.name, "'")));
    }
  }
  if (!ctx.IsV1()) {
    r.out.push_back({"ResultingResourceSettings", Value::Array(CimType::kReference, resulting), {}});
  }
}

void ManagementServiceProvider::AddResources(const CallContext& ctx,
                                             const std::vector<MethodArg>& args, MethodResult& r) {
  absl::StatusOr<VmView> vm = VmOfRef(vms_, FindArg(args, Name(ctx, kAddTarget)), Name(ctx, kAddTarget));
  if (!vm.ok()) return Fail(ctx, r, vm.status());
  const MethodArg* res = FindArg(args, Name(ctx, kResourceSettings));
  if (res == nullptr || res->instances.empty()) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kResourceSettings), " is required")));
  }
  // A vmms VM has exactly one memory and one processor setting, both created
  // with the system; there is nothing else to add.
  return Fail(ctx, r, absl::UnimplementedError(absl::StrCat(
                          "vm '", vm->record.name, "' already has its ", res->instances[0].class_name(),
                          "; vmms VMs have exactly one memory and one processor setting (use ",
                          ctx.IsV1() ? "ModifyVirtualSystemResources" : "ModifyResourceSettings", ")")));
}

void ManagementServiceProvider::RemoveResources(const CallContext& ctx,
                                                const std::vector<MethodArg>& args,
                                                MethodResult& r) {
  const MethodArg* refs = FindArg(args, Name(ctx, kResourceSettings));
  if (refs == nullptr || refs->value.is_null() || refs->value.array().empty()) {
    return Fail(ctx, r, InvalidParam(absl::StrCat(Name(ctx, kResourceSettings), " is required")));
  }
  for (const hv::cim::Scalar& s : refs->value.array()) {
    const ObjectPath& p = *std::get<std::shared_ptr<const ObjectPath>>(s);
    std::optional<ParsedSettingId> parsed = ParseSettingInstanceId(StringKey(p, "InstanceID"));
    if (!parsed || !vms_->Get(parsed->vm_id).ok()) {
      return Fail(ctx, r, absl::NotFoundError(absl::StrCat("no resource setting ", p.ToWbemUri())));
    }
  }
  return Fail(ctx, r, absl::UnimplementedError(
                          "memory and processor settings cannot be removed from a vmms VM"));
}

void ManagementServiceProvider::Summary(const CallContext& ctx, const std::vector<MethodArg>& args,
                                        MethodResult& r) {
  std::vector<uint32_t> codes;
  const hv::cim::Method* m =
      ctx.schema->FindClass("Msvm_VirtualSystemManagementService")->FindMethod("GetSummaryInformation");
  const hv::cim::Parameter* ri = m->FindParameter("RequestedInformation");
  std::vector<hv::cim::ValueMapEntry> known = hv::cim::GetValueMap(ri->qualifiers);
  if (const MethodArg* a = FindArg(args, "RequestedInformation"); a && !a->value.is_null()) {
    for (const hv::cim::Scalar& s : a->value.array()) {
      uint32_t c = static_cast<uint32_t>(std::get<uint64_t>(s));
      bool ok = false;
      for (const auto& e : known) ok = ok || e.value == std::to_string(c);
      if (!ok) {
        return Fail(ctx, r, InvalidParam(absl::StrCat("RequestedInformation ", c, " is not defined in ",
                                                      ctx.name_space, "@", ctx.version)));
      }
      codes.push_back(c);
    }
  }
  std::vector<VmView> vms;
  const MethodArg* sd = FindArg(args, "SettingData");
  if (sd == nullptr || sd->value.is_null()) {
    absl::StatusOr<std::vector<VmView>> all = vms_->List();
    if (!all.ok()) return Fail(ctx, r, all.status());
    vms = *std::move(all);
  } else {
    for (const hv::cim::Scalar& s : sd->value.array()) {
      MethodArg one{"SettingData", Value::Reference(*std::get<std::shared_ptr<const ObjectPath>>(s)), {}};
      absl::StatusOr<VmView> vm = VmOfRef(vms_, &one, "SettingData");
      if (!vm.ok()) return Fail(ctx, r, vm.status());
      vms.push_back(*std::move(vm));
    }
  }
  OutParam out;
  out.name = "SummaryInformation";
  out.embedded = true;
  out.is_array = true;
  for (const VmView& vm : vms) {
    out.instances.push_back(
        SummaryInstance(ctx, vm, codes, vms_->Times(vm), vms_->ProcessorLoad(vm)));
  }
  r.out.push_back(std::move(out));
}

}  // namespace hv::vmms::cim
