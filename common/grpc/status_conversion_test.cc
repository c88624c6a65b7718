#include "common/grpc/status_conversion.h"

#include "gtest/gtest.h"

namespace hv {
namespace {

TEST(StatusConversion, RoundTripsEveryCanonicalCode) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), code == 0 ? "" : "vm 'web1': why");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    absl::Status back = ToAbslStatus(g);
    EXPECT_EQ(back, s) << code;
  }
}

TEST(StatusConversion, OutOfRangeCodeBecomesUnknown) {
  absl::Status odd(static_cast<absl::StatusCode>(99), "odd");
  EXPECT_EQ(ToGrpcStatus(odd).error_code(), grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(ToGrpcStatus(odd).error_message(), "odd");
}

}  // namespace
}  // namespace hv
