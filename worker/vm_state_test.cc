#include "worker/vm_state.h"

#include <set>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(VmState, EveryOperationHasARowAndEveryStateAName) {
  std::set<VmOperation> ops;
  for (const VmTransitionRule& r : VmTransitionTable()) {
    EXPECT_TRUE(ops.insert(r.op).second) << "duplicate row " << ToString(r.op);
    EXPECT_FALSE(r.from.empty());
    EXPECT_NE(ToString(r.op), "Unknown");
  }
  EXPECT_EQ(ops.size(), 8u);
  const google::protobuf::EnumDescriptor* d = v1::VmState_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    EXPECT_EQ(VmStateName(static_cast<VmState>(d->value(i)->number())).find("Unknown"),
              std::string::npos)
        << d->value(i)->name();
  }
  EXPECT_EQ(VmStateName(static_cast<VmState>(12345)), "Unknown(12345)");
}

TEST(VmState, WrongStateMessageNamesVmOperationAndState) {
  absl::Status s = CheckOperation("web1", VmOperation::kPause, v1::VM_STATE_PAUSED);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "vm 'web1': cannot Pause from Paused");
}

TEST(VmState, HyperVTransitions) {
  EXPECT_TRUE(CheckOperation("v", VmOperation::kPause, v1::VM_STATE_RUNNING).ok());
  EXPECT_TRUE(CheckOperation("v", VmOperation::kResume, v1::VM_STATE_PAUSED).ok());
  EXPECT_FALSE(CheckOperation("v", VmOperation::kResume, v1::VM_STATE_RUNNING).ok());
  EXPECT_TRUE(CheckOperation("v", VmOperation::kSave, v1::VM_STATE_PAUSED).ok());
  EXPECT_FALSE(CheckOperation("v", VmOperation::kSave, v1::VM_STATE_CRASHED).ok());
  EXPECT_TRUE(CheckOperation("v", VmOperation::kTurnOff, v1::VM_STATE_CRASHED).ok());
  EXPECT_FALSE(CheckOperation("v", VmOperation::kTurnOff, v1::VM_STATE_OFF).ok());
  EXPECT_FALSE(CheckOperation("v", VmOperation::kChangeMemory, v1::VM_STATE_PAUSED).ok());
  EXPECT_TRUE(CheckOperation("v", VmOperation::kReadMemory, v1::VM_STATE_CRASHED).ok());
  EXPECT_TRUE(IsFinalState(v1::VM_STATE_OFF));
  EXPECT_TRUE(IsFinalState(v1::VM_STATE_SAVED));
  EXPECT_FALSE(IsFinalState(v1::VM_STATE_CRASHED));
}

}  // namespace
}  // namespace hv::worker
