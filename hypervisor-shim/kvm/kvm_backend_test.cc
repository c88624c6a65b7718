// The KVM backend without /dev/kvm: it reports itself unavailable (the
// conformance suite covers it in the nested-KVM harness, tests/kvm/run.sh).
#include "hypervisor-shim/kvm/kvm_backend.h"

#include "gtest/gtest.h"

namespace hv::shim::kvm {
namespace {

TEST(KvmBackend, UnavailableWithoutDevKvmAvailableWithIt) {
  auto backend = NewKvmBackend();
  if (!KvmAvailable()) {
    EXPECT_TRUE(absl::IsUnavailable(backend.status())) << backend.status();
    std::vector<BackendKind> kinds = AvailableBackends();
    ASSERT_EQ(kinds.size(), 1u);
    EXPECT_EQ(kinds[0], BackendKind::kTcg);
    return;
  }
  ASSERT_TRUE(backend.ok()) << backend.status();
  EXPECT_EQ((*backend)->kind(), BackendKind::kKvm);
  EXPECT_EQ(AvailableBackends().front(), BackendKind::kKvm);
}

}  // namespace
}  // namespace hv::shim::kvm
