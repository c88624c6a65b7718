#include "hypervisor-shim/synthetic_registers.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

TEST(SyntheticRegisters, GuestReadsAndWritesWithTlfsRules) {
  ReferenceClock clock;
  SyntheticRegisters regs(2, clock);
  uint64_t v = 0;
  EXPECT_EQ(regs.GuestGet(HV_REGISTER_VP_INDEX, &v), HV_STATUS_SUCCESS);
  EXPECT_EQ(v, 2u);
  EXPECT_EQ(regs.GuestSet(HV_REGISTER_VP_INDEX, 5), HV_STATUS_ACCESS_DENIED);
  EXPECT_EQ(regs.GuestSet(HV_REGISTER_TIME_REF_COUNT, 5), HV_STATUS_ACCESS_DENIED);
  EXPECT_EQ(regs.GuestSet(HV_REGISTER_SIMP, 0x1234001), HV_STATUS_SUCCESS);
  EXPECT_EQ(regs.simp(), 0x1234001u);
  EXPECT_EQ(regs.GuestGet(0x12345678, &v), HV_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(regs.GuestSet(HV_REGISTER_EOM + 1, 1), HV_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(regs.GuestGet(HV_REGISTER_SINT0 + 3, &v), HV_STATUS_SUCCESS);
  EXPECT_EQ(v, HV_SINT_MASKED) << "SINTs reset masked";
  EXPECT_EQ(regs.GuestGet(HV_REGISTER_SVERSION, &v), HV_STATUS_SUCCESS);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(regs.GuestSet(HV_REGISTER_EOM, 0), HV_STATUS_SUCCESS);
}

TEST(SyntheticRegisters, TimeRefCountAdvancesAndRestores) {
  ReferenceClock clock;
  SyntheticRegisters regs(0, clock);
  uint64_t a = *regs.Get(HV_REGISTER_TIME_REF_COUNT);
  absl::SleepFor(absl::Milliseconds(2));
  uint64_t b = *regs.Get(HV_REGISTER_TIME_REF_COUNT);
  EXPECT_GE(b - a, 10000u) << "100 ns units: 2 ms >= 20000";
  clock.Restore(1'000'000'000);
  EXPECT_GE(*regs.Get(HV_REGISTER_TIME_REF_COUNT), 1'000'000'000u);
  EXPECT_LT(*regs.Get(HV_REGISTER_TIME_REF_COUNT), 1'010'000'000u);
}

TEST(SyntheticRegisters, TimerDeadlineNeedsEnableAndCount) {
  ReferenceClock clock;
  SyntheticRegisters regs(0, clock);
  EXPECT_FALSE(regs.TimerDeadline().has_value());
  ASSERT_EQ(regs.GuestSet(HV_REGISTER_STIMER0_COUNT, 5000), HV_STATUS_SUCCESS);
  EXPECT_FALSE(regs.TimerDeadline().has_value());
  ASSERT_EQ(regs.GuestSet(HV_REGISTER_STIMER0_CONFIG, HV_STIMER_ENABLE), HV_STATUS_SUCCESS);
  EXPECT_EQ(regs.TimerDeadline(), 5000u);
}

TEST(SyntheticRegisters, ObserverSeesGuestWritesAndHostSetBypassesRules) {
  ReferenceClock clock;
  SyntheticRegisters regs(0, clock);
  std::vector<std::pair<uint32_t, uint64_t>> seen;
  regs.set_write_observer([&](uint32_t n, uint64_t v) { seen.push_back({n, v}); });
  ASSERT_EQ(regs.GuestSet(HV_REGISTER_SCONTROL, 1), HV_STATUS_SUCCESS);
  ASSERT_EQ(regs.GuestSet(HV_REGISTER_VP_INDEX, 1), HV_STATUS_ACCESS_DENIED);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, HV_REGISTER_SCONTROL);
  EXPECT_TRUE(regs.HostSet(HV_REGISTER_SIEFP, 0x7001).ok());
  EXPECT_EQ(regs.siefp(), 0x7001u);
  EXPECT_FALSE(regs.HostSet(HV_REGISTER_TIME_REF_COUNT, 1).ok());
  EXPECT_EQ(regs.StoredValues().size(), 6u + 16u);
}

}  // namespace
}  // namespace hv::shim
