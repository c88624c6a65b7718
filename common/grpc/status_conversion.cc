#include "common/grpc/status_conversion.h"

#include <string>

namespace hv {
namespace {

#define HV_SAME_CODE(absl_name, grpc_name)                                   \
  static_assert(static_cast<int>(absl::StatusCode::absl_name) ==             \
                static_cast<int>(grpc::StatusCode::grpc_name),               \
                "absl and gRPC disagree on " #absl_name)
HV_SAME_CODE(kOk, OK);
HV_SAME_CODE(kCancelled, CANCELLED);
HV_SAME_CODE(kUnknown, UNKNOWN);
HV_SAME_CODE(kInvalidArgument, INVALID_ARGUMENT);
HV_SAME_CODE(kDeadlineExceeded, DEADLINE_EXCEEDED);
HV_SAME_CODE(kNotFound, NOT_FOUND);
HV_SAME_CODE(kAlreadyExists, ALREADY_EXISTS);
HV_SAME_CODE(kPermissionDenied, PERMISSION_DENIED);
HV_SAME_CODE(kResourceExhausted, RESOURCE_EXHAUSTED);
HV_SAME_CODE(kFailedPrecondition, FAILED_PRECONDITION);
HV_SAME_CODE(kAborted, ABORTED);
HV_SAME_CODE(kOutOfRange, OUT_OF_RANGE);
HV_SAME_CODE(kUnimplemented, UNIMPLEMENTED);
HV_SAME_CODE(kInternal, INTERNAL);
HV_SAME_CODE(kUnavailable, UNAVAILABLE);
HV_SAME_CODE(kDataLoss, DATA_LOSS);
HV_SAME_CODE(kUnauthenticated, UNAUTHENTICATED);
#undef HV_SAME_CODE

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  int code = static_cast<int>(status.code());
  if (code < 0 || code > static_cast<int>(grpc::StatusCode::UNAUTHENTICATED)) {
    code = static_cast<int>(grpc::StatusCode::UNKNOWN);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), std::string(status.message()));
}

absl::Status ToAbslStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace hv
