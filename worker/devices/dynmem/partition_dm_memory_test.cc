// PartitionDmMemory on a real (TCG) partition, without a guest: released
// pages leave the memory map and the host's resident set; restored pages
// come back zero-filled.
#include "worker/devices/dynmem/partition_dm_memory.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "wire/boot_info.h"

namespace hv::worker {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kRamTop = 64 * kMiB;

class PartitionDmMemoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = shim::CreateBackend(shim::BackendKind::kTcg);
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = std::move(*backend);
    shim::PartitionOptions o;
    o.max_gpa = 256 * kMiB;
    auto p = backend_->CreatePartition(o);
    ASSERT_TRUE(p.ok()) << p.status();
    partition_ = std::move(*p);
    ASSERT_TRUE(partition_->MapRam(HV_BOOT_IMAGE_GPA, kRamTop - HV_BOOT_IMAGE_GPA).ok());
  }
  void Touch(uint64_t gpa, uint64_t bytes) {
    std::vector<uint8_t> ones(bytes, 0xAB);
    ASSERT_TRUE(partition_->WriteGpa(gpa, ones.data(), bytes).ok());
  }
  std::unique_ptr<shim::Backend> backend_;
  std::unique_ptr<shim::Partition> partition_;
};

TEST_F(PartitionDmMemoryTest, ReleaseDropsResidentAndRestoreMapsZeroes) {
  PartitionDmMemory mem(partition_.get());
  Touch(16 * kMiB, 32 * kMiB);
  const uint64_t before = partition_->ResidentBytes();
  // 32 MiB as 16 separately released 2 MiB ranges (as the guest balloons).
  for (uint64_t i = 0; i < 16; ++i) {
    ASSERT_TRUE(mem.ReleasePages((16 * kMiB + i * 2 * kMiB) / 4096, 512).ok());
  }
  EXPECT_EQ(mem.unmapped_bytes(), 32 * kMiB);
  EXPECT_GE(before - partition_->ResidentBytes(), 30 * kMiB);
  uint8_t b = 0;
  EXPECT_FALSE(partition_->ReadGpa(20 * kMiB, &b, 1).ok()) << "released memory is unmapped";
  // Restore a range that does not follow the release boundaries.
  ASSERT_TRUE(mem.RestorePages((16 * kMiB) / 4096, 3 * 256).ok());  // 3 MiB -> 2 granules
  EXPECT_EQ(mem.unmapped_bytes(), 28 * kMiB);
  ASSERT_TRUE(partition_->ReadGpa(17 * kMiB, &b, 1).ok());
  EXPECT_EQ(b, 0) << "restored memory reads zeroes";
  ASSERT_TRUE(mem.RestorePages((16 * kMiB) / 4096, 32 * 256).ok());  // overlaps what is mapped
  EXPECT_EQ(mem.unmapped_bytes(), 0u);
  EXPECT_TRUE(partition_->ReadGpa(47 * kMiB, &b, 1).ok());
}

TEST_F(PartitionDmMemoryTest, UnalignedReleaseKeepsPartialGranulesMapped) {
  PartitionDmMemory mem(partition_.get());
  const uint64_t g = partition_->unmap_granularity();
  // A range covering one whole granule plus a page either side.
  const uint64_t pfn = (8 * kMiB - 4096) / 4096;
  ASSERT_TRUE(mem.ReleasePages(pfn, g / 4096 + 2).ok());
  EXPECT_EQ(mem.unmapped_bytes(), g);
  EXPECT_EQ(mem.kept_mapped_pages(), 2u);
  uint8_t b;
  EXPECT_TRUE(partition_->ReadGpa(8 * kMiB - 4096, &b, 1).ok());
}

TEST_F(PartitionDmMemoryTest, AddMemoryMapsNewBlockAboveTop) {
  PartitionDmMemory mem(partition_.get());
  ASSERT_TRUE(mem.AddMemory(kRamTop / 4096, 128 * kMiB / 4096).ok());
  uint8_t b = 1;
  ASSERT_TRUE(partition_->WriteGpa(kRamTop + 100 * kMiB, &b, 1).ok());
  EXPECT_FALSE(mem.AddMemory(kRamTop / 4096, 512).ok()) << "already mapped";
  EXPECT_FALSE(mem.AddMemory(1024 * kMiB / 4096, 512).ok()) << "beyond max_gpa";
}

TEST_F(PartitionDmMemoryTest, SaveRestoreKeepsTheReleasedRangesRestorable) {
  PartitionDmMemory a(partition_.get());
  ASSERT_TRUE(a.ReleasePages((16 * kMiB) / 4096, 8 * 256).ok());
  const hv::worker::v1::DmMemoryState saved = a.Save();
  ASSERT_EQ(saved.unmapped_size(), 1);
  // A second object over the same (restored) partition: the range is still
  // unmapped there, and comes back through RestorePages.
  PartitionDmMemory b(partition_.get());
  ASSERT_TRUE(b.Restore(saved).ok()) << b.Restore(saved);
  EXPECT_EQ(b.unmapped_bytes(), 8 * kMiB);
  EXPECT_EQ(b.Save().SerializeAsString(), saved.SerializeAsString());
  ASSERT_TRUE(b.RestorePages((16 * kMiB) / 4096, 8 * 256).ok());
  EXPECT_EQ(b.unmapped_bytes(), 0u);
  uint8_t x = 1;
  EXPECT_TRUE(partition_->ReadGpa(20 * kMiB, &x, 1).ok());
  // Now mapped, the same saved state is refused (it would double-map later),
  // as are overlapping, empty or out-of-range ranges.
  PartitionDmMemory c(partition_.get());
  EXPECT_EQ(c.Restore(saved).code(), absl::StatusCode::kInvalidArgument);
  hv::worker::v1::DmMemoryState bad;
  auto* r = bad.add_unmapped();
  r->set_pfn((300 * kMiB) / 4096);
  r->set_count(256);
  absl::Status s = c.Restore(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unmapped[0]"), absl::string_view::npos) << s;
  r->set_count(0);
  EXPECT_FALSE(c.Restore(bad).ok());
  EXPECT_EQ(c.unmapped_bytes(), 0u);
}

}  // namespace
}  // namespace hv::worker
