#include "vmms/cim/memory_merge.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"

namespace hv::vmms::cim {

using hv::cim::CimStatusCode;
using hv::cim::MakeCimError;
using hv::cim::Value;

namespace {

enum class Field { kStartup, kMinimum, kMaximum, kWeight, kDynamic, kBuffer };

struct MemoryProperty {
  const char* property;
  Field field;
  // Applied from clients whose schema has no Dynamic Memory (see header).
  bool applies_without_dm;
};
constexpr MemoryProperty kMemoryProperties[] = {
    {"VirtualQuantity", Field::kStartup, true},
    {"Weight", Field::kWeight, true},
    {"Reservation", Field::kMinimum, false},
    {"Limit", Field::kMaximum, false},
    {"DynamicMemoryEnabled", Field::kDynamic, false},
    {"TargetMemoryBuffer", Field::kBuffer, false},
};

absl::StatusOr<uint64_t> Unsigned(const Value& v, absl::string_view name, uint64_t max) {
  uint64_t x = 0;
  if (!v.is_array() && v.type() != hv::cim::CimType::kBoolean && hv::cim::IsUnsignedInt(v.type())) {
    x = v.AsUnsigned();
  } else if (!v.is_array() && hv::cim::IsSignedInt(v.type()) && v.AsSigned() >= 0) {
    x = static_cast<uint64_t>(v.AsSigned());
  } else {
    return MakeCimError(CimStatusCode::kInvalidParameter,
                        absl::StrCat("Msvm_MemorySettingData.", name,
                                     ": expected an unsigned integer, got ", v.ToMof()));
  }
  if (x > max) {
    return MakeCimError(CimStatusCode::kInvalidParameter,
                        absl::StrCat("Msvm_MemorySettingData.", name, " = ", x,
                                     " is out of range (max ", max, ")"));
  }
  return x;
}

}  // namespace

absl::StatusOr<MemorySettings> MergeMemorySettings(const MemorySettings& current,
                                                   const hv::cim::Instance& update,
                                                   const hv::cim::Class& client_class) {
  if (const Value* rt = update.Get("ResourceType"); rt != nullptr && !rt->is_null()) {
    if (rt->is_array() || !hv::cim::IsInteger(rt->type()) ||
        (hv::cim::IsUnsignedInt(rt->type()) ? rt->AsUnsigned() != 4 : rt->AsSigned() != 4)) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("Msvm_MemorySettingData.ResourceType must be 4 (Memory), got ",
                                       rt->ToMof()));
    }
  }
  const bool client_knows_dm = client_class.FindProperty("DynamicMemoryEnabled") != nullptr;
  MemorySettings m = current;
  for (const MemoryProperty& p : kMemoryProperties) {
    if (!client_knows_dm && !p.applies_without_dm) continue;
    const Value* v = update.Get(p.property);
    if (v == nullptr || v->is_null()) continue;
    switch (p.field) {
      case Field::kDynamic:
        if (v->is_array() || v->type() != hv::cim::CimType::kBoolean) {
          return MakeCimError(CimStatusCode::kInvalidParameter,
                              absl::StrCat("Msvm_MemorySettingData.DynamicMemoryEnabled: expected "
                                           "a boolean, got ", v->ToMof()));
        }
        m.dynamic_memory_enabled = v->AsBool();
        break;
      case Field::kStartup: {
        absl::StatusOr<uint64_t> x = Unsigned(*v, p.property, std::numeric_limits<uint64_t>::max());
        if (!x.ok()) return x.status();
        m.startup_mib = *x;
        break;
      }
      case Field::kMinimum: {
        absl::StatusOr<uint64_t> x = Unsigned(*v, p.property, std::numeric_limits<uint64_t>::max());
        if (!x.ok()) return x.status();
        m.minimum_mib = *x;
        break;
      }
      case Field::kMaximum: {
        absl::StatusOr<uint64_t> x = Unsigned(*v, p.property, std::numeric_limits<uint64_t>::max());
        if (!x.ok()) return x.status();
        m.maximum_mib = *x;
        break;
      }
      case Field::kWeight: {
        absl::StatusOr<uint64_t> x = Unsigned(*v, p.property, std::numeric_limits<uint32_t>::max());
        if (!x.ok()) return x.status();
        m.weight = static_cast<uint32_t>(*x);
        break;
      }
      case Field::kBuffer: {
        absl::StatusOr<uint64_t> x = Unsigned(*v, p.property, std::numeric_limits<uint32_t>::max());
        if (!x.ok()) return x.status();
        m.buffer_percent = static_cast<uint32_t>(*x);
        break;
      }
    }
  }
  return m;
}

absl::StatusOr<uint32_t> MergeProcessorCount(uint32_t current, const hv::cim::Instance& update) {
  const Value* v = update.Get("VirtualQuantity");
  if (v == nullptr || v->is_null()) return current;
  absl::StatusOr<uint64_t> x = Unsigned(*v, "VirtualQuantity", 64);
  if (!x.ok()) return x.status();
  return static_cast<uint32_t>(*x);
}

}  // namespace hv::vmms::cim
