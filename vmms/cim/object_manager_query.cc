// ObjectManager: WQL and association traversal (cim.md §4, rule 11).
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/wql_eval.h"
#include "cim-schema/wql_parser.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"
#include "vmms/cim/object_manager.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;
using hv::cim::ObjectPath;
using hv::cim::Value;

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::ExecQuery(const CallContext& ctx,
                                                                     absl::string_view language,
                                                                     absl::string_view query) {
  if (!CiEquals(language, "WQL")) {
    return MakeCimError(CimStatusCode::kQueryLanguageNotSupported,
                        absl::StrCat("query language '", language, "' is not supported; use WQL"));
  }
  absl::StatusOr<hv::cim::WqlQuery> parsed = hv::cim::ParseWql(query);
  if (!parsed.ok()) return MakeCimError(CimStatusCode::kInvalidQuery, parsed.status().message());
  if (auto* assoc = std::get_if<hv::cim::WqlAssociationQuery>(&*parsed)) {
    ObjectPath path = assoc->path;
    if (path.name_space.empty()) path.name_space = ctx.name_space;
    AssociationFilter f{assoc->assoc_class, assoc->result_class, assoc->role, assoc->result_role,
                        assoc->required_qualifier, assoc->required_assoc_qualifier};
    ASSIGN_OR_RETURN(std::vector<ServedInstance> found,
                     AssociationWalk(ctx, path, f, std::nullopt,
                                     assoc->keys_only || assoc->class_defs_only,
                                     assoc->references));
    if (!assoc->class_defs_only) return found;
    return ClassObjects(ctx, found);
  }
  const auto& select = std::get<hv::cim::WqlSelect>(*parsed);
  absl::StatusOr<const hv::cim::Class*> from = PinnedClass(ctx, select.class_name);
  if (!from.ok()) return MakeCimError(CimStatusCode::kInvalidClass, from.status().message());
  absl::Status check = hv::cim::CheckSelect(select, **from);
  if (!check.ok()) return MakeCimError(CimStatusCode::kInvalidQuery, check.message());
  ASSIGN_OR_RETURN(std::vector<ServedInstance> all,
                   EnumerateInstances(ctx, select.class_name, true, std::nullopt));
  hv::cim::WqlEvalContext wctx;
  const hv::cim::Schema* schema = ctx.schema;
  wctx.is_subclass = [schema](absl::string_view c, absl::string_view a) {
    return schema->IsSubclassOf(c, a);
  };
  std::vector<ServedInstance> out;
  for (ServedInstance& s : all) {
    wctx.cls = schema->FindClass(s.instance.class_name());
    absl::StatusOr<bool> match = hv::cim::MatchesSelect(select, s.instance, wctx);
    if (!match.ok()) return MakeCimError(CimStatusCode::kInvalidQuery, match.status().message());
    if (!*match) continue;
    s.instance = hv::cim::ProjectSelect(select, s.instance, wctx);
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::ClassObjects(
    const CallContext& ctx, const std::vector<ServedInstance>& found) const {
  std::vector<ServedInstance> out;
  for (const ServedInstance& s : found) {
    const std::string& name = s.instance.class_name();
    if (std::any_of(out.begin(), out.end(),
                    [&](const ServedInstance& o) { return CiEquals(o.path.class_name, name); })) {
      continue;
    }
    ASSIGN_OR_RETURN(const hv::cim::Class* cls, PinnedClass(ctx, name));
    ServedInstance c;
    c.path.name_space = ctx.name_space;
    c.path.class_name = cls->name();
    c.instance = Instance(cls->name());
    for (const hv::cim::Property& p : cls->properties()) {
      c.instance.Set(p.name, p.default_value.is_null() ? Value::Null(p.type.type, p.type.is_array)
                                                       : p.default_value);
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::Associators(
    const CallContext& ctx, const ObjectPath& path, const AssociationFilter& filter,
    const PropertyList& props, bool names_only) {
  return AssociationWalk(ctx, path, filter, props, names_only, false);
}

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::References(
    const CallContext& ctx, const ObjectPath& path, const AssociationFilter& filter,
    const PropertyList& props, bool names_only) {
  AssociationFilter f = filter;
  f.assoc_class.clear();
  f.result_role.clear();
  return AssociationWalk(ctx, path, f, props, names_only, true);
}

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::AssociationWalk(
    const CallContext& ctx, const ObjectPath& path, const AssociationFilter& filter,
    const PropertyList& props, bool names_only, bool references) {
  // The source object must exist.
  RETURN_IF_ERROR(GetInstance(ctx, path, std::vector<std::string>{}).status());
  for (const std::string* c : {&filter.assoc_class, &filter.result_class}) {
    if (!c->empty() && ctx.schema->FindClass(*c) == nullptr) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("class '", *c, "' does not exist in ", ctx.name_space));
    }
  }
  std::vector<ServedInstance> out;
  std::vector<ObjectPath> seen;
  for (const auto& c : ctx.schema->classes()) {
    if (!c->IsAssociation() || ProviderOf(ctx, c->name()) == nullptr) continue;
    const std::string& assoc_name = c->name();
    const std::string& assoc_filter = references ? filter.result_class : filter.assoc_class;
    if (!assoc_filter.empty() && !ctx.schema->IsSubclassOf(assoc_name, assoc_filter)) continue;
    if (!filter.required_assoc_qualifier.empty() &&
        c->qualifiers().Find(filter.required_assoc_qualifier) == nullptr) {
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<Instance> links, ProviderOf(ctx, assoc_name)->Enumerate(ctx, assoc_name));
    for (Instance& link : links) {
      // The reference properties naming the source, honouring Role.
      std::vector<std::string> source_roles, other_roles;
      for (const auto& pv : link.properties()) {
        if (pv.value.is_null() || pv.value.type() != hv::cim::CimType::kReference) continue;
        if (SameObject(pv.value.AsReference(), path) &&
            (filter.role.empty() || CiEquals(filter.role, pv.name))) {
          source_roles.push_back(pv.name);
        } else {
          other_roles.push_back(pv.name);
        }
      }
      if (source_roles.empty()) continue;
      if (references) {
        ASSIGN_OR_RETURN(std::optional<ServedInstance> s, Finish(ctx, std::move(link)));
        if (!s) continue;
        if (names_only) s->instance = Instance(s->instance.class_name());
        Reduce(ctx, *s, assoc_name, true, props);
        out.push_back(*std::move(s));
        continue;
      }
      for (const std::string& role : other_roles) {
        if (!filter.result_role.empty() && !CiEquals(filter.result_role, role)) continue;
        ObjectPath target = link.Get(role)->AsReference();
        if (!filter.result_class.empty() &&
            !ctx.schema->IsSubclassOf(target.class_name, filter.result_class)) {
          continue;
        }
        if (!filter.required_qualifier.empty()) {
          const hv::cim::Class* tc = ctx.schema->FindClass(target.class_name);
          if (tc == nullptr || tc->qualifiers().Find(filter.required_qualifier) == nullptr) continue;
        }
        if (std::any_of(seen.begin(), seen.end(),
                        [&](const ObjectPath& p) { return SameObject(p, target); })) {
          continue;
        }
        seen.push_back(target);
        absl::StatusOr<ServedInstance> s =
            GetInstance(ctx, target, names_only ? PropertyList(std::vector<std::string>{}) : props);
        if (!s.ok()) {
          // A target of a class the pinned version lacks, or one that vanished
          // since the association was read, is not an associator.
          if (auto code = hv::cim::GetCimStatus(s.status());
              code == CimStatusCode::kNotFound || code == CimStatusCode::kInvalidClass) {
            continue;
          }
          return s.status();
        }
        out.push_back(*std::move(s));
      }
    }
  }
  return out;
}

}  // namespace hv::vmms::cim
