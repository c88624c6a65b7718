// The CIM intrinsic data types (DSP0004 "Datatypes"; cim.md §1), as one table
// with the MOF spelling of each type. Thread-compatible: constant data only.
#ifndef HV_CIM_SCHEMA_CIM_TYPE_H_
#define HV_CIM_SCHEMA_CIM_TYPE_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

namespace hv::cim {

enum class CimType : uint8_t {
  kBoolean,
  kUint8,
  kSint8,
  kUint16,
  kSint16,
  kUint32,
  kSint32,
  kUint64,
  kSint64,
  kReal32,
  kReal64,
  kChar16,
  kString,
  kDatetime,
  kReference,  // "<Class> REF"; the class is kept beside the type
};

inline constexpr int kCimTypeCount = 15;

// MOF keyword of the type ("uint16", "datetime"; "ref" for kReference).
absl::string_view CimTypeName(CimType t);

// Parses a MOF type keyword, case-insensitively. Returns nullopt for unknown
// words and for "ref" (references are spelled "<Class> REF").
std::optional<CimType> ParseCimType(absl::string_view keyword);

bool IsUnsignedInt(CimType t);
bool IsSignedInt(CimType t);
inline bool IsInteger(CimType t) { return IsUnsignedInt(t) || IsSignedInt(t); }
inline bool IsReal(CimType t) { return t == CimType::kReal32 || t == CimType::kReal64; }
inline bool IsNumeric(CimType t) { return IsInteger(t) || IsReal(t); }

// Inclusive value range of an integer type (for literal range checks). For
// non-integer types returns {0, 0}.
struct IntRange {
  int64_t min_signed;   // smallest value (signed types), 0 for unsigned
  uint64_t max;         // largest value
};
IntRange IntegerRange(CimType t);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_CIM_TYPE_H_
