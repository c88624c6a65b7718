// ObjectManager: InvokeMethod (cim.md rule 3, rule 4, rule 8).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "common/status_macros.h"
#include "vmms/cim/arg_coercion.h"
#include "vmms/cim/embedded_instance.h"
#include "vmms/cim/object_manager.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;
using hv::cim::ObjectPath;
using hv::cim::Value;

absl::StatusOr<std::vector<MethodArg>> ObjectManager::TypeArgs(
    const CallContext& ctx, const hv::cim::Method& method, const std::vector<InArg>& args) const {
  std::vector<MethodArg> out;
  for (const InArg& a : args) {
    const hv::cim::Parameter* p = method.FindParameter(a.name);
    if (p == nullptr) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("method ", method.name, " has no parameter '", a.name,
                                       "' (", method.Signature(), ")"));
    }
    if (!p->IsIn()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat(method.name, "(", p->name, ") is an output parameter"));
    }
    if (FindArg(out, p->name) != nullptr) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat(method.name, "(", p->name, ") was given twice"));
    }
    const std::string what = absl::StrCat(method.name, "(", p->name, ")");
    ASSIGN_OR_RETURN(Value v, CoerceToType(what, p->type, a.value));
    MethodArg arg{p->name, std::move(v), {}};
    std::optional<std::string> embedded = p->qualifiers.GetString("EmbeddedInstance");
    if (embedded && !arg.value.is_null()) {
      std::vector<std::string> texts;
      if (arg.value.is_array()) {
        for (const auto& s : arg.value.array()) texts.push_back(std::get<std::string>(s));
      } else {
        texts.push_back(arg.value.AsString());
      }
      for (size_t i = 0; i < texts.size(); ++i) {
        absl::StatusOr<Instance> inst = ParseEmbeddedInstance(texts[i], *ctx.schema, *embedded);
        if (!inst.ok()) {
          return MakeCimError(hv::cim::GetCimStatus(inst.status()).value_or(CimStatusCode::kInvalidParameter),
                              absl::StrCat(what, arg.value.is_array() ? absl::StrCat("[", i, "]") : "",
                                           ": ", inst.status().message()));
        }
        arg.instances.push_back(*std::move(inst));
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

void ObjectManager::FinishOutParams(const CallContext& ctx, MethodResult& r) const {
  for (OutParam& o : r.out) {
    if (o.embedded) {
      for (Instance& inst : o.instances) {
        if (ctx.schema->FindClass(inst.class_name()) == nullptr) continue;  // e.g. CIM_Error
        absl::StatusOr<Instance> p = registry_->ProjectInstance(inst, ctx.name_space, ctx.version);
        if (p.ok()) inst = *std::move(p);
      }
      continue;
    }
    if (o.value.is_null() || o.value.type() != hv::cim::CimType::kReference) continue;
    auto with_ns = [&](const ObjectPath& p) {
      ObjectPath q = p;
      if (q.name_space.empty()) q.name_space = ctx.name_space;
      return q;
    };
    if (o.value.is_array()) {
      std::vector<hv::cim::Scalar> refs;
      for (const auto& s : o.value.array()) {
        refs.push_back(std::make_shared<const ObjectPath>(
            with_ns(*std::get<std::shared_ptr<const ObjectPath>>(s))));
      }
      o.value = Value::Array(hv::cim::CimType::kReference, std::move(refs));
    } else {
      o.value = Value::Reference(with_ns(o.value.AsReference()));
    }
  }
}

absl::StatusOr<MethodResult> ObjectManager::InvokeMethod(const CallContext& ctx,
                                                         const ObjectPath& path,
                                                         absl::string_view method_name,
                                                         const std::vector<InArg>& args) {
  ASSIGN_OR_RETURN(const hv::cim::Class* cls, PinnedClass(ctx, path.class_name));
  const hv::cim::Method* method = cls->FindMethod(method_name);
  if (method == nullptr) {
    return MakeCimError(CimStatusCode::kMethodNotFound,
                        absl::StrCat("class ", cls->name(), " has no method '", method_name,
                                     "' in ", ctx.name_space, "@", ctx.version));
  }
  ClassProvider* provider = ProviderOf(ctx, cls->name());
  if (provider == nullptr) {
    return MakeCimError(CimStatusCode::kMethodNotAvailable,
                        absl::StrCat(cls->name(), ".", method->name, " is not available: vmms has no ",
                                     cls->name(), " instances in ", ctx.name_space));
  }
  ObjectPath target = path;
  target.class_name = cls->name();
  if (!path.IsClassPath()) {
    // A bad instance path is refused before any argument is looked at.
    RETURN_IF_ERROR(GetInstance(ctx, target, std::vector<std::string>{}).status());
  }
  ASSIGN_OR_RETURN(std::vector<MethodArg> typed, TypeArgs(ctx, *method, args));
  ASSIGN_OR_RETURN(MethodResult r, provider->Invoke(ctx, target, *method, typed));
  FinishOutParams(ctx, r);
  return r;
}

}  // namespace hv::vmms::cim
