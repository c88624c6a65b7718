#include "worker/carried_counters.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;
using ::testing::HasSubstr;

// A worker saves its totals; the restoring worker's samples continue from
// them however little its own process has counted.
TEST(CarriedCounters, RestoredSamplesContinueFromTheSavedTotals) {
  pb::StatusReport before;  // the saving worker's last sample
  (*before.mutable_exit_counts())["EXIT_REASON_HLT"] = 100;
  (*before.mutable_exit_counts())["EXIT_REASON_VMCALL"] = 7;
  before.set_misbehaviour_events(9);
  const std::map<std::string, uint64_t> section = CarriedCounters::SaveCounters(before);
  EXPECT_EQ(section.at(kCarriedMisbehaviourEvents), 9u);

  CarriedCounters carried;
  // The restored devices count 4 of the 9 again themselves.
  ASSERT_TRUE(carried.Restore(before.exit_counts(), section, 4).ok());
  pb::StatusReport fresh;  // the new process: devices restored, few exits yet
  (*fresh.mutable_exit_counts())["EXIT_REASON_HLT"] = 2;
  (*fresh.mutable_exit_counts())["EXIT_REASON_IO_INSTRUCTION"] = 1;
  fresh.set_misbehaviour_events(4);
  carried.Apply(fresh);
  EXPECT_EQ(fresh.exit_counts().at("EXIT_REASON_HLT"), 102u);
  EXPECT_EQ(fresh.exit_counts().at("EXIT_REASON_VMCALL"), 7u);
  EXPECT_EQ(fresh.exit_counts().at("EXIT_REASON_IO_INSTRUCTION"), 1u);
  EXPECT_EQ(fresh.misbehaviour_events(), 9u) << "exactly the saved total, not 9 + 4";
  for (const auto& [name, n] : before.exit_counts()) {
    EXPECT_GE(fresh.exit_counts().at(name), n) << name;
  }
}

TEST(CarriedCounters, NothingSavedCarriesNothing) {
  CarriedCounters carried;  // a fresh VM, or a file without the section
  ASSERT_TRUE(carried.Restore({}, {}, 3).ok());
  pb::StatusReport r;
  r.set_misbehaviour_events(3);
  carried.Apply(r);
  EXPECT_EQ(r.misbehaviour_events(), 3u);
  EXPECT_TRUE(r.exit_counts().empty());
}

TEST(CarriedCounters, HugeBaselinesSaturateInsteadOfWrapping) {
  pb::StatusReport saved;
  (*saved.mutable_exit_counts())["EXIT_REASON_HLT"] = ~uint64_t{0};
  CarriedCounters carried;
  ASSERT_TRUE(
      carried.Restore(saved.exit_counts(), {{kCarriedMisbehaviourEvents, ~uint64_t{0}}}, 0).ok());
  pb::StatusReport r;
  (*r.mutable_exit_counts())["EXIT_REASON_HLT"] = 5;
  r.set_misbehaviour_events(5);
  carried.Apply(r);
  EXPECT_EQ(r.exit_counts().at("EXIT_REASON_HLT"), ~uint64_t{0});
  EXPECT_EQ(r.misbehaviour_events(), ~uint64_t{0});
}

TEST(CarriedCounters, UnknownNamesAreRefusedByName) {
  CarriedCounters carried;
  pb::StatusReport saved;
  (*saved.mutable_exit_counts())["EXIT_REASON_BOGUS"] = 1;
  absl::Status s = carried.Restore(saved.exit_counts(), {}, 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("exit_counts['EXIT_REASON_BOGUS']"));
  s = carried.Restore({}, {{"cpu_time_us", 5}}, 0);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("counters['cpu_time_us']"));
}

}  // namespace
}  // namespace hv::worker
