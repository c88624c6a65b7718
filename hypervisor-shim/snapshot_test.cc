// Snapshot error paths; the round trip runs in tests/conformance on every backend.
#include "hypervisor-shim/snapshot.h"

#include <unistd.h>

#include <cstdio>

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"

namespace hv::shim {
namespace {

std::unique_ptr<Partition> Make(Backend& b, uint32_t vcpus) {
  PartitionOptions o;
  o.vcpu_count = vcpus;
  o.max_gpa = 64ull << 20;
  return *b.CreatePartition(o);
}

TEST(Snapshot, RejectsMismatchesAndCorruption) {
  auto backend = *CreateBackend(BackendKind::kTcg);
  auto p = Make(*backend, 1);
  const std::string path = ::testing::TempDir() + "/snap_test_" + std::to_string(getpid());
  ASSERT_TRUE(SaveSnapshot(*p, path).ok());
  auto two = Make(*backend, 2);
  EXPECT_TRUE(absl::IsInvalidArgument(RestoreSnapshot(*two, path)));
  // Truncate the file in the middle of guest memory.
  FILE* f = fopen(path.c_str(), "r+");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(ftruncate(fileno(f), 4096), 0);
  fclose(f);
  auto fresh = Make(*backend, 1);
  EXPECT_TRUE(absl::IsDataLoss(RestoreSnapshot(*fresh, path)));
  f = fopen(path.c_str(), "w");
  fputs("not a snapshot at all, just text", f);
  fclose(f);
  EXPECT_TRUE(absl::IsDataLoss(RestoreSnapshot(*fresh, path)));
  EXPECT_TRUE(absl::IsNotFound(RestoreSnapshot(*fresh, path + ".missing")));
  EXPECT_FALSE(SaveSnapshot(*p, "/nonexistent-dir/x").ok());
  unlink(path.c_str());
}

}  // namespace
}  // namespace hv::shim
