#include "vmms/cim/keys.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/names.h"
#include "vmms/model/guid.h"

namespace hv::vmms::cim {

using hv::cim::ObjectPath;
using hv::cim::Value;

std::string SettingInstanceId(absl::string_view vm_id, SettingKind kind) {
  std::string base = absl::StrCat("Microsoft:", vm_id);
  switch (kind) {
    case SettingKind::kSystem:
      return base;
    case SettingKind::kGlobal:
      return absl::StrCat(base, "\\", kGlobalSubId);
    case SettingKind::kMemory:
      return absl::StrCat(base, "\\", kMemorySubId);
    case SettingKind::kProcessor:
      return absl::StrCat(base, "\\", kProcessorSubId, "\\0");
    case SettingKind::kHeartbeat:
      return absl::StrCat(base, "\\", kHeartbeatSubId);
  }
  return base;
}

std::optional<ParsedSettingId> ParseSettingInstanceId(absl::string_view id) {
  constexpr absl::string_view kPrefix = "Microsoft:";
  if (!absl::StartsWithIgnoreCase(id, kPrefix)) return std::nullopt;
  id.remove_prefix(kPrefix.size());
  absl::string_view guid = id.substr(0, id.find('\\'));
  absl::string_view rest = guid.size() < id.size() ? id.substr(guid.size() + 1) : "";
  std::string upper = absl::AsciiStrToUpper(guid);
  if (!IsGuid(upper)) return std::nullopt;
  ParsedSettingId out{upper, SettingKind::kSystem};
  if (rest.empty()) return out;
  if (absl::EqualsIgnoreCase(rest, kGlobalSubId)) {
    out.kind = SettingKind::kGlobal;
  } else if (absl::EqualsIgnoreCase(rest, kMemorySubId)) {
    out.kind = SettingKind::kMemory;
  } else if (absl::EqualsIgnoreCase(rest, absl::StrCat(kProcessorSubId, "\\0"))) {
    out.kind = SettingKind::kProcessor;
  } else if (absl::EqualsIgnoreCase(rest, kHeartbeatSubId)) {
    out.kind = SettingKind::kHeartbeat;
  } else {
    return std::nullopt;
  }
  return out;
}

ObjectPath ComputerSystemPath(absl::string_view vm_id) {
  ObjectPath p;
  p.class_name = "Msvm_ComputerSystem";
  p.SetKey("CreationClassName", Value::String("Msvm_ComputerSystem"));
  p.SetKey("Name", Value::String(std::string(vm_id)));
  return p;
}

ObjectPath JobPath(absl::string_view job_id) {
  ObjectPath p;
  p.class_name = "Msvm_ConcreteJob";
  p.SetKey("InstanceID", Value::String(std::string(job_id)));
  return p;
}

ObjectPath SettingPath(absl::string_view cls, absl::string_view instance_id) {
  ObjectPath p;
  p.class_name = std::string(cls);
  p.SetKey("InstanceID", Value::String(std::string(instance_id)));
  return p;
}

std::string StringKey(const ObjectPath& path, absl::string_view name) {
  const Value* v = path.FindKey(name);
  if (v == nullptr || v->is_null() || v->is_array() || v->type() != hv::cim::CimType::kString) {
    return "";
  }
  return v->AsString();
}

namespace {
bool SameKeyValue(const Value& a, const Value& b) {
  if (!a.is_null() && !b.is_null() && !a.is_array() && !b.is_array() &&
      a.type() == hv::cim::CimType::kString && b.type() == hv::cim::CimType::kString) {
    return absl::EqualsIgnoreCase(a.AsString(), b.AsString());
  }
  if (!a.is_null() && !b.is_null() && a.type() == hv::cim::CimType::kReference &&
      b.type() == hv::cim::CimType::kReference && !a.is_array() && !b.is_array()) {
    return SameObject(a.AsReference(), b.AsReference());
  }
  // Untyped key text: a number may arrive as a string; compare MOF forms.
  return a == b || a.ToMof() == b.ToMof();
}
}  // namespace

bool SameObject(const ObjectPath& a, const ObjectPath& b) {
  if (!hv::cim::CiEquals(a.class_name, b.class_name)) return false;
  if (a.keys.size() != b.keys.size()) return false;
  for (const auto& k : a.keys) {
    const Value* other = b.FindKey(k.name);
    if (other == nullptr || !SameKeyValue(k.value, *other)) return false;
  }
  return true;
}

}  // namespace hv::vmms::cim
