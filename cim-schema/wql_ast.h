// Parsed WQL (cim.md §4): data queries
//   SELECT * | p1, p2 FROM Class [WHERE expr]
// and association queries
//   ASSOCIATORS OF {path} [WHERE AssocClass=A ResultClass=C Role=R ResultRole=R
//                          RequiredQualifier=Q RequiredAssocQualifier=Q ClassDefsOnly KeysOnly]
//   REFERENCES OF {path} [WHERE ResultClass=C Role=R RequiredQualifier=Q ClassDefsOnly KeysOnly]
// Every node keeps its 1-based character position for error messages.
// Value types, thread-compatible.
#ifndef HV_CIM_SCHEMA_WQL_AST_H_
#define HV_CIM_SCHEMA_WQL_AST_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cim-schema/object_path.h"

namespace hv::cim {

struct WqlLiteral {
  enum class Kind { kNull, kBool, kInteger, kReal, kString } kind = Kind::kNull;
  bool b = false;
  bool negative = false;  // kInteger sign
  uint64_t magnitude = 0; // kInteger |value|
  double real = 0;
  std::string str;
};

struct WqlOperand {
  bool is_property = false;
  std::string property;  // when is_property ("__CLASS" and "__this" are pseudo-properties)
  WqlLiteral literal;    // otherwise
  size_t pos = 0;
};

enum class WqlOp { kEq, kNe, kLt, kGt, kLe, kGe };

struct WqlExpr {
  enum class Kind { kAnd, kOr, kNot, kCompare, kLike, kIsNull, kIsa } kind = Kind::kCompare;
  size_t pos = 0;
  std::unique_ptr<WqlExpr> lhs, rhs;  // kAnd/kOr both, kNot lhs
  WqlOperand left, right;             // kCompare
  WqlOp op = WqlOp::kEq;              // kCompare
  std::string property;               // kLike, kIsNull, kIsa
  std::string text;                   // kLike pattern, kIsa class name
  bool negated = false;               // NOT LIKE, IS NOT NULL
};

struct WqlSelect {
  bool all = false;                     // SELECT *
  std::vector<std::string> properties;  // otherwise
  std::string class_name;
  std::unique_ptr<WqlExpr> where;       // null without WHERE
};

struct WqlAssociationQuery {
  bool references = false;  // REFERENCES OF vs ASSOCIATORS OF
  ObjectPath path;
  std::string assoc_class, result_class, role, result_role;
  std::string required_qualifier, required_assoc_qualifier;
  bool class_defs_only = false;
  bool keys_only = false;
};

using WqlQuery = std::variant<WqlSelect, WqlAssociationQuery>;

// Operator text ("=", "<>", ...).
const char* WqlOpName(WqlOp op);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_WQL_AST_H_
