// ObjectManager: context, classes, instances, projection, ModifyInstance.
#include "vmms/cim/object_manager.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cim-schema/cim_status.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;
using hv::cim::ObjectPath;
using hv::cim::Value;

namespace {

std::string ServedKey(absl::string_view ns, absl::string_view cls) {
  return absl::StrCat(hv::cim::CiLower(ns), ":", hv::cim::CiLower(cls));
}

// Namespaces arrive as "root/virtualization/v2", "root\virtualization\v2" or
// with a leading slash.
std::string NormalizeNamespace(absl::string_view ns) {
  std::string s(ns);
  std::replace(s.begin(), s.end(), '\\', '/');
  absl::string_view v = s;
  while (absl::ConsumePrefix(&v, "/")) {
  }
  while (absl::ConsumeSuffix(&v, "/")) {
  }
  return std::string(v);
}

}  // namespace

absl::StatusOr<std::string> PinnedVersion(absl::string_view pin, absl::string_view name_space) {
  std::string found;
  for (absl::string_view item : absl::StrSplit(pin, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    size_t at = item.rfind('@');
    if (at == absl::string_view::npos || at == 0 || at + 1 == item.size()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("cim-schema pin '", item,
                                       "' is not \"<namespace>@<version>\""));
    }
    if (CiEquals(NormalizeNamespace(item.substr(0, at)), NormalizeNamespace(name_space))) {
      found = std::string(item.substr(at + 1));
    }
  }
  return found;
}

absl::StatusOr<std::unique_ptr<ObjectManager>> ObjectManager::Create(
    const hv::cim::SchemaRegistry* registry, std::vector<std::unique_ptr<ClassProvider>> providers) {
  std::unique_ptr<ObjectManager> om(new ObjectManager(registry, std::move(providers)));
  for (const std::string& ns : registry->Namespaces()) {
    ASSIGN_OR_RETURN(const hv::cim::Schema* newest, registry->Get(ns));
    for (const auto& p : om->providers_) {
      for (const std::string& cls : p->Classes(ns)) {
        if (newest->FindClass(cls) == nullptr) {
          return absl::InternalError(absl::StrCat("provider serves '", cls,
                                                  "', which is not in ", ns));
        }
        if (!om->served_.emplace(ServedKey(ns, cls), p.get()).second) {
          return absl::InternalError(absl::StrCat("two providers serve ", ns, ":", cls));
        }
      }
    }
  }
  return om;
}

absl::StatusOr<CallContext> ObjectManager::Context(absl::string_view name_space,
                                                   absl::string_view pin) const {
  std::string ns = NormalizeNamespace(name_space);
  if (ns.empty()) {
    return MakeCimError(CimStatusCode::kInvalidNamespace, "no namespace given");
  }
  std::string canonical;
  for (const std::string& n : registry_->Namespaces()) {
    if (CiEquals(n, ns)) canonical = n;
  }
  if (canonical.empty()) {
    return MakeCimError(CimStatusCode::kInvalidNamespace,
                        absl::StrCat("namespace '", ns, "' does not exist; served: ",
                                     absl::StrJoin(registry_->Namespaces(), ", ")));
  }
  CallContext ctx;
  ctx.name_space = canonical;
  ASSIGN_OR_RETURN(std::string version, PinnedVersion(pin, canonical));
  ctx.pinned = !version.empty();
  if (!ctx.pinned) {
    ASSIGN_OR_RETURN(version, registry_->NewestVersion(canonical));
  }
  std::vector<std::string> versions = registry_->Versions(canonical);
  auto it = std::find_if(versions.begin(), versions.end(),
                         [&](const std::string& v) { return CiEquals(v, version); });
  if (it == versions.end()) {
    return MakeCimError(CimStatusCode::kInvalidParameter,
                        absl::StrCat("cim-schema: namespace ", canonical, " has no version '",
                                     version, "'; versions: ", absl::StrJoin(versions, ", ")));
  }
  ctx.version = *it;
  ASSIGN_OR_RETURN(ctx.schema, registry_->Get(canonical, ctx.version));
  ASSIGN_OR_RETURN(ctx.newest, registry_->Get(canonical));
  return ctx;
}

absl::StatusOr<const hv::cim::Class*> ObjectManager::PinnedClass(const CallContext& ctx,
                                                                 absl::string_view cls) const {
  const hv::cim::Class* c = ctx.schema->FindClass(cls);
  if (c == nullptr) {
    return MakeCimError(CimStatusCode::kInvalidClass,
                        absl::StrCat("class '", cls, "' does not exist in ", ctx.name_space, "@",
                                     ctx.version));
  }
  return c;
}

ClassProvider* ObjectManager::ProviderOf(const CallContext& ctx, absl::string_view cls) const {
  auto it = served_.find(ServedKey(ctx.name_space, cls));
  return it == served_.end() ? nullptr : it->second;
}

std::vector<std::string> ObjectManager::ServedSubclasses(const CallContext& ctx,
                                                         absl::string_view cls, bool deep) const {
  std::vector<std::string> out;
  std::vector<const hv::cim::Class*> candidates = ctx.schema->Subclasses(cls, true);
  if (const hv::cim::Class* self = ctx.schema->FindClass(cls)) candidates.insert(candidates.begin(), self);
  for (const hv::cim::Class* c : candidates) {
    if (ProviderOf(ctx, c->name()) != nullptr) out.push_back(c->name());
  }
  (void)deep;  // DSP0200: subclass instances are returned either way; deep only widens properties
  return out;
}

absl::StatusOr<hv::cim::Class> ObjectManager::GetClass(const CallContext& ctx,
                                                       absl::string_view cls, bool local_only,
                                                       const PropertyList& props) const {
  ASSIGN_OR_RETURN(const hv::cim::Class* c, PinnedClass(ctx, cls));
  hv::cim::Class out(c->name(), c->superclass());
  for (const hv::cim::Qualifier& q : c->qualifiers().items()) {
    if (!local_only || !q.propagated) out.qualifiers().Set(q);
  }
  for (const hv::cim::Property& p : c->properties()) {
    if (local_only && p.propagated) continue;
    if (props && std::none_of(props->begin(), props->end(),
                              [&](const std::string& n) { return CiEquals(n, p.name); })) {
      continue;
    }
    out.SetProperty(p);
  }
  for (const hv::cim::Method& m : c->methods()) {
    if (!local_only || !m.propagated) out.SetMethod(m);
  }
  return out;
}

absl::StatusOr<std::vector<const hv::cim::Class*>> ObjectManager::EnumerateClasses(
    const CallContext& ctx, absl::string_view cls, bool deep) const {
  std::vector<const hv::cim::Class*> out;
  if (cls.empty()) {
    for (const auto& c : ctx.schema->classes()) {
      if (deep || c->superclass().empty()) out.push_back(c.get());
    }
    return out;
  }
  RETURN_IF_ERROR(PinnedClass(ctx, cls).status());
  return ctx.schema->Subclasses(cls, deep);
}

absl::StatusOr<std::optional<ServedInstance>> ObjectManager::Finish(const CallContext& ctx,
                                                                    Instance inst) {
  const hv::cim::Class* newest = ctx.newest->FindClass(inst.class_name());
  if (newest == nullptr) {
    return MakeCimError(CimStatusCode::kFailed,
                        absl::StrCat("provider built an instance of unknown class ", inst.class_name()));
  }
  for (const hv::cim::Property& p : newest->properties()) {
    if (!p.default_value.is_null() && inst.Get(p.name) == nullptr) inst.Set(p.name, p.default_value);
  }
  absl::StatusOr<ObjectPath> path = inst.Path(*newest, ctx.name_space);
  if (!path.ok()) return MakeCimError(CimStatusCode::kFailed, path.status().message());
  if (ctx.schema->FindClass(inst.class_name()) == nullptr) return std::nullopt;
  ASSIGN_OR_RETURN(Instance projected,
                   registry_->ProjectInstance(inst, ctx.name_space, ctx.version));
  return ServedInstance{*std::move(path), std::move(projected)};
}

void ObjectManager::Reduce(const CallContext& ctx, ServedInstance& s, absl::string_view requested,
                           bool deep, const PropertyList& props) const {
  const hv::cim::Class* req = deep ? nullptr : ctx.schema->FindClass(requested);
  if (!req && !props) return;
  Instance out(s.instance.class_name());
  for (const hv::cim::PropertyValue& pv : s.instance.properties()) {
    if (req != nullptr && req->FindProperty(pv.name) == nullptr) continue;
    if (props && std::none_of(props->begin(), props->end(),
                              [&](const std::string& n) { return CiEquals(n, pv.name); })) {
      continue;
    }
    out.Set(pv.name, pv.value);
  }
  s.instance = std::move(out);
}

absl::StatusOr<ServedInstance> ObjectManager::GetInstance(const CallContext& ctx,
                                                          const ObjectPath& path,
                                                          const PropertyList& props) {
  if (path.class_name.empty()) {
    return MakeCimError(CimStatusCode::kInvalidParameter, "object path has no class name");
  }
  ASSIGN_OR_RETURN(const hv::cim::Class* cls, PinnedClass(ctx, path.class_name));
  for (const hv::cim::Property* key : cls->Keys()) {
    if (path.FindKey(key->name) == nullptr) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("object path ", path.ToWbemUri(), " lacks key property ",
                                       key->name, " of ", cls->name()));
    }
  }
  for (const auto& k : path.keys) {
    const hv::cim::Property* p = cls->FindProperty(k.name);
    if (p == nullptr || !p->IsKey()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("object path ", path.ToWbemUri(), ": '", k.name,
                                       "' is not a key of ", cls->name()));
    }
  }
  ClassProvider* provider = ProviderOf(ctx, path.class_name);
  if (provider == nullptr) {
    return MakeCimError(CimStatusCode::kNotFound,
                        absl::StrCat("no instance ", path.ToWbemUri(), ": class ", cls->name(),
                                     " has no instances in ", ctx.name_space));
  }
  ObjectPath p = path;
  p.class_name = cls->name();
  ASSIGN_OR_RETURN(Instance inst, provider->Get(ctx, p));
  ASSIGN_OR_RETURN(std::optional<ServedInstance> s, Finish(ctx, std::move(inst)));
  if (!s) return MakeCimError(CimStatusCode::kNotFound, absl::StrCat("no instance ", path.ToWbemUri()));
  Reduce(ctx, *s, cls->name(), true, props);
  return *std::move(s);
}

absl::StatusOr<std::vector<ServedInstance>> ObjectManager::EnumerateInstances(
    const CallContext& ctx, absl::string_view cls, bool deep, const PropertyList& props) {
  ASSIGN_OR_RETURN(const hv::cim::Class* requested, PinnedClass(ctx, cls));
  std::vector<ServedInstance> out;
  for (const std::string& served : ServedSubclasses(ctx, requested->name(), deep)) {
    ASSIGN_OR_RETURN(std::vector<Instance> all, ProviderOf(ctx, served)->Enumerate(ctx, served));
    for (Instance& inst : all) {
      ASSIGN_OR_RETURN(std::optional<ServedInstance> s, Finish(ctx, std::move(inst)));
      if (!s) continue;
      Reduce(ctx, *s, requested->name(), deep, props);
      out.push_back(*std::move(s));
    }
  }
  return out;
}

absl::Status ObjectManager::ModifyInstance(const CallContext& ctx, const ObjectPath& path,
                                           const Instance& modified, const PropertyList& props) {
  if (!modified.class_name().empty() && !CiEquals(modified.class_name(), path.class_name)) {
    return MakeCimError(CimStatusCode::kInvalidParameter,
                        absl::StrCat("instance of ", modified.class_name(), " does not match path ",
                                     path.ToWbemUri()));
  }
  ASSIGN_OR_RETURN(ServedInstance current, GetInstance(ctx, path, std::nullopt));
  ASSIGN_OR_RETURN(const hv::cim::Class* cls, PinnedClass(ctx, path.class_name));
  if (props) {
    for (const std::string& n : *props) {
      if (cls->FindProperty(n) == nullptr) {
        return MakeCimError(CimStatusCode::kNoSuchProperty,
                            absl::StrCat("class ", cls->name(), " has no property '", n, "'"));
      }
    }
  }
  // Check everything first: nothing changes unless every change is allowed.
  std::vector<hv::cim::PropertyValue> changes;
  for (const hv::cim::PropertyValue& pv : modified.properties()) {
    const hv::cim::Property* p = cls->FindProperty(pv.name);
    if (p == nullptr) {
      return MakeCimError(CimStatusCode::kNoSuchProperty,
                          absl::StrCat("class ", cls->name(), " has no property '", pv.name, "'"));
    }
    if (props && std::none_of(props->begin(), props->end(),
                              [&](const std::string& n) { return CiEquals(n, pv.name); })) {
      continue;
    }
    if (!pv.value.is_null() &&
        (pv.value.type() != p->type.type || pv.value.is_array() != p->type.is_array)) {
      return MakeCimError(CimStatusCode::kTypeMismatch,
                          absl::StrCat(cls->name(), ".", p->name, " is ", p->type.ToString(),
                                       "; got ", pv.value.ToMof()));
    }
    const Value* now = current.instance.Get(p->name);
    if (now != nullptr ? *now == pv.value : pv.value.is_null()) continue;
    if (!p->qualifiers.IsTrue("Write")) {
      return MakeCimError(
          CimStatusCode::kNotSupported,
          absl::StrCat(cls->name(), ".", p->name,
                       " is read-only (no Write qualifier); nothing was changed. Settings change "
                       "through Msvm_VirtualSystemManagementService methods"));
    }
    changes.push_back({p->name, pv.value});
  }
  if (changes.empty()) return absl::OkStatus();
  ClassProvider* provider = ProviderOf(ctx, cls->name());
  if (provider == nullptr) return RefuseUnstoredWrite(cls->name(), changes.front().name);
  return provider->Modify(ctx, current.path, changes);
}

}  // namespace hv::vmms::cim
