// Pure state-machine tests of the DM VSP: no guest, no rings. A scripted
// "guest" feeds messages; a fake sink and a fake memory record the output.
#include "worker/devices/dynmem/dm_vsp.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/devices/dynmem/testing/dm_fakes.h"
#include "worker/devices/dynmem/testing/dm_guest_messages.h"

namespace hv::worker {
namespace {

using testing::BalloonResponse;
using testing::Caps;
using testing::FakeMemory;
using testing::FakeSink;
using testing::HotAddResponse;
using testing::kBlock;
using testing::kMaximum;
using testing::kStartup;
using testing::Raw;
using testing::StatusReport;
using testing::UnballoonResponse;
using testing::VersionRequest;

class DmVspTest : public ::testing::Test {
 protected:
  DmVspOptions Options() {
    DmVspOptions o;
    o.startup_pages = kStartup;
    o.maximum_pages = kMaximum;
    return o;
  }
  void Make(DmVspOptions o) { vsp_ = std::make_unique<DmVsp>(&memory_, &clock_, &events_, o); }
  void SetUp() override { Make(Options()); }
  absl::Status Feed(const std::vector<uint8_t>& m, uint16_t type = VM_PKT_DATA_INBAND) {
    return vsp_->OnPacket(type, m);
  }
  // Open + version 2.0 + caps => active, past the first-request delay.
  void Activate(bool balloon = true, bool hot_add = true) {
    vsp_->OnOpen(&sink_);
    ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false)).ok());
    ASSERT_TRUE(Feed(Caps(balloon, hot_add)).ok());
    ASSERT_EQ(vsp_->Status().state, DmState::kActive);
    clock_.Advance(absl::Seconds(1));
    sink_.sent.clear();
  }
  // Balloons `pages` (a multiple of 512) as 2 MiB ranges starting at `pfn`.
  void BalloonDown(uint64_t pages, uint64_t pfn) {
    ASSERT_TRUE(vsp_->SetTargetPages(vsp_->Status().assigned_pages - pages).ok());
    vsp_->Poll();
    ASSERT_EQ(sink_.LastType(), DM_BALLOON_REQUEST);
    std::vector<PageRange> ranges;
    for (uint64_t i = 0; i < pages / 512; ++i) ranges.push_back({pfn + 512 * i, 512});
    ASSERT_TRUE(Feed(BalloonResponse(false, ranges)).ok());
  }

  FakeClock clock_;
  EventLog events_;
  FakeMemory memory_;
  FakeSink sink_;
  std::unique_ptr<DmVsp> vsp_;
};

TEST(DmStateNames, ToStringCoversEveryState) {
  EXPECT_EQ(DmStateToString(DmState::kNotActive), "Dynamic Memory not active");
  EXPECT_EQ(DmStateToString(DmState::kNegotiating), "negotiating");
  EXPECT_EQ(DmStateToString(DmState::kActive), "active");
  EXPECT_EQ(DmStateToString(DmState::kUnresponsive), "unresponsive");
  EXPECT_EQ(DmTransactionToString(DmTransaction::kHotAdd), "hot-add");
  EXPECT_EQ(static_cast<int>(DmState::kUnresponsive), 5);  // proto DM_STATE_UNRESPONSIVE
}

TEST_F(DmVspTest, NotActiveUntilAGuestOpensTheChannel) {
  EXPECT_EQ(vsp_->Status().state, DmState::kNotActive);
  EXPECT_EQ(vsp_->Status().visible_pages, kStartup);
  EXPECT_EQ(vsp_->Status().assigned_pages, kStartup);
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup / 2).ok());
  clock_.Advance(absl::Minutes(5));
  vsp_->Poll();
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_TRUE(memory_.released.empty());
  vsp_->OnOpen(&sink_);
  EXPECT_EQ(vsp_->Status().state, DmState::kNegotiating);
}

TEST_F(DmVspTest, GuestDowngradesUntilAnAcceptedVersion) {
  DmVspOptions o = Options();
  o.accepted_versions = {DYNMEM_PROTOCOL_VERSION_1};
  Make(o);
  vsp_->OnOpen(&sink_);
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false, 11)).ok());
  EXPECT_EQ(sink_.Last<dm_version_response>().flags, 0u);
  EXPECT_EQ(sink_.Last<dm_version_response>().hdr.trans_id, 11u);
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_2, false, 12)).ok());
  EXPECT_EQ(sink_.Last<dm_version_response>().flags, 0u);
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_1, true, 13)).ok());
  EXPECT_EQ(sink_.Last<dm_version_response>().flags, DM_VERSION_ACCEPTED);
  EXPECT_EQ(vsp_->Status().protocol_version, DYNMEM_PROTOCOL_VERSION_1);
  EXPECT_EQ(vsp_->counters().versions_refused, 2u);
  ASSERT_TRUE(Feed(Caps()).ok());
  // 0.3 has no INFO_MESSAGE: only the caps response.
  EXPECT_EQ(sink_.LastType(), DM_CAPABILITIES_RESPONSE);
  EXPECT_EQ(sink_.sent.size(), 4u);
  EXPECT_EQ(vsp_->Status().state, DmState::kActive);
}

TEST_F(DmVspTest, EveryVersionRefusedMeansNotActive) {
  DmVspOptions o = Options();
  o.accepted_versions = {};
  Make(o);
  vsp_->OnOpen(&sink_);
  for (uint32_t v : {DYNMEM_PROTOCOL_VERSION_3, DYNMEM_PROTOCOL_VERSION_2}) {
    ASSERT_TRUE(Feed(VersionRequest(v, false)).ok());
    EXPECT_EQ(vsp_->Status().state, DmState::kNegotiating);
  }
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_1, true)).ok());
  EXPECT_EQ(vsp_->Status().state, DmState::kNotActive);
  EXPECT_EQ(DmStateToString(vsp_->Status().state), "Dynamic Memory not active");
  // Caps after refusal is a violation, not a way in.
  ASSERT_TRUE(Feed(Caps()).ok());
  EXPECT_EQ(vsp_->Status().state, DmState::kNotActive);
  EXPECT_EQ(vsp_->counters().unexpected, 1u);
}

TEST_F(DmVspTest, CapabilitiesThenInfoMessageWithMaxPages) {
  vsp_->OnOpen(&sink_);
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false)).ok());
  ASSERT_TRUE(Feed(Caps(true, true, 7)).ok());
  ASSERT_EQ(sink_.sent.size(), 3u);
  EXPECT_EQ(sink_.TypeAt(1), DM_CAPABILITIES_RESPONSE);
  EXPECT_EQ(sink_.sent[1][8], 1);  // accepted
  EXPECT_EQ(sink_.TypeAt(2), DM_INFO_MESSAGE);
  EXPECT_EQ(sink_.Last<dm_info_max_page_cnt>().max_page_count, kMaximum);
  auto st = vsp_->Status();
  EXPECT_TRUE(st.balloon_capable);
  EXPECT_TRUE(st.hot_add_capable);
  EXPECT_EQ(st.hot_add_alignment_pages, kBlock);
}

TEST_F(DmVspTest, StatusReportsDrivePressureStatistics) {
  Activate();
  // assigned = 131072 pages; committed 65536 => 50; 131072 => 100; 196608 => 150.
  for (uint64_t c : {65536u, 131072u, 196608u}) {
    ASSERT_TRUE(Feed(StatusReport(c)).ok());
    clock_.Advance(absl::Seconds(1));
  }
  auto st = vsp_->Status();
  EXPECT_EQ(st.pressure_current, 150u);
  EXPECT_EQ(st.pressure_minimum, 50u);
  EXPECT_EQ(st.pressure_maximum, 150u);
  EXPECT_EQ(st.pressure_average, 100u);
  EXPECT_EQ(st.guest_committed_pages, 196608u);
  EXPECT_EQ(st.guest_available_pages, 1000u);
  EXPECT_EQ(st.status_reports, 3u);
}

TEST_F(DmVspTest, FirstRequestWaitsForTheConfiguredDelay) {
  DmVspOptions o = Options();
  o.first_request_delay = absl::Seconds(50);
  Make(o);
  vsp_->OnOpen(&sink_);
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false)).ok());
  ASSERT_TRUE(Feed(Caps()).ok());
  sink_.sent.clear();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup - 16384).ok());
  clock_.Advance(absl::Seconds(49));
  EXPECT_EQ(vsp_->Poll(), clock_.Now() + absl::Seconds(1)) << "the delay's end is the deadline";
  EXPECT_TRUE(sink_.sent.empty());
  clock_.Advance(absl::Seconds(1));
  vsp_->Poll();
  EXPECT_EQ(sink_.LastType(), DM_BALLOON_REQUEST);
}

TEST_F(DmVspTest, BalloonMultiMessageReleasesPagesOnce) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup - 16384).ok());  // 64 MiB less
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.Last<dm_balloon>().num_pages, 16384u);
  vsp_->Poll();  // one transaction at a time
  EXPECT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(vsp_->Status().outstanding, DmTransaction::kBalloon);
  ASSERT_TRUE(Feed(BalloonResponse(true, {{0x10000, 8192}})).ok());
  EXPECT_EQ(vsp_->Status().outstanding, DmTransaction::kBalloon);
  ASSERT_TRUE(Feed(BalloonResponse(false, {{0x12000, 4096}, {0x14000, 4096}})).ok());
  auto st = vsp_->Status();
  EXPECT_EQ(st.outstanding, DmTransaction::kNone);
  EXPECT_EQ(st.ballooned_pages, 16384u);
  EXPECT_EQ(st.assigned_pages, kStartup - 16384);
  EXPECT_EQ(st.visible_pages, kStartup);
  EXPECT_EQ(st.removed_pages_total, 16384u);
  EXPECT_EQ(st.remove_operations, 1u);
  ASSERT_EQ(memory_.released.size(), 3u);
  EXPECT_EQ(memory_.released[0], (PageRange{0x10000, 8192}));
  vsp_->Poll();  // target reached: nothing more
  EXPECT_EQ(sink_.sent.size(), 1u);
}

TEST_F(DmVspTest, BalloonAtFloorStopsAsking) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup / 2).ok());
  vsp_->Poll();
  ASSERT_TRUE(Feed(BalloonResponse(false, {})).ok());
  EXPECT_TRUE(vsp_->Status().at_floor);
  EXPECT_EQ(vsp_->Status().remove_operations, 0u);
  vsp_->Poll();
  EXPECT_EQ(sink_.sent.size(), 1u);
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup / 2 - 512).ok());  // a new target re-arms
  vsp_->Poll();
  EXPECT_EQ(sink_.sent.size(), 2u);
}

TEST_F(DmVspTest, DemandExcludesPagesTheGuestStillCountsBallooned) {
  // A Linux-style guest counts the pages its balloon holds as committed. Were
  // that taken as demand, each balloon would read as new pressure and a
  // balancer would balloon and unballoon forever (seen live in the demo).
  Activate();
  ASSERT_TRUE(Feed(StatusReport(65536)).ok());  // 256 MiB of 512: pressure 50
  clock_.Advance(absl::Seconds(1));
  ASSERT_EQ(vsp_->Status().pressure_current, 50u);
  BalloonDown(16384, 0x10000);
  ASSERT_TRUE(Feed(StatusReport(65536 + 16384)).ok());
  clock_.Advance(absl::Seconds(1));
  DmVspStatus st = vsp_->Status();
  EXPECT_EQ(st.guest_reported_committed_pages, 65536u + 16384);
  EXPECT_EQ(st.guest_committed_pages, 65536u);
  EXPECT_EQ(st.pressure_current, 65536u * 100 / (kStartup - 16384));
  // Unballoon: the host restores the pages at once, but a report the guest
  // sent before it read the request still counts them.
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup).ok());
  vsp_->Poll();
  ASSERT_EQ(vsp_->Status().outstanding, DmTransaction::kUnballoon);
  ASSERT_TRUE(Feed(StatusReport(65536 + 16384)).ok());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(vsp_->Status().guest_committed_pages, 65536u);
  EXPECT_EQ(vsp_->counters().status_reports_during_transaction, 1u);
  ASSERT_TRUE(Feed(UnballoonResponse()).ok());
  ASSERT_TRUE(Feed(StatusReport(65536)).ok());
  st = vsp_->Status();
  EXPECT_EQ(st.guest_committed_pages, 65536u);
  EXPECT_EQ(st.pressure_current, 50u);
  EXPECT_EQ(st.pressure_minimum, 50u);
  EXPECT_EQ(st.pressure_maximum, 65536u * 100 / (kStartup - 16384));
}

TEST_F(DmVspTest, UnballoonRestoresBeforeRequestAndCountsAdd) {
  Activate();
  BalloonDown(16384, 0x10000);
  sink_.sent.clear();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup).ok());
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.size(), 1u);
  ASSERT_EQ(sink_.LastType(), DM_UNBALLOON_REQUEST);
  auto req = sink_.Last<dm_unballoon_request>();
  EXPECT_EQ(req.more_pages, 0u);
  EXPECT_EQ(req.range_count, 1u);  // the ballooned ranges coalesced into one
  ASSERT_EQ(memory_.restored.size(), 1u);
  EXPECT_EQ(memory_.restored[0], (PageRange{0x10000, 16384}));
  ASSERT_TRUE(Feed(UnballoonResponse()).ok());
  auto st = vsp_->Status();
  EXPECT_EQ(st.ballooned_pages, 0u);
  EXPECT_EQ(st.assigned_pages, kStartup);
  EXPECT_EQ(st.added_pages_total, 16384u);
  EXPECT_EQ(st.add_operations, 1u);
}

TEST_F(DmVspTest, UnballoonSpansSeveralMessagesWithMorePages) {
  DmVspOptions o = Options();
  o.unballoon_ranges_per_message = 1;
  o.unballoon_max_range_pages = 512;
  Make(o);
  Activate();
  BalloonDown(2048, 0x10000);  // 4 ranges of 512
  sink_.sent.clear();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup).ok());
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    dm_unballoon_request r;
    std::memcpy(&r, sink_.sent[i].data(), sizeof(r));
    EXPECT_EQ(r.more_pages, i < 3 ? 1u : 0u) << i;
    EXPECT_EQ(r.range_count, 1u);
    EXPECT_EQ(r.hdr.size, 24u);
  }
  ASSERT_TRUE(Feed(UnballoonResponse()).ok());
  EXPECT_EQ(vsp_->Status().added_pages_total, 2048u);
}

TEST_F(DmVspTest, HotAdd24ByteForm) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup + 256 * 256).ok());  // +256 MiB
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.size(), 1u);
  ASSERT_EQ(sink_.LastType(), DM_MEM_HOT_ADD_REQUEST);
  ASSERT_EQ(sink_.sent.back().size(), 24u);
  auto req = sink_.Last<dm_hot_add_with_region>();
  EXPECT_EQ(DM_RANGE_PFN(req.range), kStartup);  // 512 MiB is 128 MiB aligned
  EXPECT_EQ(DM_RANGE_COUNT(req.range), 2 * kBlock);
  EXPECT_EQ(req.region, req.range);
  ASSERT_EQ(memory_.added.size(), 1u);
  EXPECT_EQ(memory_.added[0], (PageRange{kStartup, 2 * kBlock}));
  ASSERT_TRUE(Feed(HotAddResponse(2 * kBlock, 1)).ok());
  auto st = vsp_->Status();
  EXPECT_EQ(st.visible_pages, kStartup + 2 * kBlock);
  EXPECT_EQ(st.assigned_pages, kStartup + 2 * kBlock);
  EXPECT_EQ(st.added_pages_total, 2 * kBlock);
  EXPECT_EQ(st.add_operations, 1u);
  // The hot-added block is now guest RAM: ballooning from it is valid.
  BalloonDown(512, kStartup + 1024);
  EXPECT_EQ(vsp_->counters().bad_ranges, 0u);
  EXPECT_EQ(vsp_->Status().ballooned_pages, 512u);
}

TEST_F(DmVspTest, HotAdd16ByteFormAndUnalignedStartup) {
  DmVspOptions o = Options();
  o.hot_add_with_region = false;
  o.startup_pages = kStartup + 100;  // not 128 MiB aligned
  Make(o);
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup + 100 + 1000).ok());
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.back().size(), 16u);
  auto req = sink_.Last<dm_hot_add>();
  EXPECT_EQ(DM_RANGE_PFN(req.range), kStartup + kBlock);  // aligned up
  EXPECT_EQ(DM_RANGE_COUNT(req.range), kBlock);
}

TEST_F(DmVspTest, HotAddNeverExceedsMaximum) {
  DmVspOptions o = Options();
  o.maximum_pages = kStartup + kBlock + 100;
  Make(o);
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup + kBlock + 100).ok());
  vsp_->Poll();
  EXPECT_EQ(DM_RANGE_COUNT(sink_.Last<dm_hot_add_with_region>().range), kBlock);
  ASSERT_TRUE(Feed(HotAddResponse(kBlock, 1)).ok());
  vsp_->Poll();  // 100 pages short, but no aligned room remains
  EXPECT_EQ(sink_.sent.size(), 1u);
}

TEST_F(DmVspTest, HotAddPermanentAndTransientFailures) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup + kBlock).ok());
  vsp_->Poll();
  ASSERT_TRUE(Feed(HotAddResponse(0, 0)).ok());  // transient
  EXPECT_FALSE(vsp_->Status().hot_add_disabled);
  vsp_->Poll();
  EXPECT_EQ(sink_.sent.size(), 1u);  // waits for the retry delay
  clock_.Advance(absl::Seconds(6));
  vsp_->Poll();
  ASSERT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(memory_.added.size(), 1u) << "the block stays mapped; not mapped twice";
  ASSERT_TRUE(Feed(HotAddResponse(0, 1)).ok());  // permanent
  EXPECT_TRUE(vsp_->Status().hot_add_disabled);
  clock_.Advance(absl::Minutes(1));
  vsp_->Poll();
  EXPECT_EQ(sink_.sent.size(), 2u);
  EXPECT_EQ(vsp_->counters().hot_add_failures, 2u);
}

TEST_F(DmVspTest, HotAddResponseClaimingTooManyPagesIsClamped) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup + kBlock).ok());
  vsp_->Poll();
  ASSERT_TRUE(Feed(HotAddResponse(10 * kBlock, 1)).ok());
  EXPECT_EQ(vsp_->Status().visible_pages, kStartup + kBlock);
  EXPECT_EQ(vsp_->counters().malformed, 1u);
}

TEST_F(DmVspTest, TimeoutMarksGuestUnresponsiveAndLateReplyIsUnexpected) {
  Activate();
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup - 16384).ok());
  EXPECT_EQ(vsp_->Poll(), clock_.Now() + absl::Seconds(10)) << "the transaction's deadline";
  clock_.Advance(absl::Seconds(11));
  EXPECT_EQ(vsp_->Poll(), absl::InfiniteFuture()) << "nothing timed once it timed out";
  auto st = vsp_->Status();
  EXPECT_EQ(st.state, DmState::kUnresponsive);
  EXPECT_EQ(st.outstanding, DmTransaction::kNone);
  EXPECT_EQ(vsp_->counters().timeouts, 1u);
  ASSERT_TRUE(Feed(BalloonResponse(false, {{0x10000, 512}})).ok());
  EXPECT_EQ(vsp_->counters().unexpected, 1u);
  EXPECT_TRUE(memory_.released.empty());
  vsp_->Poll();
  EXPECT_EQ(sink_.sent.size(), 1u);  // left alone
  // Status reports still update pressure.
  ASSERT_TRUE(Feed(StatusReport(65536)).ok());
  EXPECT_EQ(vsp_->Status().pressure_current, 50u);
}

TEST_F(DmVspTest, HostileBalloonRangesAreRefused) {
  DmVspOptions o = Options();
  o.max_misbehaviour_messages = 1000;
  Make(o);
  Activate();
  BalloonDown(512, 0x10000);  // [0x10000, 0x10200) ballooned
  struct Case {
    const char* what;
    PageRange range;
  } cases[] = {
      {"outside guest RAM", {kStartup, 512}},
      {"straddles the top", {kStartup - 1, 2}},
      {"far beyond RAM", {0xFFFFFFFFFFull, 0xFFFFFF}},
      {"host-reserved low pages", {0x10, 16}},
      {"already ballooned", {0x10100, 512}},
      {"empty", {0x20000, 0}},
      {"more than requested", {0x30000, 4096}},
  };
  for (const auto& c : cases) {
    const size_t released = memory_.released.size();
    ASSERT_TRUE(vsp_->SetTargetPages(vsp_->Status().assigned_pages - 1024).ok());
    vsp_->Poll();
    ASSERT_EQ(vsp_->Status().outstanding, DmTransaction::kBalloon) << c.what;
    const uint64_t bad = vsp_->counters().bad_ranges;
    ASSERT_TRUE(Feed(BalloonResponse(false, {c.range})).ok()) << c.what;
    EXPECT_EQ(vsp_->counters().bad_ranges, bad + 1) << c.what;
    EXPECT_EQ(memory_.released.size(), released) << c.what;
    EXPECT_EQ(vsp_->Status().ballooned_pages, 512u) << c.what;
  }
  EXPECT_GE(events_.total(), 7u);
}

TEST_F(DmVspTest, UnsolicitedResponsesAndFloodCloseTheChannel) {
  DmVspOptions o = Options();
  o.max_misbehaviour_messages = 3;
  Make(o);
  Activate();
  EXPECT_TRUE(Feed(BalloonResponse(false, {{0x10000, 512}})).ok());
  EXPECT_TRUE(Feed(UnballoonResponse()).ok());
  EXPECT_TRUE(Feed(HotAddResponse(1, 1)).ok());
  EXPECT_EQ(vsp_->counters().unexpected, 3u);
  EXPECT_FALSE(Feed(HotAddResponse(1, 1)).ok()) << "past the limit the channel is closed";
  EXPECT_TRUE(memory_.released.empty());
  EXPECT_EQ(vsp_->Status().visible_pages, kStartup);
}

TEST_F(DmVspTest, MalformedPacketsAreCounted) {
  Activate();
  EXPECT_TRUE(Feed(StatusReport(1), VM_PKT_COMP).ok());
  EXPECT_TRUE(Feed({1, 2, 3}).ok());
  EXPECT_TRUE(Feed(Raw(dm_balloon{{DM_BALLOON_REQUEST, 16, 0}, 5, 0})).ok());
  EXPECT_EQ(vsp_->counters().malformed, 3u);
  EXPECT_EQ(vsp_->Status().state, DmState::kActive);
}

TEST_F(DmVspTest, EachAcceptedStatusReportIsAnnounced) {
  int announced = 0;
  DmVspOptions o = Options();
  o.max_status_reports_per_second = 2;
  o.on_status_report = [&] { ++announced; };
  Make(o);
  ASSERT_TRUE(Feed(StatusReport(1000)).ok());  // before negotiation: refused
  EXPECT_EQ(announced, 0);
  Activate();
  for (int i = 0; i < 3; ++i) (void)Feed(StatusReport(65536));  // the third is a flood
  EXPECT_EQ(announced, 2);
  EXPECT_EQ(vsp_->Status().status_reports, 2u);
}

TEST_F(DmVspTest, StatusReportFloodIsDropped) {
  DmVspOptions o = Options();
  o.max_misbehaviour_messages = 100;
  Make(o);
  Activate();
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Feed(StatusReport(1000 + i)).ok());
  EXPECT_EQ(vsp_->Status().status_reports, 20u);
  EXPECT_EQ(vsp_->counters().flood_dropped, 10u);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Feed(StatusReport(5)).ok());
  EXPECT_EQ(vsp_->Status().guest_committed_pages, 5u);
}

TEST_F(DmVspTest, MessagesBeforeNegotiationAreUnexpected) {
  vsp_->OnOpen(&sink_);
  ASSERT_TRUE(Feed(Caps()).ok());
  ASSERT_TRUE(Feed(StatusReport(10)).ok());
  EXPECT_EQ(vsp_->counters().unexpected, 2u);
  EXPECT_TRUE(sink_.sent.empty());
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false)).ok());
  ASSERT_TRUE(Feed(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, false)).ok());
  EXPECT_EQ(vsp_->counters().unexpected, 3u);
}

TEST_F(DmVspTest, SetTargetRange) {
  EXPECT_EQ(vsp_->SetTargetPages(kMaximum + 1).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(vsp_->SetTargetPages(10).code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(vsp_->SetTargetMib(1024).ok());
  EXPECT_EQ(vsp_->Status().target_pages, 1024u * 256);
}

TEST_F(DmVspTest, CloseReturnsToNotActiveAndSendFailuresAreCounted) {
  Activate();
  sink_.refuse = absl::ResourceExhaustedError("ring full");
  ASSERT_TRUE(vsp_->SetTargetPages(kStartup - 16384).ok());
  vsp_->Poll();
  EXPECT_EQ(vsp_->counters().send_failures, 1u);
  EXPECT_EQ(vsp_->Status().outstanding, DmTransaction::kNone);
  vsp_->OnClose();
  EXPECT_EQ(vsp_->Status().state, DmState::kNotActive);
}

TEST_F(DmVspTest, RestoreAllBalloonedMapsEverythingBack) {
  Activate();
  BalloonDown(2048, 0x10000);
  BalloonDown(512, 0x18000);
  ASSERT_EQ(vsp_->Status().ballooned_pages, 2560u) << vsp_->counters().unexpected << " "
                                                   << vsp_->counters().bad_ranges;
  memory_.restored.clear();
  ASSERT_TRUE(vsp_->RestoreAllBallooned().ok());
  ASSERT_EQ(memory_.restored.size(), 2u);
  EXPECT_EQ(memory_.restored[0], (PageRange{0x10000, 2048}));
  EXPECT_EQ(memory_.restored[1], (PageRange{0x18000, 512}));
  EXPECT_EQ(vsp_->Status().ballooned_pages, 0u);
  EXPECT_EQ(vsp_->Status().assigned_pages, kStartup);
}

}  // namespace
}  // namespace hv::worker
