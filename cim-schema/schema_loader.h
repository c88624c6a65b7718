// Loads one namespace's schema from MOF on disk, for tools (the schema-diff
// CLI, `vmctl schema diff`): a .mof file, or a directory holding either a
// schema.mof root file or, failing that, .mof files compiled in name order.
// Thread-compatible.
#ifndef HV_CIM_SCHEMA_SCHEMA_LOADER_H_
#define HV_CIM_SCHEMA_SCHEMA_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cim-schema/mof_compiler.h"
#include "cim-schema/schema.h"

namespace hv::cim {

// `name_space` picks one namespace when the MOF defines several; empty means
// the only one (InvalidArgument listing them when there are several).
absl::StatusOr<std::unique_ptr<Schema>> LoadSchemaFromPath(absl::string_view path,
                                                           absl::string_view name_space = "",
                                                           const MofOptions& options = {});

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_SCHEMA_LOADER_H_
