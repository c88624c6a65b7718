// Typed evaluation of WQL over instances (cim.md §4). Property types come
// from the instance's class when one is given (else from the values):
//  - strings, char16 and LIKE compare case-insensitively, as WMI does;
//  - integers compare numerically and exactly across signed/unsigned and
//    against real constants; reals as double;
//  - datetimes compare as instants (wildcarded ones only for = / <>);
//  - booleans against TRUE/FALSE or 0/non-zero; references by path (= / <>);
//  - NULL on either side makes a comparison UNKNOWN (SQL three-valued logic;
//    WHERE keeps only TRUE); IS [NOT] NULL tests for it;
//  - ISA tests a reference's class, or the instance's own class via __this
//    or __CLASS, through the subclass relation given by the context.
// Type mismatches and unknown properties are errors naming the position.
// Thread-compatible (pure functions).
#ifndef HV_CIM_SCHEMA_WQL_EVAL_H_
#define HV_CIM_SCHEMA_WQL_EVAL_H_

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/inheritance.h"
#include "cim-schema/instance.h"
#include "cim-schema/wql_ast.h"

namespace hv::cim {

struct WqlEvalContext {
  // The instance's resolved class: declared property types and existence
  // checks. nullptr: types are taken from the values, unknown names are NULL.
  const Class* cls = nullptr;
  // Subclass test for ISA and FROM; unset means exact (case-insensitive) name match.
  IsSubclassFn is_subclass;
};

enum class WqlTruth { kFalse, kTrue, kUnknown };

absl::StatusOr<WqlTruth> EvaluateWql(const WqlExpr& expr, const Instance& instance,
                                     const WqlEvalContext& ctx);

// True when the instance's class is (a subclass of) the FROM class and the
// WHERE clause, if any, is TRUE.
absl::StatusOr<bool> MatchesSelect(const WqlSelect& query, const Instance& instance,
                                   const WqlEvalContext& ctx);

// The instance reduced to the SELECT list (unchanged for SELECT *). Key
// properties of ctx.cls are kept so the result still has a path.
Instance ProjectSelect(const WqlSelect& query, const Instance& instance, const WqlEvalContext& ctx);

// Validates a SELECT against a class before any data: every named property
// exists and every constant fits the property's type.
absl::Status CheckSelect(const WqlSelect& query, const Class& cls);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_WQL_EVAL_H_
