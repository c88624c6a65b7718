#include "vmms/cim/return_codes.h"

#include "vmms/lifecycle/return_code.h"

namespace hv::vmms::cim {

namespace {
struct ServiceEntry {
  ServiceReturn code;
  const char* text;
};
constexpr ServiceEntry kServiceTable[] = {
    {ServiceReturn::kCompleted, "Completed with No Error"},
    {ServiceReturn::kNotSupported, "Not Supported"},
    {ServiceReturn::kFailed, "Failed"},
    {ServiceReturn::kTimeout, "Timeout"},
    {ServiceReturn::kInvalidParameter, "Invalid Parameter"},
    {ServiceReturn::kInvalidState, "Invalid State"},
    {ServiceReturn::kIncompatibleParameters, "Incompatible Parameters"},
    {ServiceReturn::kJobStarted, "Method Parameters Checked - Job Started"},
};
struct StateChangeEntry {
  StateChangeReturn code;
  const char* text;
};
constexpr StateChangeEntry kStateChangeTable[] = {
    {StateChangeReturn::kCompleted, "Completed with No Error"},
    {StateChangeReturn::kJobStarted, "Method Parameters Checked - Transition Started"},
    {StateChangeReturn::kFailed, "Failed"},
    {StateChangeReturn::kAccessDenied, "Access Denied"},
    {StateChangeReturn::kNotSupported, "Not Supported"},
    {StateChangeReturn::kStatusUnknown, "Status is unknown"},
    {StateChangeReturn::kTimeout, "Timeout"},
    {StateChangeReturn::kInvalidParameter, "Invalid parameter"},
    {StateChangeReturn::kSystemInUse, "System is in use"},
    {StateChangeReturn::kInvalidState, "Invalid state for this operation"},
    {StateChangeReturn::kIncorrectDataType, "Incorrect data type"},
    {StateChangeReturn::kSystemNotAvailable, "System is not available"},
    {StateChangeReturn::kOutOfMemory, "Out of memory"},
};
}  // namespace

const char* ToString(ServiceReturn code) {
  for (const auto& e : kServiceTable) {
    if (e.code == code) return e.text;
  }
  return "Unknown";
}

const char* ToString(StateChangeReturn code) {
  for (const auto& e : kStateChangeTable) {
    if (e.code == code) return e.text;
  }
  return "Unknown";
}

const std::vector<ServiceReturn>& AllServiceReturns() {
  static const auto* all = [] {
    auto* v = new std::vector<ServiceReturn>;
    for (const auto& e : kServiceTable) v->push_back(e.code);
    return v;
  }();
  return *all;
}

const std::vector<StateChangeReturn>& AllStateChangeReturns() {
  static const auto* all = [] {
    auto* v = new std::vector<StateChangeReturn>;
    for (const auto& e : kStateChangeTable) v->push_back(e.code);
    return v;
  }();
  return *all;
}

ServiceReturn ToServiceReturn(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return ServiceReturn::kCompleted;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      return ServiceReturn::kInvalidParameter;
    case absl::StatusCode::kFailedPrecondition:
      return ServiceReturn::kInvalidState;
    case absl::StatusCode::kUnimplemented:
      return ServiceReturn::kNotSupported;
    case absl::StatusCode::kDeadlineExceeded:
      return ServiceReturn::kTimeout;
    default:
      return ServiceReturn::kFailed;
  }
}

StateChangeReturn ToStateChangeReturn(const absl::Status& status) {
  if (status.ok()) return StateChangeReturn::kCompleted;
  if (auto rc = ReturnCodeOf(status)) return *rc;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      return StateChangeReturn::kInvalidParameter;
    case absl::StatusCode::kFailedPrecondition:
      return StateChangeReturn::kInvalidState;
    case absl::StatusCode::kUnimplemented:
      return StateChangeReturn::kNotSupported;
    case absl::StatusCode::kDeadlineExceeded:
      return StateChangeReturn::kTimeout;
    case absl::StatusCode::kResourceExhausted:
      return StateChangeReturn::kOutOfMemory;
    case absl::StatusCode::kUnavailable:
      return StateChangeReturn::kSystemNotAvailable;
    case absl::StatusCode::kPermissionDenied:
      return StateChangeReturn::kAccessDenied;
    default:
      return StateChangeReturn::kFailed;
  }
}

}  // namespace hv::vmms::cim
