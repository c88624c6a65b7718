// CIM status codes (DSP0200 / cim.md §5, "Status codes"), as one table, and
// a way to carry them on absl::Status so a provider can map library errors
// to the precise CIM_ERR_* (e.g. an unknown namespace is
// CIM_ERR_INVALID_NAMESPACE, not just NotFound). Thread-safe (constant data).
#ifndef HV_CIM_SCHEMA_CIM_STATUS_H_
#define HV_CIM_SCHEMA_CIM_STATUS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hv::cim {

enum class CimStatusCode : int {
  kFailed = 1,
  kAccessDenied = 2,
  kInvalidNamespace = 3,
  kInvalidParameter = 4,
  kInvalidClass = 5,
  kNotFound = 6,
  kNotSupported = 7,
  kClassHasChildren = 8,
  kClassHasInstances = 9,
  kInvalidSuperclass = 10,
  kAlreadyExists = 11,
  kNoSuchProperty = 12,
  kTypeMismatch = 13,
  kQueryLanguageNotSupported = 14,
  kInvalidQuery = 15,
  kMethodNotAvailable = 16,
  kMethodNotFound = 17,
  kNamespaceNotEmpty = 20,
  kInvalidEnumerationContext = 21,
  kInvalidOperationTimeout = 22,
  kPullHasBeenAbandoned = 23,
  kPullCannotBeAbandoned = 24,
  kFilteredEnumerationNotSupported = 25,
  kContinuationOnErrorNotSupported = 26,
  kServerLimitsExceeded = 27,
  kServerIsShuttingDown = 28,
};

// "CIM_ERR_INVALID_NAMESPACE"; "CIM_ERR_<n>" for codes outside the table.
std::string CimStatusName(CimStatusCode code);
// Every code of the table, in numeric order (for coverage tests and listings).
const CimStatusCode* AllCimStatusCodes(size_t* count);

// An absl::Status of the closest canonical code carrying `code` as payload.
absl::Status MakeCimError(CimStatusCode code, absl::string_view message);
// The CIM code carried by `s`, if any.
std::optional<CimStatusCode> GetCimStatus(const absl::Status& s);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_CIM_STATUS_H_
