// Class inheritance rules (DSP0004 "Class inheritance", "Qualifier flavors"):
// builds the resolved view of a class from its local declaration and its
// already-resolved superclass.
//  - every superclass property and method is inherited (propagated = true)
//    with only its non-Restricted qualifiers;
//  - a local feature with the same name overrides it in place, keeping the
//    type (references may narrow to a subclass) and merging qualifiers;
//  - class qualifiers merge the same way (Abstract, Version, ... are
//    Restricted and so never inherited);
//  - a DisableOverride qualifier may be repeated but not given another value.
// Thread-compatible (pure function).
#ifndef HV_CIM_SCHEMA_INHERITANCE_H_
#define HV_CIM_SCHEMA_INHERITANCE_H_

#include <functional>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"

namespace hv::cim {

// True when `cls` is `ancestor` or derives from it.
using IsSubclassFn = std::function<bool(absl::string_view cls, absl::string_view ancestor)>;

// Resolves `local` against `super` (nullptr for a root class). Fails with
// InvalidArgument naming class, feature and qualifier on an override that
// changes a type, on a DisableOverride violation, and on a reference property
// in a class that is not an association.
absl::StatusOr<Class> ResolveClass(const Class& local, const Class* super,
                                   const IsSubclassFn& is_subclass);

// Merges an element's inherited qualifiers with its local ones; `where`
// names the element in errors ("class 'X' property 'P'").
absl::StatusOr<QualifierList> MergeQualifiers(const QualifierList& inherited,
                                              const QualifierList& local, absl::string_view where);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_INHERITANCE_H_
