// Typed CIM values: a scalar or an array of one CIM type, or NULL
// (DSP0004 "Values"). Integers are held widened (uint64/int64), reals as
// double, char16 as its code point, references as a shared immutable
// ObjectPath. Value type, thread-compatible.
#ifndef HV_CIM_SCHEMA_VALUE_H_
#define HV_CIM_SCHEMA_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

#include "cim-schema/cim_type.h"
#include "cim-schema/datetime.h"

namespace hv::cim {

class ObjectPath;

// One element: bool (boolean), uint64_t (uintN, char16), int64_t (sintN),
// double (realN), string, DateTime, or a reference.
using Scalar = std::variant<bool, uint64_t, int64_t, double, std::string, DateTime,
                            std::shared_ptr<const ObjectPath>>;

class Value {
 public:
  // A NULL string.
  Value() = default;

  static Value Null(CimType type, bool is_array = false);
  static Value Boolean(bool b);
  static Value Unsigned(CimType type, uint64_t v);  // uint8..uint64
  static Value Signed(CimType type, int64_t v);     // sint8..sint64
  static Value Real(CimType type, double v);        // real32/real64
  static Value Char16(uint32_t code_point);
  static Value String(std::string s);
  static Value FromDateTime(DateTime dt);
  static Value Reference(ObjectPath path);
  // An array; every element must hold the variant alternative of `type`.
  static Value Array(CimType type, std::vector<Scalar> elements);
  // The canonical scalar of `type` (checks nothing; used by parsers that
  // already converted the element).
  static Value FromScalar(CimType type, Scalar s);

  CimType type() const { return type_; }
  bool is_array() const { return is_array_; }
  bool is_null() const { return null_; }

  // Preconditions: !is_null(); scalar() only if !is_array(), array() only if
  // is_array(); the typed getters only for the matching type.
  const Scalar& scalar() const { return scalar_; }
  const std::vector<Scalar>& array() const { return array_; }
  bool AsBool() const { return std::get<bool>(scalar_); }
  uint64_t AsUnsigned() const { return std::get<uint64_t>(scalar_); }
  int64_t AsSigned() const { return std::get<int64_t>(scalar_); }
  double AsReal() const { return std::get<double>(scalar_); }
  const std::string& AsString() const { return std::get<std::string>(scalar_); }
  const DateTime& AsDateTime() const { return std::get<DateTime>(scalar_); }
  const ObjectPath& AsReference() const { return *std::get<std::shared_ptr<const ObjectPath>>(scalar_); }

  // MOF literal text: "text" with escapes, 5, -3, 1.5, TRUE, 'c', NULL,
  // {1, 2}; datetimes and references as quoted strings.
  std::string ToMof() const;

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  CimType type_ = CimType::kString;
  bool is_array_ = false;
  bool null_ = true;
  Scalar scalar_;
  std::vector<Scalar> array_;
};

// MOF text of one element of `type`.
std::string ScalarToMof(CimType type, const Scalar& s);
// Element equality (references compare as paths).
bool ScalarEquals(const Scalar& a, const Scalar& b);
// Appends s as a double-quoted MOF/URI string with \" \\ \n \t \r \b \f and
// \xHHHH escapes.
void AppendQuoted(std::string* out, absl::string_view s);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_VALUE_H_
