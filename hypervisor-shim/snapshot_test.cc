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

// A restore copies only what the guest had written: 32 MiB of RAM with four
// dirty pages comes back with those pages' contents, and the rest of it stays
// off the host (zero pages into a fresh mapping are skipped).
TEST(Snapshot, RestoreLeavesUntouchedRamNonResident) {
  auto backend = *CreateBackend(BackendKind::kTcg);
  auto p = Make(*backend, 1);
  constexpr uint64_t kGpa = 16ull << 20, kSize = 32ull << 20;
  ASSERT_TRUE(p->MapRam(kGpa, kSize).ok());
  for (uint64_t i = 0; i < 4; ++i) {
    const uint64_t v = 0x1122334455667788ull + i;
    ASSERT_TRUE(p->WriteGpa(kGpa + i * (8ull << 20), &v, sizeof(v)).ok());
  }
  const std::string path = ::testing::TempDir() + "/snap_res_" + std::to_string(getpid());
  ASSERT_TRUE(SaveSnapshot(*p, path).ok());
  auto fresh = Make(*backend, 1);
  const uint64_t before = fresh->ResidentBytes();
  ASSERT_TRUE(RestoreSnapshot(*fresh, path).ok());
  for (uint64_t i = 0; i < 4; ++i) {
    uint64_t v = 0;
    ASSERT_TRUE(fresh->ReadGpa(kGpa + i * (8ull << 20), &v, sizeof(v)).ok());
    EXPECT_EQ(v, 0x1122334455667788ull + i);
  }
  // Four dirty pages plus whatever the backend keeps (boot area): far below
  // the 32 MiB a copy of every page would make resident.
  EXPECT_LT(fresh->ResidentBytes() - before, 1ull << 20) << fresh->ResidentBytes();
  unlink(path.c_str());
}

}  // namespace
}  // namespace hv::shim
