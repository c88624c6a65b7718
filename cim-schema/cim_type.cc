#include "cim-schema/cim_type.h"

#include <limits>

#include "cim-schema/names.h"

namespace hv::cim {
namespace {

struct TypeRow {
  CimType type;
  absl::string_view name;
  IntRange range;
};

// DSP0004 intrinsic types, in enum order.
constexpr TypeRow kTypes[kCimTypeCount] = {
    {CimType::kBoolean, "boolean", {0, 0}},
    {CimType::kUint8, "uint8", {0, 0xff}},
    {CimType::kSint8, "sint8", {-128, 127}},
    {CimType::kUint16, "uint16", {0, 0xffff}},
    {CimType::kSint16, "sint16", {-32768, 32767}},
    {CimType::kUint32, "uint32", {0, 0xffffffffull}},
    {CimType::kSint32, "sint32", {-2147483648ll, 2147483647ull}},
    {CimType::kUint64, "uint64", {0, std::numeric_limits<uint64_t>::max()}},
    {CimType::kSint64,
     "sint64",
     {std::numeric_limits<int64_t>::min(),
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max())}},
    {CimType::kReal32, "real32", {0, 0}},
    {CimType::kReal64, "real64", {0, 0}},
    {CimType::kChar16, "char16", {0, 0}},
    {CimType::kString, "string", {0, 0}},
    {CimType::kDatetime, "datetime", {0, 0}},
    {CimType::kReference, "ref", {0, 0}},
};

}  // namespace

absl::string_view CimTypeName(CimType t) { return kTypes[static_cast<int>(t)].name; }

std::optional<CimType> ParseCimType(absl::string_view keyword) {
  for (const TypeRow& row : kTypes) {
    if (row.type != CimType::kReference && CiEquals(row.name, keyword)) return row.type;
  }
  return std::nullopt;
}

bool IsUnsignedInt(CimType t) {
  return t == CimType::kUint8 || t == CimType::kUint16 || t == CimType::kUint32 ||
         t == CimType::kUint64;
}

bool IsSignedInt(CimType t) {
  return t == CimType::kSint8 || t == CimType::kSint16 || t == CimType::kSint32 ||
         t == CimType::kSint64;
}

IntRange IntegerRange(CimType t) { return kTypes[static_cast<int>(t)].range; }

}  // namespace hv::cim
