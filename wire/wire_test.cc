// The wire headers compile as C++ with every layout assertion, and as C in the
// guest build. This test pins the few values other code must never change.
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "wire/boot_info.h"
#include "wire/tlfs.h"

namespace hv {
namespace {

TEST(Tlfs, HypercallInputFieldsDoNotOverlap) {
  const uint64_t fields[] = {HV_HYPERCALL_CODE_MASK, HV_HYPERCALL_FAST_BIT,
                             HV_HYPERCALL_VARHEAD_MASK, HV_HYPERCALL_NESTED_BIT,
                             HV_HYPERCALL_REP_COUNT_MASK, HV_HYPERCALL_REP_START_MASK};
  uint64_t seen = 0;
  for (uint64_t f : fields) {
    EXPECT_EQ(seen & f, 0u);
    seen |= f;
  }
  EXPECT_EQ(seen | HV_HYPERCALL_RSVD_MASK, ~0ull);
  EXPECT_EQ(seen & HV_HYPERCALL_RSVD_MASK, 0u);
}

TEST(Tlfs, SignatureSpellsMicrosoftHv) {
  char sig[13] = {};
  uint32_t regs[3] = {HV_CPUID_SIGNATURE_EBX, HV_CPUID_SIGNATURE_ECX, HV_CPUID_SIGNATURE_EDX};
  memcpy(sig, regs, 12);
  EXPECT_STREQ(sig, "Microsoft Hv");
  uint32_t hv1 = HV_CPUID_INTERFACE_HV1;
  EXPECT_EQ(std::string(reinterpret_cast<char*>(&hv1), 4), "Hv#1");
}

TEST(BootInfo, LayoutRegionsAreOrdered) {
  EXPECT_LT(HV_BOOT_PAGE_TABLES_END, HV_BOOT_INFO_GPA + 1);
  EXPECT_LT(HV_BOOT_INFO_GPA, HV_BOOT_HYPERCALL_PAGE_GPA);
  EXPECT_LT(HV_BOOT_HYPERCALL_PAGE_GPA, HV_BOOT_STACK_TOP);
  EXPECT_LE(HV_BOOT_STACK_TOP, HV_BOOT_IMAGE_GPA);
}

}  // namespace
}  // namespace hv
