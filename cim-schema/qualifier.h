// Qualifier declarations and qualifier values with flavors (DSP0004
// "Qualifiers"; cim.md §1). Flavors decide inheritance: a Restricted
// qualifier applies only to the element it is written on; ToSubclass ones
// propagate, and DisableOverride ones cannot change value in a subclass.
// Thread-compatible value types.
#ifndef HV_CIM_SCHEMA_QUALIFIER_H_
#define HV_CIM_SCHEMA_QUALIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "cim-schema/cim_type.h"
#include "cim-schema/value.h"

namespace hv::cim {

// Scope bits of a qualifier declaration (MOF Scope(...) keywords).
enum QualifierScope : uint32_t {
  kScopeClass = 1u << 0,
  kScopeAssociation = 1u << 1,
  kScopeIndication = 1u << 2,
  kScopeProperty = 1u << 3,
  kScopeReference = 1u << 4,
  kScopeMethod = 1u << 5,
  kScopeParameter = 1u << 6,
  kScopeQualifier = 1u << 7,
  kScopeAny = 0xffu,
};

// Parses a Scope keyword ("class", "any", ...), case-insensitively; 0 if unknown.
uint32_t ParseQualifierScope(absl::string_view word);
// "class, property" style text of a scope mask ("any" for kScopeAny).
std::string QualifierScopeToString(uint32_t scope);

// The three flavor choices; defaults are EnableOverride, ToSubclass, not
// Translatable (DSP0004).
struct Flavors {
  bool disable_override = false;  // DisableOverride (vs EnableOverride)
  bool restricted = false;        // Restricted (vs ToSubclass)
  bool translatable = false;      // Translatable
  friend bool operator==(const Flavors&, const Flavors&) = default;
};

// Applies one MOF flavor keyword to f. Returns false for an unknown word.
bool ApplyFlavorKeyword(absl::string_view word, Flavors* f);
// "DisableOverride, Restricted" style text listing the non-default flavors.
std::string FlavorsToString(const Flavors& f);

struct QualifierDecl {
  std::string name;
  CimType type = CimType::kBoolean;
  bool is_array = false;
  std::optional<uint32_t> array_size;
  Value default_value;  // NULL when the declaration gives none
  uint32_t scope = 0;
  Flavors flavors;
};

struct Qualifier {
  std::string name;
  Value value;
  Flavors flavors;          // effective: the declaration's unless the usage overrode them
  bool propagated = false;  // inherited from the superclass element
};

// An element's qualifiers in declaration order; names are case-insensitive.
// Lists are short (a handful per element), so lookups scan linearly.
class QualifierList {
 public:
  const Qualifier* Find(absl::string_view name) const;
  // Adds q, or replaces the qualifier of the same name.
  void Set(Qualifier q);
  bool Remove(absl::string_view name);
  // True when the qualifier is present with a boolean TRUE value.
  bool IsTrue(absl::string_view name) const;
  // The string value of a present, non-NULL scalar string qualifier.
  std::optional<std::string> GetString(absl::string_view name) const;
  // The elements of a present, non-NULL string array qualifier (else empty).
  std::vector<std::string> GetStrings(absl::string_view name) const;
  const std::vector<Qualifier>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  // Only the qualifiers a subclass element inherits (not Restricted), marked
  // propagated.
  QualifierList Inheritable() const;

 private:
  std::vector<Qualifier> items_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_QUALIFIER_H_
