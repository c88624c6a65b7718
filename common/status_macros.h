// Status propagation macros for absl::Status / absl::StatusOr.
//
//   RETURN_IF_ERROR(expr);            // returns expr's status if not ok
//   ASSIGN_OR_RETURN(auto x, expr);   // declares x = *expr, or returns expr.status()
//
// Both evaluate `expr` exactly once. Thread-compatible (no state).
#ifndef HV_COMMON_STATUS_MACROS_H_
#define HV_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HV_STATUS_CONCAT_INNER_(a, b) a##b
#define HV_STATUS_CONCAT_(a, b) HV_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                               \
  do {                                                      \
    ::absl::Status hv_status_ = (expr);                     \
    if (!hv_status_.ok()) return hv_status_;                \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  HV_ASSIGN_OR_RETURN_IMPL_(HV_STATUS_CONCAT_(hv_statusor_, __LINE__), lhs, expr)

#define HV_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // HV_COMMON_STATUS_MACROS_H_
