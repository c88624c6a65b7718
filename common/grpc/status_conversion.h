// The one place where absl::Status and grpc::Status meet. Service adapters
// (vmms/service, worker/control) convert at their edge; domain code never sees
// grpc::Status. The canonical codes are numerically identical in both
// libraries; status_conversion.cc static_asserts every one of them.
// Thread-safe (pure functions).
#ifndef HV_COMMON_GRPC_STATUS_CONVERSION_H_
#define HV_COMMON_GRPC_STATUS_CONVERSION_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace hv {

// Code and message carried over unchanged; payloads are dropped.
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status ToAbslStatus(const grpc::Status& status);

}  // namespace hv

#endif  // HV_COMMON_GRPC_STATUS_CONVERSION_H_
