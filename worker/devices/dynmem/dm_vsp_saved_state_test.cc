// DmVsp Save/Restore: a restored VSP continues the protocol exactly (balloon,
// hot-add, a transaction in flight) and refuses illegal saved states.
#include <cstring>
#include <functional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/devices/dynmem/dm_vsp.h"
#include "worker/devices/dynmem/testing/dm_fakes.h"
#include "worker/devices/dynmem/testing/dm_guest_messages.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;

using testing::FakeMemory;
using testing::kBlock;
using testing::kMaximum;
using testing::kStartup;

class DmVspSavedStateTest : public ::testing::Test {
 protected:
  std::unique_ptr<DmVsp> Make(FakeMemory* memory) {
    DmVspOptions o;
    o.startup_pages = kStartup;
    o.maximum_pages = kMaximum;
    return std::make_unique<DmVsp>(memory, &clock_, &events_, o);
  }
  // Active, 128 MiB hot-added, 64 MiB ballooned, three status reports, and
  // a second balloon request in flight.
  void Drive(DmVsp& vsp) {
    vsp.OnOpen(&sink_);
    auto feed = [&](const std::vector<uint8_t>& m) {
      ASSERT_TRUE(vsp.OnPacket(VM_PKT_DATA_INBAND, m).ok());
    };
    feed(testing::VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false));
    feed(testing::Caps(/*balloon=*/true, /*hot_add=*/true, /*align=*/7));
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(vsp.SetTargetPages(kStartup + kBlock).ok());
    vsp.Poll();
    ASSERT_EQ(sink_.LastType(), DM_MEM_HOT_ADD_REQUEST);
    feed(testing::HotAddResponse(kBlock, 1));
    ASSERT_TRUE(vsp.SetTargetPages(kStartup + kBlock - 16384).ok());
    vsp.Poll();
    ASSERT_EQ(sink_.LastType(), DM_BALLOON_REQUEST);
    std::vector<PageRange> ranges;
    for (uint64_t i = 0; i < 32; ++i) ranges.push_back({0x10000 + 512 * i, 512});
    feed(testing::BalloonResponse(false, ranges));
    for (int i = 0; i < 3; ++i) {
      feed(testing::StatusReport(65536));
      clock_.Advance(absl::Seconds(1));
    }
    ASSERT_TRUE(vsp.SetTargetPages(kStartup + kBlock - 16384 - 4096).ok());
    vsp.Poll();
    ASSERT_EQ(vsp.Status().outstanding, DmTransaction::kBalloon);
  }

  FakeClock clock_;
  EventLog events_;
  FakeMemory memory_;
  testing::FakeSink sink_;
};

TEST_F(DmVspSavedStateTest, RestoredVspContinuesBalloonHotAddAndTheTransactionInFlight) {
  std::unique_ptr<DmVsp> a = Make(&memory_);
  Drive(*a);
  const DmVspStatus before = a->Status();
  const pb::DynamicMemoryVspState saved = a->Save();

  FakeMemory memory_b;
  testing::FakeSink sink_b;
  std::unique_ptr<DmVsp> b = Make(&memory_b);
  ASSERT_TRUE(b->Restore(saved).ok()) << b->Restore(saved);
  b->OnRestore(&sink_b);
  DmVspStatus st = b->Status();
  EXPECT_EQ(st.state, DmState::kActive);
  EXPECT_EQ(st.protocol_version, before.protocol_version);
  EXPECT_EQ(st.visible_pages, kStartup + kBlock);
  EXPECT_EQ(st.ballooned_pages, 16384u);
  EXPECT_EQ(st.assigned_pages, before.assigned_pages);
  EXPECT_EQ(st.status_reports, 3u);
  EXPECT_EQ(st.pressure_average, before.pressure_average);
  EXPECT_EQ(st.outstanding, DmTransaction::kBalloon);
  EXPECT_EQ(st.target_pages, before.target_pages);
  EXPECT_TRUE(memory_b.released.empty() && memory_b.added.empty())
      << "restore leaves the partition's memory to the snapshot";
  EXPECT_EQ(b->Save().SerializeAsString(), saved.SerializeAsString()) << "round trip";

  // The guest answers the balloon request sent before the save.
  ASSERT_TRUE(
      b->OnPacket(VM_PKT_DATA_INBAND, testing::BalloonResponse(false, {{0x20000, 4096}})).ok());
  EXPECT_EQ(b->Status().ballooned_pages, 16384u + 4096);
  ASSERT_EQ(memory_b.released.size(), 1u);
  ASSERT_TRUE(b->OnPacket(VM_PKT_DATA_INBAND, testing::StatusReport(65536)).ok());
  EXPECT_EQ(b->Status().status_reports, 4u);
  // Growing again unballoons the pages ballooned before the save first.
  ASSERT_TRUE(b->SetTargetPages(kStartup + kBlock).ok());
  b->Poll();
  EXPECT_EQ(sink_b.LastType(), DM_UNBALLOON_REQUEST);
  ASSERT_FALSE(memory_b.restored.empty());
  EXPECT_EQ(memory_b.restored.front().pfn, 0x10000u);
  EXPECT_EQ(b->counters().malformed + b->counters().unexpected + b->counters().bad_ranges, 0u);
}

TEST_F(DmVspSavedStateTest, TimesOutARestoredTransactionAfterAFullTimeout) {
  std::unique_ptr<DmVsp> a = Make(&memory_);
  Drive(*a);
  clock_.Advance(absl::Seconds(9));  // 1 s left of 10 at save time
  const pb::DynamicMemoryVspState saved = a->Save();
  std::unique_ptr<DmVsp> b = Make(&memory_);
  ASSERT_TRUE(b->Restore(saved).ok());
  b->OnRestore(&sink_);
  clock_.Advance(absl::Seconds(5));
  b->Poll();
  EXPECT_EQ(b->Status().state, DmState::kActive) << "the guest gets a full timeout again";
  clock_.Advance(absl::Seconds(6));
  b->Poll();
  EXPECT_EQ(b->Status().state, DmState::kUnresponsive);
}

TEST_F(DmVspSavedStateTest, RefusesIllegalSavedStatesNamingTheField) {
  std::unique_ptr<DmVsp> a = Make(&memory_);
  Drive(*a);
  const pb::DynamicMemoryVspState good = a->Save();
  struct Case {
    const char* field;
    std::function<void(pb::DynamicMemoryVspState&)> mutate;
  };
  const std::vector<Case> cases = {
      {"state", [](auto& s) { s.set_state(static_cast<pb::DynamicMemoryState>(99)); }},
      {"startup_pages", [](auto& s) { s.set_startup_pages(kStartup + 1); }},
      {"protocol_version", [](auto& s) { s.set_protocol_version(0x00070000); }},
      {"version_agreed", [](auto& s) { s.set_version_agreed(false); }},
      {"target_pages", [](auto& s) { s.set_target_pages(kMaximum + 1); }},
      {"hot_add_alignment_pages", [](auto& s) { s.set_hot_add_alignment_pages(300); }},
      {"hot_added[0]", [](auto& s) { s.mutable_hot_added(0)->set_count(kMaximum); }},
      {"visible_pages", [](auto& s) { s.set_visible_pages(kStartup); }},
      {"mapped_top_pfn", [](auto& s) { s.set_mapped_top_pfn(kStartup); }},
      {"ballooned[0]", [](auto& s) { s.mutable_ballooned(0)->set_pfn(0); }},
      {"ballooned[1]", [](auto& s) {
         auto* r = s.add_ballooned();
         *r = s.ballooned(0);
       }},
      {"ballooned[0]", [](auto& s) { s.mutable_ballooned(0)->set_pfn(kMaximum); }},
      {"outstanding", [](auto& s) { s.set_outstanding("bogus"); }},
      {"outstanding", [](auto& s) { s.set_outstanding_received(s.outstanding_pages() + 1); }},
      {"outstanding", [](auto& s) {
         s.set_state(pb::DM_STATE_NEGOTIATING);
       }},
      {"misbehaviour", [](auto& s) { s.set_misbehaviour(1000); }},
  };
  FakeMemory memory_b;
  std::unique_ptr<DmVsp> b = Make(&memory_b);
  const std::string fresh = b->Save().SerializeAsString();
  for (const Case& c : cases) {
    pb::DynamicMemoryVspState bad = good;
    c.mutate(bad);
    absl::Status s = b->Restore(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field << ": " << s;
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(c.field)) << s;
    EXPECT_EQ(b->Save().SerializeAsString(), fresh) << c.field << ": the VSP is unchanged";
  }
  EXPECT_TRUE(b->Restore(good).ok());
}

}  // namespace
}  // namespace hv::worker
