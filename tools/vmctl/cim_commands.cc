// vmctl: generic CIM verbs (cim get|enum|query|invoke|class) and schema diff.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/mof_compiler.h"
#include "cim-schema/mof_source.h"
#include "cim-schema/object_path.h"
#include "cim-schema/schema_diff.h"
#include "cim-schema/schema_registry.h"
#include "common/status_macros.h"
#include "proto/convert/cim_proto_conversion.h"
#include "tools/vmctl/commands.h"
#include "tools/vmctl/values.h"

namespace hv::vmctl {

namespace pb = hv::cim::v1;

namespace {

pb::CimValue KeyValue(const hv::cim::Value& v);

pb::ObjectPath ToProto(const hv::cim::ObjectPath& p, const std::string& default_ns) {
  pb::ObjectPath out;
  out.set_namespace_(p.name_space.empty() ? default_ns : p.name_space);
  out.set_class_name(p.class_name);
  for (const auto& k : p.keys) {
    auto* kb = out.add_keys();
    kb->set_name(k.name);
    *kb->mutable_value() = KeyValue(k.value);
  }
  return out;
}

pb::CimValue KeyValue(const hv::cim::Value& v) {
  if (v.is_null() || v.is_array()) return pb::CimValue();
  switch (v.type()) {
    case hv::cim::CimType::kBoolean: return BoolValue(v.AsBool());
    case hv::cim::CimType::kReference: return RefValue(ToProto(v.AsReference(), ""));
    case hv::cim::CimType::kString: return StringValue(v.AsString());
    default: return UntypedValue(v.ToMof());
  }
}

void PrintInstances(const std::vector<pb::CimInstance>& all, bool json, std::ostream& out) {
  if (json) {
    out << "[";
    for (size_t i = 0; i < all.size(); ++i) out << (i ? "," : "") << InstanceToJson(all[i]);
    out << "]\n";
    return;
  }
  for (const auto& inst : all) {
    out << (inst.has_path() ? PathToUri(inst.path()) : inst.class_name()) << "\n";
    for (const auto& p : inst.properties()) out << "  " << p.name() << " = " << ValueToText(p.value()) << "\n";
  }
}

}  // namespace

int Commands::Cim(const Args& a) {
  if (a.positional.empty()) {
    err_ << "vmctl: cim needs a verb: get|enum|query|invoke|class\n";
    return kExitUsage;
  }
  const std::string verb = a.positional[0];
  const std::string ns = a.Get("namespace", "root/virtualization/v2");
  auto need = [&](size_t n, const char* usage) {
    if (a.positional.size() >= n) return true;
    err_ << "vmctl: usage: vmctl cim " << usage << "\n";
    return false;
  };
  auto path_of = [&](const std::string& text, pb::ObjectPath* out) {
    absl::StatusOr<hv::cim::ObjectPath> p = hv::cim::ObjectPath::Parse(text);
    if (!p.ok()) {
      err_ << "vmctl: bad object path '" << text << "': " << p.status().message() << "\n";
      return false;
    }
    *out = ToProto(*p, ns);
    return true;
  };
  if (verb == "get") {
    if (!need(2, "get PATH [--namespace NS]")) return kExitUsage;
    pb::ObjectPath p;
    if (!path_of(a.positional[1], &p)) return kExitUsage;
    auto r = c_->GetInstance(p);
    if (!r.ok) return Fail(r.error);
    PrintInstances({r.value}, o_.json, out_);
    return kExitOk;
  }
  if (verb == "enum") {
    if (!need(2, "enum CLASS [--namespace NS]")) return kExitUsage;
    auto r = c_->Enumerate(ns, a.positional[1]);
    if (!r.ok) return Fail(r.error);
    PrintInstances(r.value, o_.json, out_);
    return kExitOk;
  }
  if (verb == "query") {
    if (!need(2, "query \"WQL\" [--namespace NS]")) return kExitUsage;
    auto r = c_->Query(ns, a.positional[1]);
    if (!r.ok) return Fail(r.error);
    PrintInstances(r.value, o_.json, out_);
    return kExitOk;
  }
  if (verb == "class") {
    if (!need(2, "class CLASS [--namespace NS]")) return kExitUsage;
    auto r = c_->GetClass(ns, a.positional[1]);
    if (!r.ok) return Fail(r.error);
    if (o_.json) {
      out_ << "{\"Name\":" << JsonString(r.value.name()) << ",\"Superclass\":"
           << JsonString(r.value.superclass()) << ",\"Properties\":[";
      for (int i = 0; i < r.value.properties_size(); ++i) {
        out_ << (i ? "," : "") << JsonString(r.value.properties(i).name());
      }
      out_ << "],\"Methods\":[";
      for (int i = 0; i < r.value.methods_size(); ++i) {
        out_ << (i ? "," : "") << JsonString(r.value.methods(i).name());
      }
      out_ << "]}\n";
    } else {
      out_ << "class " << r.value.name() << " : " << r.value.superclass() << "\n";
      for (const auto& p : r.value.properties()) {
        out_ << "  " << pb::CimType_Name(p.value().type()) << (p.value().is_array() ? "[] " : " ")
             << p.name() << "\n";
      }
      for (const auto& m : r.value.methods()) out_ << "  method " << m.name() << "()\n";
    }
    return kExitOk;
  }
  if (verb == "invoke") {
    if (!need(3, "invoke PATH METHOD [Name=Value | Name=@file ...]")) return kExitUsage;
    pb::ObjectPath p;
    if (!path_of(a.positional[1], &p)) return kExitUsage;
    // Repeated names make an array; values are untyped text the server types.
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::string>> values;
    for (size_t i = 3; i < a.positional.size(); ++i) {
      const std::string& kv = a.positional[i];
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        err_ << "vmctl: parameter '" << kv << "' is not Name=Value\n";
        return kExitUsage;
      }
      std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
      bool array = name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0;
      if (array) name.resize(name.size() - 2);
      if (!value.empty() && value[0] == '@') {
        std::ifstream f(value.substr(1));
        if (!f) {
          err_ << "vmctl: cannot read " << value.substr(1) << "\n";
          return kExitUsage;
        }
        std::stringstream ss;
        ss << f.rdbuf();
        value = ss.str();
      }
      if (!values.count(name)) order.push_back(name + (array ? "[]" : ""));
      values[name].push_back(value);
    }
    std::vector<pb::ParamValue> params;
    for (std::string name : order) {
      bool array = name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0;
      if (array) name.resize(name.size() - 2);
      const auto& vs = values[name];
      pb::CimValue v;
      v.set_is_array(array || vs.size() > 1);
      for (const auto& s : vs) v.add_elements()->set_string_value(s);
      params.push_back(Param(name, v));
    }
    auto r = c_->Invoke(p, a.positional[2], params);
    if (!r.ok) return Fail(r.error);
    uint64_t rv = r.value.return_value().elements().empty() ? 0 : r.value.return_value().elements(0).unsigned_value();
    if (o_.json) {
      out_ << "{\"ReturnValue\":" << rv << ",\"ErrorDescription\":" << JsonString(r.value.error_description())
           << ",\"Out\":{";
      for (int i = 0; i < r.value.out_params_size(); ++i) {
        out_ << (i ? "," : "") << JsonString(r.value.out_params(i).name()) << ":"
             << ValueToJson(r.value.out_params(i).value());
      }
      out_ << "}}\n";
    } else {
      out_ << "ReturnValue = " << rv << "\n";
      if (!r.value.error_description().empty()) out_ << "ErrorDescription = " << r.value.error_description() << "\n";
      for (const auto& o : r.value.out_params()) out_ << o.name() << " = " << ValueToText(o.value()) << "\n";
    }
    return rv == 0 || rv == 4096 ? kExitOk : kExitMethodFailed;
  }
  err_ << "vmctl: unknown cim verb '" << verb << "'\n";
  return kExitUsage;
}

namespace {

// One side of a diff: a MOF root file, or "<namespace>@<version>" embedded.
struct LoadedSide {
  std::unique_ptr<hv::cim::SchemaRegistry> registry;  // embedded case
  hv::cim::SchemaSet set;                             // file case
  std::unique_ptr<hv::cim::Schema> live;              // live:<namespace> case
  const hv::cim::Schema* schema = nullptr;
};

constexpr char kLivePrefix[] = "live:";

// Rebuilds a served namespace as a Schema: each class back to its local
// declaration, added in an order MOF would need (superclass and REF targets
// first) whatever order the server sent. A reference cycle is broken by
// adding a class once its superclass is present.
absl::StatusOr<std::unique_ptr<hv::cim::Schema>> SchemaFromClasses(
    const std::string& ns, const std::vector<pb::CimClass>& served) {
  auto schema = std::make_unique<hv::cim::Schema>(ns);
  auto known = [&](const std::string& name) { return schema->FindClass(name) != nullptr; };
  auto ready = [&](const pb::CimClass& c, bool with_refs) {
    if (!c.superclass().empty() && !known(c.superclass())) return false;
    if (!with_refs) return true;
    for (const pb::Property& p : c.properties()) {
      const std::string& target = p.value().ref_class();
      if (p.value().type() == pb::CIM_TYPE_REFERENCE && !target.empty() && target != c.name() &&
          !known(target)) {
        return false;
      }
    }
    return true;
  };
  hv::cim::CiMap<bool> names;
  for (const pb::CimClass& c : served) names[c.name()] = true;
  for (const pb::CimClass& c : served) {
    if (!c.superclass().empty() && !names.contains(c.superclass())) {
      return absl::NotFoundError(absl::StrCat("class '", c.name(), "': superclass '",
                                              c.superclass(), "' is not served"));
    }
    for (const pb::Property& p : c.properties()) {
      const std::string& target = p.value().ref_class();
      if (p.value().type() == pb::CIM_TYPE_REFERENCE && !target.empty() && !names.contains(target)) {
        return absl::NotFoundError(absl::StrCat("class '", c.name(), "' property '", p.name(),
                                                "': REF target '", target, "' is not served"));
      }
    }
  }
  std::vector<const pb::CimClass*> pending;
  for (const pb::CimClass& c : served) pending.push_back(&c);
  while (!pending.empty()) {
    auto next = std::find_if(pending.begin(), pending.end(),
                             [&](const pb::CimClass* c) { return ready(*c, true); });
    if (next == pending.end()) {
      next = std::find_if(pending.begin(), pending.end(),
                          [&](const pb::CimClass* c) { return ready(*c, false); });
    }
    if (next == pending.end()) {  // only a superclass cycle gets here
      return absl::InvalidArgumentError(
          absl::StrCat("class '", pending[0]->name(), "': its superclass chain is a cycle"));
    }
    ASSIGN_OR_RETURN(hv::cim::Class local, hv::proto::LocalClassFromProto(**next));
    RETURN_IF_ERROR(schema->AddClass(local));
    pending.erase(next);
  }
  return schema;
}

// Exit code for a live side: kExitOk, kExitUnreachable or kExitUsage.
int LoadLiveSide(const std::string& ns, const ClassFetcher& fetch, LoadedSide* side,
                 std::ostream& err) {
  Result<std::vector<pb::CimClass>> served = fetch(ns);
  if (!served.ok) {
    err << "vmctl: live:" << ns << ": " << served.error.description << "\n";
    return served.error.unreachable ? kExitUnreachable : kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<hv::cim::Schema>> schema = SchemaFromClasses(ns, served.value);
  if (!schema.ok()) {
    err << "vmctl: live:" << ns << ": " << schema.status().message() << "\n";
    return kExitUsage;
  }
  side->live = *std::move(schema);
  side->schema = side->live.get();
  return kExitOk;
}

bool LoadSide(const std::string& spec, LoadedSide* side, std::ostream& err) {
  size_t at = spec.rfind('@');
  std::ifstream probe(spec);
  if (!probe && at != std::string::npos) {
    absl::StatusOr<std::unique_ptr<hv::cim::SchemaRegistry>> reg = hv::cim::SchemaRegistry::LoadEmbedded();
    if (!reg.ok()) {
      err << "vmctl: embedded schema: " << reg.status().message() << "\n";
      return false;
    }
    side->registry = *std::move(reg);
    absl::StatusOr<const hv::cim::Schema*> s =
        side->registry->Get(spec.substr(0, at), spec.substr(at + 1));
    if (!s.ok()) {
      err << "vmctl: " << spec << ": " << s.status().message() << "\n";
      return false;
    }
    side->schema = *s;
    return true;
  }
  hv::cim::FileMofSource source;
  hv::cim::MofCompiler compiler(&source, &side->set);
  absl::Status s = compiler.CompileFile(spec);
  if (!s.ok()) {
    err << "vmctl: " << spec << ": " << s.message() << "\n";
    return false;
  }
  std::vector<std::string> names = side->set.Namespaces();
  if (names.size() != 1) {
    err << "vmctl: " << spec << " defines " << names.size() << " namespaces; expected one\n";
    return false;
  }
  side->schema = side->set.Find(names[0]);
  return true;
}

}  // namespace

int SchemaDiff(const std::vector<std::string>& sides, bool json, const ClassFetcher& fetch,
               std::ostream& out, std::ostream& err) {
  if (sides.size() != 2) {
    err << "vmctl: usage: vmctl schema diff OLD NEW   (each a MOF root file, <namespace>@<version>"
           " or live:<namespace>)\n";
    return kExitUsage;
  }
  LoadedSide loaded[2];
  for (int i = 0; i < 2; ++i) {
    if (absl::StartsWith(sides[i], kLivePrefix)) {
      int rc = LoadLiveSide(sides[i].substr(sizeof(kLivePrefix) - 1), fetch, &loaded[i], err);
      if (rc != kExitOk) return rc;
    } else if (!LoadSide(sides[i], &loaded[i], err)) {
      return kExitUsage;
    }
  }
  const LoadedSide& old_side = loaded[0];
  const LoadedSide& new_side = loaded[1];
  hv::cim::SchemaDiff diff = hv::cim::DiffSchemas(*old_side.schema, *new_side.schema);
  if (json) {
    out << "{\"breaking\":" << (diff.HasBreaking() ? "true" : "false") << ",\"changes\":[";
    for (size_t i = 0; i < diff.changes.size(); ++i) {
      const auto& c = diff.changes[i];
      out << (i ? "," : "") << "{\"verdict\":" << JsonString(hv::cim::DiffVerdictName(c.verdict))
          << ",\"element\":" << JsonString(c.element) << ",\"what\":" << JsonString(c.what) << "}";
    }
    out << "]}\n";
  } else {
    out << diff.ToText();
  }
  return diff.HasBreaking() ? kExitBreaking : kExitOk;
}

}  // namespace hv::vmctl
