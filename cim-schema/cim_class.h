// CIM classes with their properties, references, methods and parameters
// (DSP0004 metamodel; cim.md §1). A Class holds either the features as
// declared in MOF (local) or, after Schema resolution, every feature
// including inherited ones; `propagated` and `class_origin` tell them apart.
// Feature names are case-insensitive (hashed index) and keep their case.
// Thread-compatible value types.
#ifndef HV_CIM_SCHEMA_CIM_CLASS_H_
#define HV_CIM_SCHEMA_CIM_CLASS_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "cim-schema/cim_type.h"
#include "cim-schema/names.h"
#include "cim-schema/qualifier.h"
#include "cim-schema/value.h"

namespace hv::cim {

// The declared type of a property, parameter or method return.
struct FeatureType {
  CimType type = CimType::kString;
  bool is_array = false;
  std::optional<uint32_t> array_size;  // fixed-size arrays "x[4]"
  std::string ref_class;               // target class of kReference

  // "uint16", "string[]", "CIM_ConcreteJob REF", "uint8[4]".
  std::string ToString() const;
  friend bool operator==(const FeatureType& a, const FeatureType& b);
};

struct Property {
  std::string name;
  FeatureType type;
  Value default_value;  // NULL when no default was given
  QualifierList qualifiers;
  std::string class_origin;  // the class that declared it
  bool propagated = false;   // inherited unchanged from the superclass

  bool IsKey() const { return qualifiers.IsTrue("Key"); }
  bool IsReference() const { return type.type == CimType::kReference; }
};

struct Parameter {
  std::string name;
  FeatureType type;
  QualifierList qualifiers;

  // In defaults to TRUE and Out to FALSE (qualifiers.mof declarations).
  bool IsIn() const;
  bool IsOut() const { return qualifiers.IsTrue("Out"); }
};

struct Method {
  std::string name;
  FeatureType return_type;  // scalar, never a reference
  QualifierList qualifiers;
  std::vector<Parameter> parameters;
  std::string class_origin;
  bool propagated = false;

  const Parameter* FindParameter(absl::string_view name) const;
  // "uint32 DefineSystem([IN] string SystemSettings, [OUT] CIM_ConcreteJob REF Job)".
  std::string Signature() const;
};

class Class {
 public:
  Class() = default;
  Class(std::string name, std::string superclass)
      : name_(std::move(name)), superclass_(std::move(superclass)) {}

  const std::string& name() const { return name_; }
  // Empty for a root class.
  const std::string& superclass() const { return superclass_; }
  void set_superclass(std::string s) { superclass_ = std::move(s); }

  QualifierList& qualifiers() { return qualifiers_; }
  const QualifierList& qualifiers() const { return qualifiers_; }

  const std::vector<Property>& properties() const { return properties_; }
  const Property* FindProperty(absl::string_view name) const;
  Property* MutableProperty(absl::string_view name);
  // Appends a property; AlreadyExists if the name is taken (any case).
  absl::Status AddProperty(Property p);
  // Replaces the same-named property in place, or appends it.
  void SetProperty(Property p);

  const std::vector<Method>& methods() const { return methods_; }
  const Method* FindMethod(absl::string_view name) const;
  absl::Status AddMethod(Method m);
  void SetMethod(Method m);

  bool IsAssociation() const { return qualifiers_.IsTrue("Association"); }
  bool IsIndication() const { return qualifiers_.IsTrue("Indication"); }
  bool IsAbstract() const { return qualifiers_.IsTrue("Abstract"); }
  // The Version qualifier ("M.N.U"), or "" if absent.
  std::string Version() const { return qualifiers_.GetString("Version").value_or(""); }
  // Key properties in declaration order.
  std::vector<const Property*> Keys() const;

 private:
  std::string name_;
  std::string superclass_;
  QualifierList qualifiers_;
  std::vector<Property> properties_;
  CiMap<size_t> property_index_;
  std::vector<Method> methods_;
  CiMap<size_t> method_index_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_CIM_CLASS_H_
