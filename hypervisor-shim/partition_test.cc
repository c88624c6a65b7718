// Partition memory semantics, on the TCG backend (always available).
#include "hypervisor-shim/partition.h"

#include <cstring>

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "wire/boot_info.h"

namespace hv::shim {
namespace {

constexpr uint64_t k1M = 1ull << 20;

std::unique_ptr<Partition> NewPartition(std::unique_ptr<Backend>& backend,
                                        PartitionOptions options = {}) {
  backend = *CreateBackend(BackendKind::kTcg);
  options.max_gpa = 1ull << 30;
  auto p = backend->CreatePartition(options);
  EXPECT_TRUE(p.ok()) << p.status();
  return std::move(*p);
}

TEST(Partition, BootAreaIsMappedAndGpaZeroIsNot) {
  std::unique_ptr<Backend> b;
  auto p = NewPartition(b);
  EXPECT_EQ(p->Regions(), (std::vector<MemoryRegion>{
                              {HV_BOOT_PAGE_TABLES_GPA, HV_BOOT_IMAGE_GPA - HV_BOOT_PAGE_TABLES_GPA,
                               kProtAll}}));
  uint8_t x;
  EXPECT_TRUE(absl::IsOutOfRange(p->ReadGpa(0, &x, 1)));
  uint8_t tramp[4];
  ASSERT_TRUE(p->ReadGpa(HV_BOOT_HYPERCALL_PAGE_GPA, tramp, 4).ok());
  EXPECT_EQ(tramp[0], 0x0F) << "TCG trampoline starts with VMCALL";
}

TEST(Partition, HostAccessIsBoundsChecked) {
  std::unique_ptr<Backend> b;
  auto p = NewPartition(b);
  ASSERT_TRUE(p->MapRam(HV_BOOT_IMAGE_GPA, 4 * k1M).ok());
  const uint64_t top = HV_BOOT_IMAGE_GPA + 4 * k1M;
  uint64_t v = 0x1122334455667788;
  EXPECT_TRUE(p->WriteGpa(top - 8, &v, 8).ok());
  EXPECT_TRUE(absl::IsOutOfRange(p->WriteGpa(top - 4, &v, 8)));
  EXPECT_TRUE(absl::IsOutOfRange(p->ReadGpa(~0ull - 3, &v, 8))) << "wrapping range";
  EXPECT_TRUE(absl::IsOutOfRange(p->HostPointer(top, 1).status()));
  EXPECT_TRUE(p->CopyGpa(HV_BOOT_IMAGE_GPA, top - 8, 8).ok());
  uint64_t w = 0;
  ASSERT_TRUE(p->ReadGpa(HV_BOOT_IMAGE_GPA, &w, 8).ok());
  EXPECT_EQ(w, v);
}

TEST(Partition, ResidentBytesIsMeasuredAndUnmapReleases) {
  std::unique_ptr<Backend> b;
  auto p = NewPartition(b);
  const uint64_t base = 64 * k1M, size = 64 * k1M;
  ASSERT_TRUE(p->MapRam(base, size).ok());
  const uint64_t idle = p->ResidentBytes();
  EXPECT_LT(idle, 2 * k1M) << "mapped but untouched memory is not resident";
  auto host = p->HostPointer(base, 16 * k1M);
  ASSERT_TRUE(host.ok());
  memset(*host, 0xAB, 16 * k1M);
  EXPECT_GE(p->ResidentBytes(), idle + 16 * k1M);
  ASSERT_TRUE(p->Unmap(base, 16 * k1M).ok());
  EXPECT_LT(p->ResidentBytes(), idle + k1M) << "MADV_DONTNEED released the pages";
  ASSERT_TRUE(p->MapRam(base, 16 * k1M).ok());
  uint8_t x = 1;
  ASSERT_TRUE(p->ReadGpa(base, &x, 1).ok());
  EXPECT_EQ(x, 0) << "remapped memory reads zeros";
  EXPECT_EQ(p->MappedBytes(), HV_BOOT_IMAGE_GPA - HV_BOOT_PAGE_TABLES_GPA + size);
}

TEST(Partition, RegionBoundAndMmioOverlapAreErrorsNamingThePartition) {
  std::unique_ptr<Backend> b;
  PartitionOptions o;
  o.name = "web1";
  o.max_regions = 3;
  auto p = NewPartition(b, o);
  ASSERT_TRUE(p->MapRam(8 * k1M, 8 * k1M).ok());  // 2 regions
  ASSERT_TRUE(p->Unmap(10 * k1M, 2 * k1M).ok());  // 3
  absl::Status s = p->Unmap(13 * k1M, k1M);
  EXPECT_TRUE(absl::IsResourceExhausted(s)) << s;
  EXPECT_NE(s.message().find("partition 'web1'"), std::string::npos) << s;
  EXPECT_TRUE(p->RegisterMmio(100 * k1M, 4096).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(p->MapRam(100 * k1M, 4096)));
  EXPECT_TRUE(absl::IsAlreadyExists(p->RegisterMmio(8 * k1M, 4096)));
}

TEST(Partition, BadOptionsAreRejected) {
  auto backend = *CreateBackend(BackendKind::kTcg);
  PartitionOptions o;
  o.vcpu_count = 5;
  EXPECT_TRUE(absl::IsInvalidArgument(backend->CreatePartition(o).status()));
  o.vcpu_count = 1;
  o.max_gpa = 3 << 20;
  EXPECT_TRUE(absl::IsInvalidArgument(backend->CreatePartition(o).status()));
}

}  // namespace
}  // namespace hv::shim
