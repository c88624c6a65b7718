// Hypercall dispatch against a real (TCG) partition's memory and registers,
// without running a guest.
#include "hypervisor-shim/hypercall_dispatcher.h"

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/partition.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

constexpr uint64_t kIn = 0x200000, kOut = 0x201000;

class HypercallDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = *CreateBackend(BackendKind::kTcg);
    PartitionOptions o;
    o.vcpu_count = 2;
    o.max_gpa = 64ull << 20;
    partition_ = *backend_->CreatePartition(o);
    ASSERT_TRUE(partition_->MapRam(kIn, 2 * kPageSize).ok());
  }
  uint64_t Call(uint64_t rcx, uint64_t rdx = kIn, uint64_t r8 = kOut) {
    HypercallExit e{rcx, rdx, r8, 0};
    return dispatcher_.Dispatch(partition_->vcpu(0), e);
  }
  void Header(uint32_t vp) {
    hv_vp_registers_header h = {HV_PARTITION_ID_SELF, vp, 0, {0, 0, 0}};
    ASSERT_TRUE(partition_->WriteGpa(kIn, &h, sizeof(h)).ok());
  }
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Partition> partition_;
  HypercallDispatcher dispatcher_;
};

TEST_F(HypercallDispatcherTest, SetThenGetAnotherVpsRegisters) {
  Header(1);
  hv_set_vp_register_element set = {HV_REGISTER_SIMP, 0, 0, {0xABC001, 0}};
  ASSERT_TRUE(partition_->WriteGpa(kIn + 16, &set, sizeof(set)).ok());
  EXPECT_EQ(Call(HVCALL_SET_VP_REGISTERS | (1ull << 32)), HypercallResult(HV_STATUS_SUCCESS, 1));
  EXPECT_EQ(partition_->vcpu(1).synthetic_registers().simp(), 0xABC001u);
  EXPECT_EQ(partition_->vcpu(0).synthetic_registers().simp(), 0u);
  hv_get_vp_register_element get[2] = {{HV_REGISTER_SIMP, 0}, {HV_REGISTER_VP_INDEX, 0}};
  ASSERT_TRUE(partition_->WriteGpa(kIn + 16, get, sizeof(get)).ok());
  EXPECT_EQ(Call(HVCALL_GET_VP_REGISTERS | (2ull << 32)), HypercallResult(HV_STATUS_SUCCESS, 2));
  hv_register_value out[2];
  ASSERT_TRUE(partition_->ReadGpa(kOut, out, sizeof(out)).ok());
  EXPECT_EQ(out[0].low, 0xABC001u);
  EXPECT_EQ(out[1].low, 1u);
}

TEST_F(HypercallDispatcherTest, GarbageGetsStatusCodesNeverACrash) {
  Header(HV_VP_INDEX_SELF);
  hv_get_vp_register_element get = {0xDEAD, 0};
  ASSERT_TRUE(partition_->WriteGpa(kIn + 16, &get, sizeof(get)).ok());
  const uint64_t get1 = HVCALL_GET_VP_REGISTERS | (1ull << 32);
  EXPECT_EQ(Call(get1), HypercallResult(HV_STATUS_INVALID_PARAMETER, 0)) << "unknown name";
  EXPECT_EQ(Call(get1, kIn + 4), HV_STATUS_INVALID_ALIGNMENT);
  EXPECT_EQ(Call(get1, 0x7000000), HV_STATUS_INVALID_PARAMETER) << "unmapped";
  EXPECT_EQ(Call(get1, kIn + kPageSize - 8), HV_STATUS_INVALID_PARAMETER) << "crosses a page";
  EXPECT_EQ(Call(get1, kIn, 0x7000000), HV_STATUS_INVALID_PARAMETER) << "unmapped output";
  EXPECT_EQ(Call(get1 | HV_HYPERCALL_FAST_BIT), HV_STATUS_INVALID_HYPERCALL_INPUT);
  EXPECT_EQ(Call(0x1234), HV_STATUS_INVALID_HYPERCALL_CODE);
  EXPECT_EQ(Call(~0ull), HV_STATUS_INVALID_HYPERCALL_INPUT);
  Header(7);
  EXPECT_EQ(Call(get1), HV_STATUS_INVALID_VP_INDEX);
  hv_vp_registers_header other = {42, HV_VP_INDEX_SELF, 0, {0, 0, 0}};
  ASSERT_TRUE(partition_->WriteGpa(kIn, &other, sizeof(other)).ok());
  EXPECT_EQ(Call(get1), HV_STATUS_INVALID_PARAMETER) << "foreign partition id";
  // Rep count 4095 with a one-page input: the block crosses the page.
  EXPECT_EQ(Call(HVCALL_GET_VP_REGISTERS | (4095ull << 32)), HV_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(dispatcher_.rejected(), 2u);
}

TEST_F(HypercallDispatcherTest, RegisteredHandlersAndCounts) {
  int calls = 0;
  dispatcher_.Register(HVCALL_SIGNAL_EVENT, [&](Vcpu& v, const HypercallInput& in) {
    ++calls;
    EXPECT_TRUE(in.fast);
    EXPECT_EQ(in.input_param, 0x00050001u);
    return HypercallOutcome{HV_STATUS_INVALID_CONNECTION_ID, 0};
  });
  EXPECT_EQ(Call(HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT, 0x00050001),
            HV_STATUS_INVALID_CONNECTION_ID);
  dispatcher_.Unregister(HVCALL_SIGNAL_EVENT);
  EXPECT_EQ(Call(HVCALL_SIGNAL_EVENT), HV_STATUS_INVALID_HYPERCALL_CODE);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(dispatcher_.CallsByCode().at(HVCALL_SIGNAL_EVENT), 2u);
  VmExit e;
  e.reason = ExitReason::kVmcall;
  e.hypercall.input = 0x4321;
  EXPECT_EQ(dispatcher_.HandleExit(partition_->vcpu(0), e), ExitAction::kResume);
  EXPECT_EQ(e.hypercall.result, HV_STATUS_INVALID_HYPERCALL_CODE);
}

}  // namespace
}  // namespace hv::shim
