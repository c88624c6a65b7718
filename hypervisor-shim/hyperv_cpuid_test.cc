#include "hypervisor-shim/hyperv_cpuid.h"

#include <cstring>

#include "gtest/gtest.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

TEST(HypervCpuid, LeavesInOrderWithSignatureAndFeatures) {
  auto leaves = HypervCpuidLeaves();
  ASSERT_EQ(leaves.size(), 6u);
  for (size_t i = 0; i < leaves.size(); ++i) EXPECT_EQ(leaves[i].leaf, 0x40000000u + i);
  char vendor[13] = {};
  memcpy(vendor, &leaves[0].ebx, 4);
  memcpy(vendor + 4, &leaves[0].ecx, 4);
  memcpy(vendor + 8, &leaves[0].edx, 4);
  EXPECT_STREQ(vendor, "Microsoft Hv");
  EXPECT_EQ(leaves[0].eax, HV_CPUID_IMPLEMENT_LIMITS);
  EXPECT_EQ(leaves[1].eax, 0x31237648u);  // "Hv#1"
  EXPECT_TRUE(leaves[3].ebx & HV_FLAG_POST_MESSAGES);
  EXPECT_TRUE(leaves[3].ebx & HV_FLAG_SIGNAL_EVENTS);
  EXPECT_TRUE(leaves[3].eax & HV_PRIV_ACCESS_SYNIC);
  EXPECT_EQ(HypervCpuidLeaf(0x40000003)->ebx, leaves[3].ebx);
  EXPECT_FALSE(HypervCpuidLeaf(0x40000006).has_value());
}

}  // namespace
}  // namespace hv::shim
