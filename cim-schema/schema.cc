#include "cim-schema/schema.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/inheritance.h"
#include "common/status_macros.h"

namespace hv::cim {

absl::Status Schema::AddQualifierDecl(QualifierDecl decl) {
  auto it = qualifier_index_.find(decl.name);
  if (it != qualifier_index_.end()) {
    const QualifierDecl& old = qualifier_decls_[it->second];
    if (old.type != decl.type || old.is_array != decl.is_array || old.scope != decl.scope ||
        !(old.flavors == decl.flavors)) {
      return absl::AlreadyExistsError(absl::StrCat("namespace '", name_space_, "': qualifier '",
                                                   decl.name, "' redeclared differently"));
    }
    return absl::OkStatus();
  }
  qualifier_index_.emplace(decl.name, qualifier_decls_.size());
  qualifier_decls_.push_back(std::move(decl));
  return absl::OkStatus();
}

const QualifierDecl* Schema::FindQualifierDecl(absl::string_view name) const {
  auto it = qualifier_index_.find(name);
  return it == qualifier_index_.end() ? nullptr : &qualifier_decls_[it->second];
}

absl::Status Schema::AddClass(const Class& local) {
  if (class_index_.contains(local.name())) {
    return absl::AlreadyExistsError(absl::StrCat("namespace '", name_space_, "': class '",
                                                 local.name(), "' defined twice"));
  }
  const Class* super = nullptr;
  if (!local.superclass().empty()) {
    super = FindClass(local.superclass());
    if (super == nullptr) {
      return absl::NotFoundError(absl::StrCat("class '", local.name(), "': superclass '",
                                              local.superclass(), "' is not defined (yet)"));
    }
  }
  ASSIGN_OR_RETURN(Class resolved,
                   ResolveClass(local, super, [this](absl::string_view c, absl::string_view a) {
                     return IsSubclassOf(c, a);
                   }));
  if (super != nullptr) resolved.set_superclass(super->name());
  auto owned = std::make_unique<Class>(std::move(resolved));
  Class* raw = owned.get();
  class_index_.emplace(raw->name(), raw);
  if (super != nullptr) children_[super->name()].push_back(raw);
  classes_.push_back(std::move(owned));
  return absl::OkStatus();
}

const Class* Schema::FindClass(absl::string_view name) const {
  auto it = class_index_.find(name);
  return it == class_index_.end() ? nullptr : it->second;
}

std::vector<const Class*> Schema::Subclasses(absl::string_view name, bool deep) const {
  std::vector<const Class*> out;
  auto it = children_.find(name);
  if (it == children_.end()) return out;
  for (const Class* c : it->second) {
    out.push_back(c);
    if (deep) {
      std::vector<const Class*> more = Subclasses(c->name(), true);
      out.insert(out.end(), more.begin(), more.end());
    }
  }
  return out;
}

bool Schema::IsSubclassOf(absl::string_view cls, absl::string_view ancestor) const {
  const Class* c = FindClass(cls);
  // Chains are finite: a class can only name an already-defined superclass.
  while (c != nullptr) {
    if (CiEquals(c->name(), ancestor)) return true;
    c = c->superclass().empty() ? nullptr : FindClass(c->superclass());
  }
  return false;
}

std::vector<std::string> Schema::SuperclassChain(absl::string_view name) const {
  std::vector<std::string> out;
  const Class* c = FindClass(name);
  while (c != nullptr && !c->superclass().empty()) {
    c = FindClass(c->superclass());
    if (c == nullptr) break;
    out.push_back(c->name());
  }
  return out;
}

absl::Status Schema::AddInstance(Instance instance) {
  if (FindClass(instance.class_name()) == nullptr) {
    return absl::NotFoundError(absl::StrCat("instance of '", instance.class_name(),
                                            "': class is not defined in '", name_space_, "'"));
  }
  instances_.push_back(std::move(instance));
  return absl::OkStatus();
}

}  // namespace hv::cim
