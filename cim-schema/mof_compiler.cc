#include "cim-schema/mof_compiler.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cim-schema/object_path.h"
#include "common/status_macros.h"

namespace hv::cim {

Schema* SchemaSet::GetOrCreate(absl::string_view ns) {
  if (Schema* s = FindMutable(ns)) return s;
  schemas_.push_back(std::make_unique<Schema>(std::string(ns)));
  index_.emplace(std::string(ns), schemas_.back().get());
  return schemas_.back().get();
}

const Schema* SchemaSet::Find(absl::string_view ns) const {
  auto it = index_.find(ns);
  return it == index_.end() ? nullptr : it->second;
}

Schema* SchemaSet::FindMutable(absl::string_view ns) {
  auto it = index_.find(ns);
  return it == index_.end() ? nullptr : it->second;
}

std::vector<std::string> SchemaSet::Namespaces() const {
  std::vector<std::string> out;
  for (const auto& s : schemas_) out.push_back(s->name_space());
  return out;
}

std::unique_ptr<Schema> SchemaSet::Take(absl::string_view ns) {
  for (auto it = schemas_.begin(); it != schemas_.end(); ++it) {
    if (CiEquals((*it)->name_space(), ns)) {
      std::unique_ptr<Schema> s = std::move(*it);
      schemas_.erase(it);
      index_.erase(s->name_space());
      return s;
    }
  }
  return nullptr;
}

MofCompiler::MofCompiler(MofSource* source, SchemaSet* out, MofOptions options)
    : source_(source), out_(out), options_(std::move(options)),
      namespace_(options_.default_namespace) {}

Schema* MofCompiler::Current() { return out_->GetOrCreate(namespace_); }

absl::Status MofCompiler::CompileFile(absl::string_view path) {
  ASSIGN_OR_RETURN(std::string canonical, source_->Resolve("", path));
  ASSIGN_OR_RETURN(std::string text, source_->Read(canonical, options_.max_file_bytes));
  return CompileResolved(canonical, std::move(text));
}

absl::Status MofCompiler::CompileText(absl::string_view name, absl::string_view text) {
  if (text.size() > options_.max_file_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("MOF text '", name, "' exceeds ",
                                                     options_.max_file_bytes, " bytes"));
  }
  return CompileResolved(std::string(name), std::string(text));
}

absl::Status MofCompiler::CompileResolved(const std::string& canonical, std::string text) {
  for (const std::string& open : include_stack_) {
    if (open == canonical) {
      std::vector<std::string> cycle = include_stack_;
      cycle.push_back(canonical);
      return absl::InvalidArgumentError(
          absl::StrCat("include cycle: ", absl::StrJoin(cycle, " -> ")));
    }
  }
  if (static_cast<int>(include_stack_.size()) >= options_.max_include_depth) {
    return absl::ResourceExhaustedError(absl::StrCat("'", canonical, "': includes nested deeper than ",
                                                     options_.max_include_depth));
  }
  if (++files_compiled_ > options_.max_files) {
    return absl::ResourceExhaustedError(absl::StrCat("more than ", options_.max_files,
                                                     " MOF files in one compilation"));
  }
  bytes_compiled_ += text.size();
  if (bytes_compiled_ > options_.max_total_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("MOF input exceeds ",
                                                     options_.max_total_bytes, " bytes in total"));
  }
  include_stack_.push_back(canonical);
  absl::Status s = ParseMof(canonical, text, this);
  include_stack_.pop_back();
  return s;
}

absl::Status MofCompiler::Include(absl::string_view include) {
  const std::string from = include_stack_.empty() ? "" : include_stack_.back();
  ASSIGN_OR_RETURN(std::string canonical, source_->Resolve(from, include));
  ASSIGN_OR_RETURN(std::string text, source_->Read(canonical, options_.max_file_bytes));
  return CompileResolved(canonical, std::move(text));
}

absl::Status MofCompiler::OnPragma(absl::string_view name, const std::vector<std::string>& args) {
  if (CiEquals(name, "include")) {
    if (args.size() != 1) return absl::InvalidArgumentError("#pragma include takes one file name");
    return Include(args[0]);
  }
  if (CiEquals(name, "namespace")) {
    if (args.size() != 1 || args[0].empty()) {
      return absl::InvalidArgumentError("#pragma namespace takes one namespace name");
    }
    // A leading "//host/" or '/' is not part of the name (cim.md §2: name only).
    std::string ns = args[0];
    while (!ns.empty() && ns.front() == '/') ns.erase(ns.begin());
    for (char& c : ns) {
      if (c == '\\') c = '/';
    }
    namespace_ = ns;
    return absl::OkStatus();
  }
  if (CiEquals(name, "locale")) {
    if (args.size() != 1) return absl::InvalidArgumentError("#pragma locale takes one locale");
    locale_ = args[0];
  }
  return absl::OkStatus();  // other pragmas (instancelocale, nonlocal, ...) are ignored
}

const QualifierDecl* MofCompiler::FindQualifierDecl(absl::string_view name) {
  return Current()->FindQualifierDecl(name);
}

absl::Status MofCompiler::OnQualifierDecl(QualifierDecl decl) {
  return Current()->AddQualifierDecl(std::move(decl));
}

absl::Status MofCompiler::OnClass(const Class& local, absl::string_view alias) {
  RETURN_IF_ERROR(Current()->AddClass(local));
  if (!alias.empty()) {
    ObjectPath p;
    p.name_space = namespace_;
    p.class_name = local.name();
    if (!aliases_.emplace(std::string(alias), Value::Reference(std::move(p))).second) {
      return absl::AlreadyExistsError(absl::StrCat("alias '$", alias, "' defined twice"));
    }
  }
  return absl::OkStatus();
}

const Class* MofCompiler::FindClass(absl::string_view name) { return Current()->FindClass(name); }

absl::Status MofCompiler::OnInstance(Instance instance, absl::string_view alias) {
  if (!alias.empty()) {
    const Class* cls = Current()->FindClass(instance.class_name());
    ASSIGN_OR_RETURN(ObjectPath p, instance.Path(*cls, namespace_));
    if (!aliases_.emplace(std::string(alias), Value::Reference(std::move(p))).second) {
      return absl::AlreadyExistsError(absl::StrCat("alias '$", alias, "' defined twice"));
    }
  }
  return Current()->AddInstance(std::move(instance));
}

absl::StatusOr<Value> MofCompiler::ResolveAlias(absl::string_view alias) {
  auto it = aliases_.find(alias);
  if (it == aliases_.end()) {
    return absl::NotFoundError(absl::StrCat("alias '$", alias, "' is not defined (yet)"));
  }
  return it->second;
}

}  // namespace hv::cim
