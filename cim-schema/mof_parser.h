// Recursive-descent parser for one MOF compilation unit (the DSP0004 subset
// of cim.md §2): #pragma, qualifier declarations, classes (AS $alias,
// superclass, properties with arrays and defaults, references, methods with
// qualified parameters) and instances. Qualifier values and initializers are
// typed here against the declarations the sink provides, so an undeclared
// qualifier is an error at its use. Every error reads
// "file:line:column: what was expected, found what".
// The parser holds no state beyond one unit; what it builds goes to a
// MofSink (the compiler), which resolves includes, namespaces and aliases.
// Thread-compatible.
#ifndef HV_CIM_SCHEMA_MOF_PARSER_H_
#define HV_CIM_SCHEMA_MOF_PARSER_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/qualifier.h"
#include "cim-schema/value.h"

namespace hv::cim {

// Receives what the parser recognises. Returned errors are prefixed with the
// statement's file:line:column by the parser.
class MofSink {
 public:
  virtual ~MofSink() = default;
  // #pragma name("arg", ...)
  virtual absl::Status OnPragma(absl::string_view name, const std::vector<std::string>& args) = 0;
  // The declaration in the current namespace, or nullptr.
  virtual const QualifierDecl* FindQualifierDecl(absl::string_view name) = 0;
  virtual absl::Status OnQualifierDecl(QualifierDecl decl) = 0;
  virtual absl::Status OnClass(const Class& local, absl::string_view alias) = 0;
  // A resolved class of the current namespace (to type instance values).
  virtual const Class* FindClass(absl::string_view name) = 0;
  virtual absl::Status OnInstance(Instance instance, absl::string_view alias) = 0;
  // The reference an alias stands for; NotFound if not (yet) defined.
  virtual absl::StatusOr<Value> ResolveAlias(absl::string_view alias) = 0;
};

// Parses `src` (named `file` in errors) into `sink`. Stops at the first error.
absl::Status ParseMof(absl::string_view file, absl::string_view src, MofSink* sink);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_MOF_PARSER_H_
