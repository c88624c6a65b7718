// WQL parser (grammar in cim-schema/wql_ast.h). Keywords are
// case-insensitive; strings take "..." or '...' with backslash escapes;
// numbers are decimal, 0x hex or real; TRUE/FALSE/NULL are literals.
// Errors are InvalidArgument "WQL: position N: expected X, found Y".
// Input size and expression nesting are bounded. Thread-compatible.
#ifndef HV_CIM_SCHEMA_WQL_PARSER_H_
#define HV_CIM_SCHEMA_WQL_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cim-schema/wql_ast.h"

namespace hv::cim {

struct WqlLimits {
  size_t max_length = 64 * 1024;  // longer queries are rejected
  int max_depth = 64;             // nesting of parentheses and NOT
  int max_nodes = 1024;           // predicates and operators in one WHERE clause
};

absl::StatusOr<WqlQuery> ParseWql(absl::string_view text, const WqlLimits& limits = {});

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_WQL_PARSER_H_
