#include "cim-schema/cim_status.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hv::cim {
namespace {

constexpr char kPayloadUrl[] = "type.vmms/hv.cim.CimStatusCode";

struct Row {
  CimStatusCode code;
  const char* name;
  absl::StatusCode canonical;
};

// cim.md §5 (pywbem _cim_constants.py); 18 and 19 are withdrawn.
constexpr Row kRows[] = {
    {CimStatusCode::kFailed, "CIM_ERR_FAILED", absl::StatusCode::kInternal},
    {CimStatusCode::kAccessDenied, "CIM_ERR_ACCESS_DENIED", absl::StatusCode::kPermissionDenied},
    {CimStatusCode::kInvalidNamespace, "CIM_ERR_INVALID_NAMESPACE", absl::StatusCode::kNotFound},
    {CimStatusCode::kInvalidParameter, "CIM_ERR_INVALID_PARAMETER",
     absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kInvalidClass, "CIM_ERR_INVALID_CLASS", absl::StatusCode::kNotFound},
    {CimStatusCode::kNotFound, "CIM_ERR_NOT_FOUND", absl::StatusCode::kNotFound},
    {CimStatusCode::kNotSupported, "CIM_ERR_NOT_SUPPORTED", absl::StatusCode::kUnimplemented},
    {CimStatusCode::kClassHasChildren, "CIM_ERR_CLASS_HAS_CHILDREN",
     absl::StatusCode::kFailedPrecondition},
    {CimStatusCode::kClassHasInstances, "CIM_ERR_CLASS_HAS_INSTANCES",
     absl::StatusCode::kFailedPrecondition},
    {CimStatusCode::kInvalidSuperclass, "CIM_ERR_INVALID_SUPERCLASS",
     absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kAlreadyExists, "CIM_ERR_ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
    {CimStatusCode::kNoSuchProperty, "CIM_ERR_NO_SUCH_PROPERTY", absl::StatusCode::kNotFound},
    {CimStatusCode::kTypeMismatch, "CIM_ERR_TYPE_MISMATCH", absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kQueryLanguageNotSupported, "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
     absl::StatusCode::kUnimplemented},
    {CimStatusCode::kInvalidQuery, "CIM_ERR_INVALID_QUERY", absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kMethodNotAvailable, "CIM_ERR_METHOD_NOT_AVAILABLE",
     absl::StatusCode::kFailedPrecondition},
    {CimStatusCode::kMethodNotFound, "CIM_ERR_METHOD_NOT_FOUND", absl::StatusCode::kNotFound},
    {CimStatusCode::kNamespaceNotEmpty, "CIM_ERR_NAMESPACE_NOT_EMPTY",
     absl::StatusCode::kFailedPrecondition},
    {CimStatusCode::kInvalidEnumerationContext, "CIM_ERR_INVALID_ENUMERATION_CONTEXT",
     absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kInvalidOperationTimeout, "CIM_ERR_INVALID_OPERATION_TIMEOUT",
     absl::StatusCode::kInvalidArgument},
    {CimStatusCode::kPullHasBeenAbandoned, "CIM_ERR_PULL_HAS_BEEN_ABANDONED",
     absl::StatusCode::kAborted},
    {CimStatusCode::kPullCannotBeAbandoned, "CIM_ERR_PULL_CANNOT_BE_ABANDONED",
     absl::StatusCode::kFailedPrecondition},
    {CimStatusCode::kFilteredEnumerationNotSupported,
     "CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED", absl::StatusCode::kUnimplemented},
    {CimStatusCode::kContinuationOnErrorNotSupported,
     "CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED", absl::StatusCode::kUnimplemented},
    {CimStatusCode::kServerLimitsExceeded, "CIM_ERR_SERVER_LIMITS_EXCEEDED",
     absl::StatusCode::kResourceExhausted},
    {CimStatusCode::kServerIsShuttingDown, "CIM_ERR_SERVER_IS_SHUTTING_DOWN",
     absl::StatusCode::kUnavailable},
};

constexpr CimStatusCode kAll[] = {
    CimStatusCode::kFailed, CimStatusCode::kAccessDenied, CimStatusCode::kInvalidNamespace,
    CimStatusCode::kInvalidParameter, CimStatusCode::kInvalidClass, CimStatusCode::kNotFound,
    CimStatusCode::kNotSupported, CimStatusCode::kClassHasChildren,
    CimStatusCode::kClassHasInstances, CimStatusCode::kInvalidSuperclass,
    CimStatusCode::kAlreadyExists, CimStatusCode::kNoSuchProperty, CimStatusCode::kTypeMismatch,
    CimStatusCode::kQueryLanguageNotSupported, CimStatusCode::kInvalidQuery,
    CimStatusCode::kMethodNotAvailable, CimStatusCode::kMethodNotFound,
    CimStatusCode::kNamespaceNotEmpty, CimStatusCode::kInvalidEnumerationContext,
    CimStatusCode::kInvalidOperationTimeout, CimStatusCode::kPullHasBeenAbandoned,
    CimStatusCode::kPullCannotBeAbandoned, CimStatusCode::kFilteredEnumerationNotSupported,
    CimStatusCode::kContinuationOnErrorNotSupported, CimStatusCode::kServerLimitsExceeded,
    CimStatusCode::kServerIsShuttingDown,
};
static_assert(sizeof(kAll) / sizeof(kAll[0]) == sizeof(kRows) / sizeof(kRows[0]));

const Row* FindRow(CimStatusCode code) {
  for (const Row& r : kRows) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

}  // namespace

std::string CimStatusName(CimStatusCode code) {
  const Row* r = FindRow(code);
  return r ? r->name : absl::StrCat("CIM_ERR_", static_cast<int>(code));
}

const CimStatusCode* AllCimStatusCodes(size_t* count) {
  *count = sizeof(kAll) / sizeof(kAll[0]);
  return kAll;
}

absl::Status MakeCimError(CimStatusCode code, absl::string_view message) {
  const Row* r = FindRow(code);
  absl::Status s(r ? r->canonical : absl::StatusCode::kUnknown, message);
  s.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(static_cast<int>(code))));
  return s;
}

std::optional<CimStatusCode> GetCimStatus(const absl::Status& s) {
  absl::optional<absl::Cord> p = s.GetPayload(kPayloadUrl);
  int v;
  if (!p || !absl::SimpleAtoi(std::string(*p), &v)) return std::nullopt;
  return static_cast<CimStatusCode>(v);
}

}  // namespace hv::cim
