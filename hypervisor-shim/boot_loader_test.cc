#include "hypervisor-shim/boot_loader.h"

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"

namespace hv::shim {
namespace {

TEST(BootLoader, FillsBootInfoAndEntryRegistersPerVcpu) {
  auto backend = *CreateBackend(BackendKind::kTcg);
  PartitionOptions o;
  o.vcpu_count = 2;
  o.max_gpa = 256ull << 20;
  auto p = *backend->CreatePartition(o);
  ASSERT_TRUE(p->MapRam(HV_BOOT_IMAGE_GPA, (32ull << 20) - HV_BOOT_IMAGE_GPA).ok());
  const uint8_t image[] = {0xF4};
  BootParams params;
  params.startup_bytes = 32ull << 20;
  params.maximum_bytes = 128ull << 20;
  params.command_line = "dm=on";
  ASSERT_TRUE(LoadGuest(*p, image, params).ok());
  hv_boot_info info;
  ASSERT_TRUE(p->ReadGpa(HV_BOOT_INFO_GPA, &info, sizeof(info)).ok());
  EXPECT_EQ(info.magic, HV_BOOT_INFO_MAGIC);
  EXPECT_EQ(info.vcpu_count, 2u);
  EXPECT_EQ(info.maximum_bytes, 128ull << 20);
  EXPECT_EQ(info.hypercall_page_gpa, HV_BOOT_HYPERCALL_PAGE_GPA);
  ASSERT_EQ(info.memory_range_count, 2u);
  EXPECT_EQ(info.memory_ranges[0].type, HV_MEMORY_RESERVED);
  EXPECT_EQ(info.memory_ranges[1].base_gpa, HV_BOOT_IMAGE_GPA + kPageSize);
  EXPECT_EQ(info.memory_ranges[1].base_gpa + info.memory_ranges[1].length, 32ull << 20);
  EXPECT_STREQ(info.command_line, "dm=on");
  for (uint32_t i = 0; i < 2; ++i) {
    VcpuRegisters r = *p->vcpu(i).GetRegisters();
    EXPECT_EQ(r.rip, HV_BOOT_IMAGE_GPA);
    EXPECT_EQ(r.rdi, HV_BOOT_INFO_GPA);
    EXPECT_EQ(r.rsi, i);
    EXPECT_EQ(r.rsp, HV_BOOT_STACK_TOP - i * kBootStackPerVcpu);
  }
  params.command_line.assign(HV_BOOT_COMMAND_LINE_BYTES, 'x');
  EXPECT_TRUE(absl::IsInvalidArgument(WriteBootInfo(*p, params, 1)));
  EXPECT_TRUE(absl::IsOutOfRange(LoadFlatImage(*p, image, 0x4000000)));
}

}  // namespace
}  // namespace hv::shim
