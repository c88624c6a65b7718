#include "worker/devices/dynmem/dm_message.h"

#include <cstring>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "worker/devices/dynmem/testing/dm_guest_messages.h"

namespace hv::worker {
namespace {

using testing::Raw;

TEST(DmMessageTable, CoversEveryTypeInOrder) {
  auto table = DmMessageTypes();
  ASSERT_EQ(table.size(), static_cast<size_t>(DM_MESSAGE_TYPE_COUNT));
  std::set<std::string_view> names;
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(table[i].type, i);
    EXPECT_GE(table[i].min_size, 8);
    EXPECT_TRUE(names.insert(table[i].name).second);
    EXPECT_EQ(DmMessageTypeToString(i), table[i].name);
  }
  EXPECT_EQ(DmMessageTypeToString(DM_BALLOON_RESPONSE), "DM_BALLOON_RESPONSE");
  EXPECT_EQ(DmMessageTypeToString(99), "DM_UNKNOWN(99)");
}

TEST(DmMessageParse, VersionRequest) {
  dm_version_request m = {{DM_VERSION_REQUEST, 16, 5}, DYNMEM_PROTOCOL_VERSION_1,
                          DM_VERSION_IS_LAST_ATTEMPT};
  auto r = ParseDmGuestMessage(Raw(m));
  ASSERT_TRUE(r.ok()) << r.status();
  auto v = std::get<DmVersionRequest>(*r);
  EXPECT_EQ(v.trans_id, 5u);
  EXPECT_EQ(v.version, DYNMEM_PROTOCOL_VERSION_1);
  EXPECT_TRUE(v.is_last_attempt);
}

TEST(DmMessageParse, CapabilitiesReport) {
  dm_capabilities m = {{DM_CAPABILITIES_REPORT, 32, 6},
                       DM_CAP_BALLOON | DM_CAP_HOT_ADD | (7ull << DM_CAP_ALIGNMENT_SHIFT), 0,
                       ~0ull};
  auto c = std::get<DmCapabilitiesReport>(*ParseDmGuestMessage(Raw(m)));
  EXPECT_TRUE(c.balloon);
  EXPECT_TRUE(c.hot_add);
  EXPECT_FALSE(c.hot_remove);
  EXPECT_EQ(c.alignment_log2_mib, 7u);
}

TEST(DmMessageParse, StatusReportWithRingPadding) {
  dm_status m = {};
  m.hdr = {DM_STATUS_REPORT, 48, 7};
  m.num_avail = 1000;
  m.num_committed = 2000;
  auto s = std::get<DmStatusReport>(*ParseDmGuestMessage(Raw(m, 8)));
  EXPECT_EQ(s.num_avail, 1000u);
  EXPECT_EQ(s.num_committed, 2000u);
}

TEST(DmMessageParse, BalloonResponseUsesBit0MoreAndBits1To31Count) {
  std::vector<uint8_t> b(16 + 16);
  dm_balloon_response m = {{DM_BALLOON_RESPONSE, 32, 8}, 0, DM_BALLOON_RESP_MAKE(1, 2)};
  std::memcpy(b.data(), &m, 16);
  const uint64_t r0 = DM_RANGE_MAKE(0x1000, 512), r1 = DM_RANGE_MAKE(0x2000, 1);
  std::memcpy(b.data() + 16, &r0, 8);
  std::memcpy(b.data() + 24, &r1, 8);
  auto r = std::get<DmBalloonResponse>(*ParseDmGuestMessage(b));
  EXPECT_TRUE(r.more_pages);
  ASSERT_EQ(r.ranges.size(), 2u);
  EXPECT_EQ(r.ranges[0], (PageRange{0x1000, 512}));
  EXPECT_EQ(r.ranges[1], (PageRange{0x2000, 1}));
  // The same bytes read with UNBALLOON_REQUEST's layout would be "count 4".
  uint32_t word12;
  std::memcpy(&word12, b.data() + 12, 4);
  EXPECT_EQ(word12, 5u);
}

TEST(DmMessageParse, BalloonResponseAtFloor) {
  dm_balloon_response m = {{DM_BALLOON_RESPONSE, 16, 9}, 0, DM_BALLOON_RESP_MAKE(0, 0)};
  auto r = std::get<DmBalloonResponse>(*ParseDmGuestMessage(Raw(m)));
  EXPECT_FALSE(r.more_pages);
  EXPECT_TRUE(r.ranges.empty());
}

TEST(DmMessageParse, HotAddAndUnballoonResponses) {
  dm_hot_add_response a = {{DM_MEM_HOT_ADD_RESPONSE, 16, 1}, 32768, 1};
  auto h = std::get<DmHotAddResponse>(*ParseDmGuestMessage(Raw(a)));
  EXPECT_EQ(h.page_count, 32768u);
  EXPECT_EQ(h.result, 1u);
  dm_unballoon_response u = {{DM_UNBALLOON_RESPONSE, 8, 2}};
  EXPECT_TRUE(std::holds_alternative<DmUnballoonResponse>(*ParseDmGuestMessage(Raw(u))));
}

TEST(DmMessageParse, MalformedTable) {
  auto with_header = [](uint16_t type, uint16_t size, size_t bytes) {
    std::vector<uint8_t> b(bytes);
    dm_header h = {type, size, 0};
    std::memcpy(b.data(), &h, std::min(bytes, sizeof(h)));
    return b;
  };
  std::vector<uint8_t> overflow = with_header(DM_BALLOON_RESPONSE, 24, 24);
  const uint32_t word = DM_BALLOON_RESP_MAKE(0, 2);  // 2 ranges need 32 bytes
  std::memcpy(overflow.data() + 12, &word, 4);
  std::vector<uint8_t> huge = with_header(DM_BALLOON_RESPONSE, 16, 16);
  const uint32_t max_word = 0xFFFFFFFFu;
  std::memcpy(huge.data() + 12, &max_word, 4);
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
  } cases[] = {
      {"empty", {}},
      {"short header", {1, 0, 16, 0}},
      {"size below header", with_header(DM_VERSION_REQUEST, 4, 16)},
      {"size below minimum", with_header(DM_VERSION_REQUEST, 12, 16)},
      {"size beyond packet", with_header(DM_STATUS_REPORT, 48, 40)},
      {"status size zero", with_header(DM_STATUS_REPORT, 0, 48)},
      {"host type from guest", with_header(DM_BALLOON_REQUEST, 16, 16)},
      {"host type unballoon request", with_header(DM_UNBALLOON_REQUEST, 16, 16)},
      {"DM_ERROR", with_header(DM_ERROR, 8, 8)},
      {"unknown type", with_header(200, 8, 8)},
      {"hot remove response unsupported", with_header(DM_MEM_HOT_REMOVE_RESPONSE, 24, 24)},
      {"range count overflows message", overflow},
      {"range count 2^31-1", huge},
      {"caps short", with_header(DM_CAPABILITIES_REPORT, 24, 24)},
      {"hot add response short", with_header(DM_MEM_HOT_ADD_RESPONSE, 12, 16)},
  };
  for (const auto& c : cases) {
    auto r = ParseDmGuestMessage(c.bytes);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.what;
  }
}

TEST(DmMessageBuild, ExactSizesAndFields) {
  auto v = BuildDmVersionResponse(3, true);
  ASSERT_EQ(v.size(), 16u);
  EXPECT_EQ(v[0], DM_VERSION_RESPONSE);
  EXPECT_EQ(v[2], 16);
  EXPECT_EQ(v[4], 3);
  EXPECT_EQ(v[8], 1);
  EXPECT_EQ(BuildDmVersionResponse(3, false)[8], 0);
  auto c = BuildDmCapabilitiesResponse(4, true);
  EXPECT_EQ(c.size(), 16u);
  EXPECT_EQ(c[8], 1);
  auto b = BuildDmBalloonRequest(9, 16384);
  ASSERT_EQ(b.size(), 16u);
  uint32_t pages;
  std::memcpy(&pages, b.data() + 8, 4);
  EXPECT_EQ(pages, 16384u);
}

TEST(DmMessageBuild, UnballoonRequestLayout) {
  const PageRange ranges[] = {{0x5000, 512}, {0x6000, 3}};
  auto u = BuildDmUnballoonRequest(1, true, ranges);
  ASSERT_EQ(u.size(), 32u);
  uint16_t size;
  std::memcpy(&size, u.data() + 2, 2);
  EXPECT_EQ(size, 32);
  uint32_t more, count;
  std::memcpy(&more, u.data() + 8, 4);
  std::memcpy(&count, u.data() + 12, 4);
  EXPECT_EQ(more, 1u);
  EXPECT_EQ(count, 2u);  // full u32, not shifted
  uint64_t r1;
  std::memcpy(&r1, u.data() + 24, 8);
  EXPECT_EQ(r1, DM_RANGE_MAKE(0x6000, 3));
  EXPECT_EQ(BuildDmUnballoonRequest(1, false, ranges)[8], 0);
}

TEST(DmMessageBuild, HotAddBothForms) {
  auto a16 = BuildDmHotAddRequest(1, {0x10000, 0x8000}, std::nullopt);
  auto a24 = BuildDmHotAddRequest(1, {0x10000, 0x8000}, PageRange{0x10000, 0x8000});
  ASSERT_EQ(a16.size(), 16u);
  ASSERT_EQ(a24.size(), 24u);
  EXPECT_EQ(a16[2], 16);
  EXPECT_EQ(a24[2], 24);
  uint64_t range, region;
  std::memcpy(&range, a24.data() + 8, 8);
  std::memcpy(&region, a24.data() + 16, 8);
  EXPECT_EQ(range, DM_RANGE_MAKE(0x10000, 0x8000));
  EXPECT_EQ(region, range);
}

TEST(DmMessageBuild, InfoMaxPageCount) {
  auto i = BuildDmInfoMaxPageCount(2, 262144);
  ASSERT_EQ(i.size(), 32u);
  dm_info_max_page_cnt m;
  std::memcpy(&m, i.data(), sizeof(m));
  EXPECT_EQ(m.hdr.type, DM_INFO_MESSAGE);
  EXPECT_EQ(m.info_size, 16u);
  EXPECT_EQ(m.info.type, DM_INFO_TYPE_MAX_PAGE_CNT);
  EXPECT_EQ(m.info.data_size, 8u);
  EXPECT_EQ(m.max_page_count, 262144u);
}

}  // namespace
}  // namespace hv::worker
