// Each scripted guest message parses as the DM VSP will parse it.
#include "worker/devices/dynmem/testing/dm_guest_messages.h"

#include <variant>

#include "gtest/gtest.h"
#include "worker/devices/dynmem/dm_message.h"

namespace hv::worker::testing {
namespace {

template <typename M>
M Parse(const std::vector<uint8_t>& bytes) {
  auto m = ParseDmGuestMessage(bytes);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok() || !std::holds_alternative<M>(*m)) {
    ADD_FAILURE() << "wrong message type";
    return M{};
  }
  return std::get<M>(*m);
}

TEST(DmGuestMessages, ParseAsSent) {
  const auto v = Parse<DmVersionRequest>(VersionRequest(DYNMEM_PROTOCOL_VERSION_3, true, 9));
  EXPECT_EQ(v.version, DYNMEM_PROTOCOL_VERSION_3);
  EXPECT_TRUE(v.is_last_attempt);
  EXPECT_EQ(v.trans_id, 9u);
  const auto c = Parse<DmCapabilitiesReport>(Caps(true, false, 3));
  EXPECT_TRUE(c.balloon);
  EXPECT_FALSE(c.hot_add);
  EXPECT_EQ(c.alignment_log2_mib, 3u);
  const auto s = Parse<DmStatusReport>(StatusReport(65536, 42));
  EXPECT_EQ(s.num_committed, 65536u);
  EXPECT_EQ(s.num_avail, 42u);
  const auto b = Parse<DmBalloonResponse>(BalloonResponse(true, {{0x20000, 512}, {0x30000, 7}}));
  EXPECT_TRUE(b.more_pages);
  EXPECT_EQ(b.ranges, (std::vector<PageRange>{{0x20000, 512}, {0x30000, 7}}));
  Parse<DmUnballoonResponse>(UnballoonResponse());
  const auto h = Parse<DmHotAddResponse>(HotAddResponse(kBlock, 1));
  EXPECT_EQ(h.page_count, kBlock);
  EXPECT_EQ(h.result, 1u);
}

TEST(DmGuestMessages, RawAppendsZeroPadding) {
  const std::vector<uint8_t> b = Raw(uint32_t{0x01020304}, 4);
  EXPECT_EQ(b, (std::vector<uint8_t>{4, 3, 2, 1, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace hv::worker::testing
