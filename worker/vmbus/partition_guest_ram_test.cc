#include "worker/vmbus/partition_guest_ram.h"

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "wire/boot_info.h"

namespace hv::worker {
namespace {

TEST(PartitionGuestRam, BoundsFollowTheMemoryMap) {
  auto backend = shim::CreateBackend(shim::BackendKind::kTcg);
  ASSERT_TRUE(backend.ok()) << backend.status();
  shim::PartitionOptions o;
  o.max_gpa = 64ull << 20;
  auto p = (*backend)->CreatePartition(o);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE((*p)->MapRam(HV_BOOT_IMAGE_GPA, 4ull << 20).ok());
  PartitionGuestRam ram(p->get());
  const uint64_t v = 0x1122334455667788ull;
  ASSERT_TRUE(ram.Write(HV_BOOT_IMAGE_GPA + 8, &v, 8).ok());
  uint64_t r = 0;
  ASSERT_TRUE(ram.Read(HV_BOOT_IMAGE_GPA + 8, &r, 8).ok());
  EXPECT_EQ(r, v);
  EXPECT_TRUE(ram.Contains(HV_BOOT_IMAGE_GPA, 4ull << 20));
  EXPECT_FALSE(ram.Contains(HV_BOOT_IMAGE_GPA, (4ull << 20) + 1));
  EXPECT_FALSE(ram.Contains(0, 8)) << "page 0 is never RAM";
  EXPECT_FALSE(ram.Read(HV_BOOT_IMAGE_GPA + (4ull << 20), &r, 8).ok());
  EXPECT_FALSE(ram.Write(~0ull - 4, &v, 8).ok());
}

}  // namespace
}  // namespace hv::worker
