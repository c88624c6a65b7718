#include "vmms/cim/return_codes.h"

#include <set>

#include "gtest/gtest.h"
#include "vmms/cim/state_mapping.h"
#include "vmms/cim/vm_instances.h"
#include "vmms/lifecycle/return_code.h"

namespace hv::vmms::cim {
namespace {

TEST(ReturnCodes, TablesCoverTheSpecFamilies) {
  std::set<uint32_t> service;
  for (ServiceReturn c : AllServiceReturns()) {
    service.insert(static_cast<uint32_t>(c));
    EXPECT_STRNE(ToString(c), "Unknown");
  }
  EXPECT_EQ(service, (std::set<uint32_t>{0, 1, 2, 3, 4, 5, 6, 4096}));
  std::set<uint32_t> v1;
  for (StateChangeReturn c : AllStateChangeReturns()) {
    v1.insert(static_cast<uint32_t>(c));
    EXPECT_STRNE(ToString(c), "Unknown");
  }
  EXPECT_EQ(v1.size(), 13u);
  EXPECT_TRUE(v1.count(4096) && v1.count(32768) && v1.count(32778));
}

TEST(ReturnCodes, DomainStatusesMapToBothFamilies) {
  EXPECT_EQ(ToServiceReturn(absl::InvalidArgumentError("x")), ServiceReturn::kInvalidParameter);
  EXPECT_EQ(ToServiceReturn(absl::FailedPreconditionError("x")), ServiceReturn::kInvalidState);
  EXPECT_EQ(ToServiceReturn(absl::UnimplementedError("x")), ServiceReturn::kNotSupported);
  EXPECT_EQ(ToServiceReturn(absl::InternalError("x")), ServiceReturn::kFailed);
  EXPECT_EQ(ToStateChangeReturn(absl::InvalidArgumentError("x")), StateChangeReturn::kInvalidParameter);
  EXPECT_EQ(ToStateChangeReturn(absl::FailedPreconditionError("x")), StateChangeReturn::kInvalidState);
  EXPECT_EQ(ToStateChangeReturn(WithReturnCode(absl::FailedPreconditionError("busy"),
                                               StateChangeReturn::kSystemInUse)),
            StateChangeReturn::kSystemInUse);
}

TEST(StateMapping, V1UsesVendorValuesForTheSameStates) {
  EXPECT_EQ(EnabledStateFor(VmState::kPaused, false), 9);
  EXPECT_EQ(EnabledStateFor(VmState::kPaused, true), 32768);
  EXPECT_EQ(EnabledStateFor(VmState::kSaved, true), 32769);
  EXPECT_EQ(EnabledStateFor(VmState::kSaved, false), 6);
  EXPECT_EQ(EnabledStateFor(VmState::kRunning, true), 2);
  EXPECT_EQ(V1RequestToV2(32768), 9u);
  EXPECT_EQ(V1RequestToV2(32769), 6u);
  EXPECT_EQ(V1RequestToV2(10), 11u);
  EXPECT_FALSE(V1RequestToV2(9));
}

TEST(Summary, EveryCodeNamesAProperty) {
  EXPECT_EQ(AllSummaryCodes().size(), 13u);
  for (SummaryCode c : AllSummaryCodes()) EXPECT_STRNE(SummaryPropertyName(c), "");
  WorkerStatus s;
  s.assigned_mib = 1000;
  s.committed_mib = 800;
  EXPECT_EQ(MemoryAvailablePercent(s), 20);
  EXPECT_EQ(AvailableBufferPercent(s, 25), 100);  // ideal 200, actual 200
  s.committed_mib = 1200;
  EXPECT_EQ(MemoryAvailablePercent(s), -20);
}

}  // namespace
}  // namespace hv::vmms::cim
