#include "common/status_macros.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace hv {
namespace {

int g_calls = 0;

absl::StatusOr<std::unique_ptr<int>> MakeInt(bool ok) {
  ++g_calls;
  if (!ok) return absl::NotFoundError("vm 'web1': no such int");
  return std::make_unique<int>(42);
}

absl::Status Step(bool ok) {
  ++g_calls;
  return ok ? absl::OkStatus() : absl::FailedPreconditionError("vm 'web1': cannot start from Running");
}

absl::StatusOr<int> UseAssign(bool ok) {
  ASSIGN_OR_RETURN(std::unique_ptr<int> v, MakeInt(ok));  // move-only value
  return *v + 1;
}

absl::Status UseReturn(bool first, bool second) {
  RETURN_IF_ERROR(Step(first));
  RETURN_IF_ERROR(Step(second));
  return absl::OkStatus();
}

TEST(StatusMacros, AssignOrReturnPassesValueAndError) {
  g_calls = 0;
  EXPECT_EQ(*UseAssign(true), 43);
  absl::StatusOr<int> bad = UseAssign(false);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(bad.status().message(), "vm 'web1': no such int");
  EXPECT_EQ(g_calls, 2);  // evaluated exactly once per use
}

TEST(StatusMacros, ReturnIfErrorStopsAtFirstFailure) {
  g_calls = 0;
  EXPECT_TRUE(UseReturn(true, true).ok());
  EXPECT_EQ(g_calls, 2);
  g_calls = 0;
  absl::Status s = UseReturn(false, true);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g_calls, 1);  // second step never ran
}

}  // namespace
}  // namespace hv
