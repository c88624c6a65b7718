#include "vmms/cim/setting_changes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cim-schema/names.h"

namespace hv::vmms::cim {

using hv::cim::CimType;
using hv::cim::Value;

namespace {

// The integer as a signed 128-bit-safe pair: (negative, magnitude).
std::pair<bool, uint64_t> IntegerOf(const Value& v) {
  if (hv::cim::IsUnsignedInt(v.type())) return {false, v.AsUnsigned()};
  int64_t s = v.AsSigned();
  return s < 0 ? std::pair<bool, uint64_t>{true, 0 - static_cast<uint64_t>(s)}
               : std::pair<bool, uint64_t>{false, static_cast<uint64_t>(s)};
}

}  // namespace

bool SameValue(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (!a.is_array() && !b.is_array() && hv::cim::IsInteger(a.type()) &&
      hv::cim::IsInteger(b.type())) {
    return IntegerOf(a) == IntegerOf(b);
  }
  return a == b || (a.is_array() == b.is_array() && a.ToMof() == b.ToMof());
}

std::vector<hv::cim::PropertyValue> ChangedProperties(const hv::cim::Instance& current,
                                                      const hv::cim::Instance& update,
                                                      const hv::cim::Class& cls) {
  std::vector<hv::cim::PropertyValue> out;
  for (const hv::cim::PropertyValue& pv : update.properties()) {
    if (pv.value.is_null()) continue;  // NULL = "not given" (writes merge)
    const hv::cim::Property* p = cls.FindProperty(pv.name);
    if (p != nullptr && p->IsKey()) continue;
    const Value* now = current.Get(pv.name);
    Value have = now != nullptr ? *now
                 : p != nullptr ? p->default_value
                                : Value::Null(CimType::kString);
    if (!SameValue(have, pv.value)) out.push_back({p != nullptr ? p->name : pv.name, pv.value});
  }
  return out;
}

absl::Status RefuseUnstored(absl::string_view cls,
                            const std::vector<hv::cim::PropertyValue>& changed,
                            std::initializer_list<const char*> stored) {
  for (const hv::cim::PropertyValue& pv : changed) {
    bool ok = false;
    for (const char* s : stored) ok = ok || hv::cim::CiEquals(pv.name, s);
    if (!ok) {
      return absl::UnimplementedError(absl::StrCat(
          cls, ".", pv.name, " cannot be changed: vmms does not store it (it stores ",
          absl::StrJoin(stored, ", "), "); nothing was changed"));
    }
  }
  return absl::OkStatus();
}

}  // namespace hv::vmms::cim
