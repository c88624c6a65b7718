// The MOF compiler driver: parses a root file and everything it includes
// into a SchemaSet, one Schema per namespace (#pragma namespace switches the
// target). It enforces the compilation-level rules of cim.md §2: includes
// resolve relative to the including file, include cycles and excessive
// nesting are errors, qualifiers must be declared before use (per
// namespace), superclasses before subclasses, aliases before use; input
// size is bounded. Not thread-safe; one compiler per compilation.
#ifndef HV_CIM_SCHEMA_MOF_COMPILER_H_
#define HV_CIM_SCHEMA_MOF_COMPILER_H_

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "cim-schema/mof_parser.h"
#include "cim-schema/mof_source.h"
#include "cim-schema/names.h"
#include "cim-schema/schema.h"

namespace hv::cim {

// Schemas by namespace name (case-insensitive), in creation order.
class SchemaSet {
 public:
  Schema* GetOrCreate(absl::string_view name_space);
  const Schema* Find(absl::string_view name_space) const;
  Schema* FindMutable(absl::string_view name_space);
  std::vector<std::string> Namespaces() const;
  // Moves one schema out of the set (nullptr if absent).
  std::unique_ptr<Schema> Take(absl::string_view name_space);

 private:
  std::vector<std::unique_ptr<Schema>> schemas_;
  CiMap<Schema*> index_;
};

struct MofOptions {
  // Namespace used until a #pragma namespace appears.
  std::string default_namespace = "root/cimv2";
  // Largest single file accepted.
  size_t max_file_bytes = 16u << 20;
  // Largest total of all files of one compilation.
  size_t max_total_bytes = 256u << 20;
  // Deepest #pragma include nesting.
  int max_include_depth = 16;
  // Most files one compilation may read.
  size_t max_files = 20000;
};

class MofCompiler : private MofSink {
 public:
  // `source` and `out` must outlive the compiler.
  MofCompiler(MofSource* source, SchemaSet* out, MofOptions options = {});

  // Compiles a file (resolved through the source) and its includes.
  absl::Status CompileFile(absl::string_view path);
  // Compiles text named `name`; its includes resolve relative to `name`.
  absl::Status CompileText(absl::string_view name, absl::string_view text);

  size_t files_compiled() const { return files_compiled_; }
  size_t bytes_compiled() const { return bytes_compiled_; }
  // The last #pragma locale seen ("" if none).
  const std::string& locale() const { return locale_; }

 private:
  absl::Status CompileResolved(const std::string& canonical, std::string text);
  absl::Status Include(absl::string_view include);

  absl::Status OnPragma(absl::string_view name, const std::vector<std::string>& args) override;
  const QualifierDecl* FindQualifierDecl(absl::string_view name) override;
  absl::Status OnQualifierDecl(QualifierDecl decl) override;
  absl::Status OnClass(const Class& local, absl::string_view alias) override;
  const Class* FindClass(absl::string_view name) override;
  absl::Status OnInstance(Instance instance, absl::string_view alias) override;
  absl::StatusOr<Value> ResolveAlias(absl::string_view alias) override;
  Schema* Current();

  MofSource* source_;
  SchemaSet* out_;
  MofOptions options_;
  std::string namespace_;
  std::string locale_;
  std::vector<std::string> include_stack_;
  CiMap<Value> aliases_;
  size_t files_compiled_ = 0;
  size_t bytes_compiled_ = 0;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_MOF_COMPILER_H_
