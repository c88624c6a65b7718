// One namespace's schema: qualifier declarations, resolved classes and the
// static instances declared in MOF. Classes are added superclass first and
// resolved on insertion (cim-schema/inheritance.h), so every stored class
// already carries its inherited features. Lookups are case-insensitive and
// hashed. This is the "loaded schema" that the registry serves and that the
// schema diff compares, whatever it was loaded from.
// Thread-compatible: const methods may be called concurrently once loading
// is done.
#ifndef HV_CIM_SCHEMA_SCHEMA_H_
#define HV_CIM_SCHEMA_SCHEMA_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/names.h"
#include "cim-schema/qualifier.h"

namespace hv::cim {

class Schema {
 public:
  explicit Schema(std::string name_space) : name_space_(std::move(name_space)) {}
  Schema(const Schema&) = delete;
  Schema& operator=(const Schema&) = delete;

  const std::string& name_space() const { return name_space_; }

  // Declares a qualifier. Re-declaring an identical one is allowed;
  // AlreadyExists if it differs in type, scope or flavors.
  absl::Status AddQualifierDecl(QualifierDecl decl);
  const QualifierDecl* FindQualifierDecl(absl::string_view name) const;
  const std::vector<QualifierDecl>& qualifier_decls() const { return qualifier_decls_; }

  // Adds a class given as declared (local features). Fails with
  // AlreadyExists on a duplicate name, NotFound for an undefined superclass,
  // InvalidArgument for inheritance violations.
  absl::Status AddClass(const Class& local);
  // The resolved class, or nullptr.
  const Class* FindClass(absl::string_view name) const;
  // Every class in definition order (superclasses before subclasses).
  const std::vector<std::unique_ptr<Class>>& classes() const { return classes_; }
  size_t class_count() const { return classes_.size(); }

  // Direct (deep = false) or all (deep = true) subclasses of `name`, in
  // definition order; empty for unknown names.
  std::vector<const Class*> Subclasses(absl::string_view name, bool deep) const;
  // True when `cls` is `ancestor` or derives from it (both must exist).
  bool IsSubclassOf(absl::string_view cls, absl::string_view ancestor) const;
  // Superclass names from the direct superclass up to the root.
  std::vector<std::string> SuperclassChain(absl::string_view name) const;

  // Adds a static instance; NotFound when its class is not defined.
  absl::Status AddInstance(Instance instance);
  const std::vector<Instance>& instances() const { return instances_; }

 private:
  std::string name_space_;
  std::vector<QualifierDecl> qualifier_decls_;
  CiMap<size_t> qualifier_index_;
  std::vector<std::unique_ptr<Class>> classes_;
  CiMap<Class*> class_index_;
  CiMap<std::vector<const Class*>> children_;
  std::vector<Instance> instances_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_SCHEMA_H_
