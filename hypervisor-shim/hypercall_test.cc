#include "hypervisor-shim/hypercall.h"

#include <set>

#include "gtest/gtest.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

TEST(HypercallCodeTable, UniqueCodesWithTlfsNames) {
  std::set<uint16_t> codes;
  for (const HypercallCodeInfo& c : HypercallCodeTable()) {
    EXPECT_TRUE(codes.insert(c.code).second) << c.name;
    EXPECT_TRUE(c.name.starts_with("HvCall")) << c.name;
    EXPECT_EQ(HypercallCodeName(c.code), c.name);
  }
  EXPECT_EQ(HypercallCodeName(HVCALL_POST_MESSAGE), "HvCallPostMessage");
  EXPECT_EQ(HypercallCodeName(0x7777), "HvCallUnknown(0x7777)");
}

TEST(HvStatusTable, EveryStatusHasItsName) {
  std::set<std::string_view> names;
  for (uint16_t s : HvStatusTable()) {
    EXPECT_NE(HvStatusName(s), "HV_STATUS_UNKNOWN") << s;
    EXPECT_TRUE(names.insert(HvStatusName(s)).second);
  }
  EXPECT_EQ(HvStatusName(HV_STATUS_INVALID_HYPERCALL_CODE), "HV_STATUS_INVALID_HYPERCALL_CODE");
  EXPECT_EQ(HvStatusName(0x7FFF), "HV_STATUS_UNKNOWN");
}

TEST(DecodeHypercall, SplitsTheInputValue) {
  HypercallExit e;
  e.input = HVCALL_GET_VP_REGISTERS | HV_HYPERCALL_FAST_BIT | (2ull << 17) | (5ull << 32) |
            (3ull << 48);
  e.input_param = 0x1000;
  e.output_param = 0x2000;
  HypercallInput in;
  ASSERT_EQ(DecodeHypercall(e, &in), HV_STATUS_SUCCESS);
  EXPECT_EQ(in.code, HVCALL_GET_VP_REGISTERS);
  EXPECT_TRUE(in.fast);
  EXPECT_EQ(in.var_header_qwords, 2);
  EXPECT_EQ(in.rep_count, 5);
  EXPECT_EQ(in.rep_start, 3);
  EXPECT_EQ(in.input_param, 0x1000u);
  EXPECT_EQ(in.output_param, 0x2000u);
}

TEST(DecodeHypercall, ReservedBitsAndBadRepStartAreInvalidInput) {
  HypercallInput in;
  for (int bit : {27, 28, 29, 30, 44, 45, 46, 47, 60, 61, 62, 63}) {
    HypercallExit e;
    e.input = HVCALL_POST_MESSAGE | (1ull << bit);
    EXPECT_EQ(DecodeHypercall(e, &in), HV_STATUS_INVALID_HYPERCALL_INPUT) << "bit " << bit;
  }
  HypercallExit e;
  e.input = HVCALL_GET_VP_REGISTERS | (1ull << 32) | (2ull << 48);
  EXPECT_EQ(DecodeHypercall(e, &in), HV_STATUS_INVALID_HYPERCALL_INPUT);
}

TEST(HypercallResult, StatusAndRepsCompleted) {
  EXPECT_EQ(HypercallResult(HV_STATUS_SUCCESS, 3), 3ull << 32);
  EXPECT_EQ(HypercallResult(HV_STATUS_INVALID_PARAMETER, 0), 5u);
  EXPECT_EQ(HypercallResult(0, 0x1FFF), 0xFFFull << 32) << "reps are 12 bits";
}

}  // namespace
}  // namespace hv::shim
