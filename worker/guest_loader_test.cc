#include "worker/guest_loader.h"

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(WorkerBackendChoiceTest, NamesResolveToTheirKind) {
  EXPECT_EQ(ResolveBackendKind("tcg").value(), hv::shim::BackendKind::kTcg);
  EXPECT_EQ(ResolveBackendKind("kvm").value(), hv::shim::BackendKind::kKvm);
}

TEST(WorkerBackendChoiceTest, AutoIsTheFirstAvailable) {
  const std::vector<hv::shim::BackendKind> kinds = hv::shim::AvailableBackends();
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(ResolveBackendKind("auto").value(), kinds.front());
  EXPECT_EQ(ResolveBackendKind("").value(), kinds.front());
}

TEST(WorkerBackendChoiceTest, UnknownNameIsInvalid) {
  absl::StatusOr<hv::shim::BackendKind> k = ResolveBackendKind("xen");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(k.status().message().find("'xen'"), std::string::npos);
  EXPECT_EQ(SelectBackend("xen").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hv::worker
