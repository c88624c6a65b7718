#include "cim-schema/inheritance.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hv::cim {
namespace {

absl::Status CheckOverrideType(const FeatureType& inherited, const FeatureType& local,
                               const IsSubclassFn& is_subclass, absl::string_view where) {
  if (inherited.type == CimType::kReference && local.type == CimType::kReference &&
      inherited.is_array == local.is_array) {
    if (is_subclass(local.ref_class, inherited.ref_class)) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(where, ": override narrows the reference to '",
                                                   local.ref_class, "', which is not a subclass of '",
                                                   inherited.ref_class, "'"));
  }
  if (inherited.type != local.type || inherited.is_array != local.is_array) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": override changes the type from ",
                                                   inherited.ToString(), " to ", local.ToString()));
  }
  return absl::OkStatus();
}

absl::StatusOr<Method> OverrideMethod(const Method& inherited, Method local,
                                      absl::string_view cls) {
  const std::string where = absl::StrCat("class '", cls, "' method '", local.name, "'");
  ASSIGN_OR_RETURN(local.qualifiers, MergeQualifiers(inherited.qualifiers.Inheritable(),
                                                     local.qualifiers, where));
  for (Parameter& p : local.parameters) {
    if (const Parameter* ip = inherited.FindParameter(p.name)) {
      ASSIGN_OR_RETURN(p.qualifiers,
                       MergeQualifiers(ip->qualifiers.Inheritable(), p.qualifiers,
                                       absl::StrCat(where, " parameter '", p.name, "'")));
    }
  }
  return local;
}

}  // namespace

absl::StatusOr<QualifierList> MergeQualifiers(const QualifierList& inherited,
                                              const QualifierList& local, absl::string_view where) {
  QualifierList out = inherited;
  for (const Qualifier& q : local.items()) {
    const Qualifier* base = inherited.Find(q.name);
    if (base != nullptr && base->flavors.disable_override && !(base->value == q.value)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": qualifier '", q.name,
                                                     "' is DisableOverride; cannot change ",
                                                     base->value.ToMof(), " to ", q.value.ToMof()));
    }
    out.Set(q);
  }
  return out;
}

absl::StatusOr<Class> ResolveClass(const Class& local, const Class* super,
                                   const IsSubclassFn& is_subclass) {
  Class out(local.name(), local.superclass());
  const std::string cls_where = absl::StrCat("class '", local.name(), "'");
  ASSIGN_OR_RETURN(out.qualifiers(),
                   MergeQualifiers(super ? super->qualifiers().Inheritable() : QualifierList(),
                                   local.qualifiers(), cls_where));
  if (super != nullptr) {
    for (const Property& sp : super->properties()) {
      Property p = sp;
      p.propagated = true;
      p.qualifiers = sp.qualifiers.Inheritable();
      RETURN_IF_ERROR(out.AddProperty(std::move(p)));
    }
    for (const Method& sm : super->methods()) {
      Method m = sm;
      m.propagated = true;
      m.qualifiers = sm.qualifiers.Inheritable();
      for (Parameter& p : m.parameters) p.qualifiers = p.qualifiers.Inheritable();
      RETURN_IF_ERROR(out.AddMethod(std::move(m)));
    }
  }
  const bool association = out.IsAssociation();
  for (const Property& lp : local.properties()) {
    const std::string where = absl::StrCat(cls_where, " property '", lp.name, "'");
    if (lp.IsReference() && !association) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": references are allowed only in associations"));
    }
    Property p = lp;
    p.class_origin = local.name();
    p.propagated = false;
    if (const Property* inherited = out.FindProperty(lp.name)) {
      if (out.FindMethod(lp.name) != nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": name is a method"));
      }
      RETURN_IF_ERROR(CheckOverrideType(inherited->type, lp.type, is_subclass, where));
      ASSIGN_OR_RETURN(p.qualifiers, MergeQualifiers(inherited->qualifiers, lp.qualifiers, where));
      if (p.default_value.is_null() && !inherited->default_value.is_null()) {
        p.default_value = inherited->default_value;
      }
      out.SetProperty(std::move(p));
    } else {
      RETURN_IF_ERROR(out.AddProperty(std::move(p)));
    }
  }
  for (const Method& lm : local.methods()) {
    Method m = lm;
    m.class_origin = local.name();
    m.propagated = false;
    if (const Method* inherited = super ? super->FindMethod(lm.name) : nullptr) {
      ASSIGN_OR_RETURN(m, OverrideMethod(*inherited, std::move(m), local.name()));
      out.SetMethod(std::move(m));
    } else {
      RETURN_IF_ERROR(out.AddMethod(std::move(m)));
    }
  }
  return out;
}

}  // namespace hv::cim
