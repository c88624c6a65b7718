#include "cim-schema/schema_registry.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/embedded_mof.h"
#include "common/status_macros.h"

namespace hv::cim {

absl::StatusOr<std::vector<SchemaVersionSpec>> ParseSchemaManifest(absl::string_view text) {
  std::vector<SchemaVersionSpec> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (cols.size() != 3) {
      return absl::InvalidArgumentError(absl::StrCat("manifest line ", line_no,
                                                     ": expected 'namespace version root-file'"));
    }
    out.push_back({cols[0], cols[1], cols[2]});
  }
  return out;
}

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::LoadEmbedded(
    const MofOptions& options) {
  std::map<std::string, absl::string_view, std::less<>> files;
  for (const EmbeddedMofFile& f : EmbeddedMofFiles()) files.emplace(f.path, f.text);
  auto manifest = files.find("manifest.txt");
  if (manifest == files.end()) return absl::InternalError("embedded MOF has no manifest.txt");
  ASSIGN_OR_RETURN(std::vector<SchemaVersionSpec> specs, ParseSchemaManifest(manifest->second));
  MemoryMofSource source(std::move(files));
  return Load(&source, specs, options);
}

absl::StatusOr<std::unique_ptr<SchemaRegistry>> SchemaRegistry::Load(
    MofSource* source, const std::vector<SchemaVersionSpec>& specs, const MofOptions& options) {
  auto reg = std::unique_ptr<SchemaRegistry>(new SchemaRegistry());
  for (const SchemaVersionSpec& spec : specs) {
    SchemaSet set;
    MofOptions opt = options;
    opt.default_namespace = spec.name_space;
    MofCompiler compiler(source, &set, opt);
    absl::Status s = compiler.CompileFile(spec.root_file);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("schema ", spec.name_space, " version ",
                                                 spec.version, ": ", s.message()));
    }
    std::unique_ptr<Schema> schema = set.Take(spec.name_space);
    if (schema == nullptr || schema->class_count() == 0) {
      return absl::InvalidArgumentError(absl::StrCat("schema ", spec.name_space, " version ",
                                                     spec.version, ": ", spec.root_file,
                                                     " defines no classes in that namespace"));
    }
    auto it = reg->index_.find(spec.name_space);
    if (it == reg->index_.end()) {
      it = reg->index_.emplace(spec.name_space, reg->namespaces_.size()).first;
      reg->namespaces_.push_back({spec.name_space, {}});
    }
    NamespaceEntry& ns = reg->namespaces_[it->second];
    for (const Entry& e : ns.versions) {
      if (CiEquals(e.version, spec.version)) {
        return absl::InvalidArgumentError(absl::StrCat("schema ", spec.name_space, " version ",
                                                       spec.version, " listed twice"));
      }
    }
    ns.versions.push_back({spec.version, std::move(schema)});
  }
  return reg;
}

const SchemaRegistry::NamespaceEntry* SchemaRegistry::FindNamespace(absl::string_view ns) const {
  auto it = index_.find(ns);
  return it == index_.end() ? nullptr : &namespaces_[it->second];
}

std::vector<std::string> SchemaRegistry::Namespaces() const {
  std::vector<std::string> out;
  for (const NamespaceEntry& ns : namespaces_) out.push_back(ns.name);
  return out;
}

std::vector<std::string> SchemaRegistry::Versions(absl::string_view name_space) const {
  std::vector<std::string> out;
  if (const NamespaceEntry* ns = FindNamespace(name_space)) {
    for (const Entry& e : ns->versions) out.push_back(e.version);
  }
  return out;
}

absl::StatusOr<std::string> SchemaRegistry::NewestVersion(absl::string_view name_space) const {
  const NamespaceEntry* ns = FindNamespace(name_space);
  if (ns == nullptr) {
    return MakeCimError(CimStatusCode::kInvalidNamespace,
                        absl::StrCat("namespace '", name_space, "' does not exist"));
  }
  return ns->versions.back().version;
}

absl::StatusOr<const Schema*> SchemaRegistry::Get(absl::string_view name_space,
                                                  absl::string_view version) const {
  const NamespaceEntry* ns = FindNamespace(name_space);
  if (ns == nullptr) {
    return MakeCimError(CimStatusCode::kInvalidNamespace,
                        absl::StrCat("namespace '", name_space, "' does not exist"));
  }
  if (version.empty()) return ns->versions.back().schema.get();
  for (const Entry& e : ns->versions) {
    if (CiEquals(e.version, version)) return e.schema.get();
  }
  return MakeCimError(CimStatusCode::kNotFound, absl::StrCat("namespace '", ns->name,
                                                             "' has no version '", version, "'"));
}

absl::StatusOr<const Class*> SchemaRegistry::GetClass(absl::string_view name_space,
                                                      absl::string_view version,
                                                      absl::string_view class_name) const {
  ASSIGN_OR_RETURN(const Schema* schema, Get(name_space, version));
  const Class* cls = schema->FindClass(class_name);
  if (cls == nullptr) {
    return MakeCimError(CimStatusCode::kInvalidClass,
                        absl::StrCat("class '", class_name, "' does not exist in ",
                                     schema->name_space(),
                                     version.empty() ? "" : absl::StrCat(" version ", version)));
  }
  return cls;
}

absl::StatusOr<std::vector<const Class*>> SchemaRegistry::Subclasses(
    absl::string_view name_space, absl::string_view version, absl::string_view class_name,
    bool deep) const {
  ASSIGN_OR_RETURN(const Class* cls, GetClass(name_space, version, class_name));
  ASSIGN_OR_RETURN(const Schema* schema, Get(name_space, version));
  return schema->Subclasses(cls->name(), deep);
}

absl::StatusOr<Instance> SchemaRegistry::ProjectInstance(const Instance& instance,
                                                         absl::string_view name_space,
                                                         absl::string_view version) const {
  ASSIGN_OR_RETURN(const Class* cls, GetClass(name_space, version, instance.class_name()));
  Instance out(cls->name());
  for (const PropertyValue& pv : instance.properties()) {
    if (const Property* p = cls->FindProperty(pv.name)) out.Set(p->name, pv.value);
  }
  return out;
}

}  // namespace hv::cim
