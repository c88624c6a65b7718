#include "hypervisor-shim/exit_reason.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "hypervisor-shim/vm_exit.h"

namespace hv::shim {
namespace {

TEST(ExitReasonTable, EveryRowIsNamedUniquelyAndSortedBelowTheLimit) {
  std::set<std::string_view> names;
  int previous = -1;
  for (const ExitReasonInfo& info : ExitReasonTable()) {
    const int n = static_cast<int>(info.reason);
    EXPECT_GT(n, previous) << info.name;
    EXPECT_LT(n, kExitReasonLimit) << info.name;
    EXPECT_TRUE(info.name.starts_with("EXIT_REASON_")) << info.name;
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(ToString(info.reason), info.name);
    EXPECT_EQ(ExitReasonFromNumber(static_cast<uint16_t>(n)), info.reason);
    previous = n;
  }
  EXPECT_EQ(ExitReasonTable().size(), 66u);
}

TEST(ExitReasonTable, SdmNumbersOfTheExitsTheShimProduces) {
  EXPECT_EQ(static_cast<int>(ExitReason::kExceptionNmi), 0);
  EXPECT_EQ(static_cast<int>(ExitReason::kExternalInterrupt), 1);
  EXPECT_EQ(static_cast<int>(ExitReason::kTripleFault), 2);
  EXPECT_EQ(static_cast<int>(ExitReason::kCpuid), 10);
  EXPECT_EQ(static_cast<int>(ExitReason::kHlt), 12);
  EXPECT_EQ(static_cast<int>(ExitReason::kVmcall), 18);
  EXPECT_EQ(static_cast<int>(ExitReason::kIoInstruction), 30);
  EXPECT_EQ(static_cast<int>(ExitReason::kMsrRead), 31);
  EXPECT_EQ(static_cast<int>(ExitReason::kMsrWrite), 32);
  EXPECT_EQ(static_cast<int>(ExitReason::kInvalidGuestState), 33);
  EXPECT_EQ(static_cast<int>(ExitReason::kEptViolation), 48);
  EXPECT_EQ(ToString(ExitReason::kIoInstruction), "EXIT_REASON_IO_INSTRUCTION");
}

TEST(ExitReasonTable, ReservedNumbersHaveNamesButNoReason) {
  EXPECT_FALSE(ExitReasonFromNumber(35).has_value());
  EXPECT_FALSE(ExitReasonFromNumber(1000).has_value());
  EXPECT_EQ(ToString(static_cast<ExitReason>(35)), "EXIT_REASON_RESERVED_35");
  EXPECT_EQ(ToString(static_cast<ExitReason>(9999)), "EXIT_REASON_OUT_OF_RANGE");
}

TEST(VmExit, DebugStringShowsTheQualification) {
  VmExit e;
  e.reason = ExitReason::kIoInstruction;
  e.io.port = 0x3F8;
  e.io.value = 0x41;
  e.rip = 0x100005;
  EXPECT_EQ(e.DebugString(), "EXIT_REASON_IO_INSTRUCTION port=0x3f8 out size=1 value=0x41 rip=0x100005");
  e.reason = ExitReason::kEptViolation;
  e.ept.gpa = 0x3000000;
  e.ept.access = kAccessWrite;
  EXPECT_EQ(e.DebugString(), "EXIT_REASON_EPT_VIOLATION gpa=0x3000000 access=w unmapped rip=0x100005");
}

TEST(VmExit, FatalExits) {
  VmExit e;
  e.reason = ExitReason::kTripleFault;
  EXPECT_TRUE(IsFatal(e));
  e.reason = ExitReason::kEptViolation;
  EXPECT_TRUE(IsFatal(e));
  e.ept.mmio = true;
  EXPECT_FALSE(IsFatal(e));
  e.reason = ExitReason::kHlt;
  EXPECT_FALSE(IsFatal(e));
}

}  // namespace
}  // namespace hv::shim
