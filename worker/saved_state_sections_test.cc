// The optional WorkerSavedState sections: they go through the real wire
// (serialize + parse), files without them still read, and bad values are
// refused naming the field.
#include "worker/saved_state_sections.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;
using ::testing::HasSubstr;

ShutdownSavedState Distinct() {
  ShutdownSavedState s;
  s.negotiated = true;
  s.negotiation_refused = true;  // not legal for the VSP; the codec does not judge
  s.framework_version = {3, 0};
  s.message_version = {3, 2};
  s.opens = 5;
  s.closes = 4;
  s.negotiations_sent = 7;
  s.requests_sent = 8;
  s.responses = 9;
  s.accepted = 10;
  s.refused = 11;
  s.bad_messages = ~uint64_t{0};
  return s;
}

pb::WorkerSavedState ThroughTheWire(const pb::WorkerSavedState& in) {
  std::string bytes;
  EXPECT_TRUE(in.SerializeToString(&bytes));
  pb::WorkerSavedState out;
  EXPECT_TRUE(out.ParseFromString(bytes));
  return out;
}

TEST(SavedStateSections, SectionsRoundTripThroughTheWire) {
  pb::WorkerSavedState saved;
  saved.set_format_version(2);
  SetShutdownSection(ShutdownSavedState{}, saved);  // replaced below, not repeated
  SetShutdownSection(Distinct(), saved);
  SetCountersSection({{"misbehaviour_events", 42}, {"zero", 0}}, saved);
  const pb::WorkerSavedState read = ThroughTheWire(saved);
  EXPECT_EQ(read.format_version(), 2u);
  absl::StatusOr<std::optional<ShutdownSavedState>> s = GetShutdownSection(read);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->has_value());
  const ShutdownSavedState& got = **s;
  const ShutdownSavedState want = Distinct();
  EXPECT_EQ(got.negotiated, want.negotiated);
  EXPECT_EQ(got.negotiation_refused, want.negotiation_refused);
  EXPECT_EQ(got.framework_version.major, 3);
  EXPECT_EQ(got.message_version.minor, 2);
  EXPECT_EQ(got.opens, want.opens);
  EXPECT_EQ(got.closes, want.closes);
  EXPECT_EQ(got.negotiations_sent, want.negotiations_sent);
  EXPECT_EQ(got.requests_sent, want.requests_sent);
  EXPECT_EQ(got.responses, want.responses);
  EXPECT_EQ(got.accepted, want.accepted);
  EXPECT_EQ(got.refused, want.refused);
  EXPECT_EQ(got.bad_messages, want.bad_messages);
  absl::StatusOr<std::map<std::string, uint64_t>> c = GetCountersSection(read);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, (std::map<std::string, uint64_t>{{"misbehaviour_events", 42}, {"zero", 0}}));
}

TEST(SavedStateSections, AFileWithoutTheSectionsHasNone) {
  pb::WorkerSavedState saved;  // as a format-2 vmwp wrote it before the sections
  saved.set_format_version(2);
  saved.mutable_heartbeat()->set_responses(3);
  const pb::WorkerSavedState read = ThroughTheWire(saved);
  absl::StatusOr<std::optional<ShutdownSavedState>> s = GetShutdownSection(read);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->has_value());
  absl::StatusOr<std::map<std::string, uint64_t>> c = GetCountersSection(read);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
}

TEST(SavedStateSections, AnUnnamedCounterIsRefused) {
  pb::WorkerSavedState saved;
  (*saved.mutable_counters())[""] = 7;
  EXPECT_THAT(GetCountersSection(ThroughTheWire(saved)).status().message(),
              HasSubstr("counters: an entry has no name"));
}

}  // namespace
}  // namespace hv::worker
