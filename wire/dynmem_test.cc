// Layout pins for the Dynamic Memory wire header (hyperv.md §1). Sizes and
// offsets are static_asserted in the header; these tests check the bit
// packing that static_asserts cannot see, byte for byte.
#include "wire/dynmem.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "gtest/gtest.h"

namespace hv {
namespace {

std::string GuidString(const uint8_t b[16]) {
  char s[40];
  std::snprintf(s, sizeof(s), "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return s;
}

TEST(DynMemWire, ClassGuidMatchesSpec) {
  const uint8_t g[16] = HV_DM_CLASS_GUID_BYTES;
  EXPECT_EQ(GuidString(g), "525074DC-8985-46E2-8057-A307DC18A502");
}

TEST(DynMemWire, VersionWordsAreMajorShift16OrMinor) {
  EXPECT_EQ(DYNMEM_PROTOCOL_VERSION_1, 0x00000003u);
  EXPECT_EQ(DYNMEM_PROTOCOL_VERSION_2, 1u << 16);
  EXPECT_EQ(DYNMEM_PROTOCOL_VERSION_3, 2u << 16);
  dm_version_request r = {};
  r.version = DYNMEM_PROTOCOL_VERSION_3;
  uint8_t raw[16];
  std::memcpy(raw, &r, sizeof(r));
  // minor u16 @8, major u16 @10.
  EXPECT_EQ(raw[8] | raw[9] << 8, 0);
  EXPECT_EQ(raw[10] | raw[11] << 8, 2);
}

TEST(DynMemWire, PageRangeIs40BitPfnAnd24BitCount) {
  const uint64_t r = DM_RANGE_MAKE(0xFFFFFFFFFFull, 0xFFFFFFull);
  EXPECT_EQ(r, ~0ull);
  EXPECT_EQ(DM_RANGE_PFN(DM_RANGE_MAKE(0x12345, 512)), 0x12345u);
  EXPECT_EQ(DM_RANGE_COUNT(DM_RANGE_MAKE(0x12345, 512)), 512u);
  EXPECT_EQ(DM_RANGE_MAKE(1, 1), (1ull << 40) | 1);
  EXPECT_EQ(DM_RANGE_MAX_PAGES, 16777215u);
}

TEST(DynMemWire, BalloonResponsePacksMoreAndCountAtOffset12) {
  uint8_t raw[16] = {};
  dm_balloon_response m = {};
  m.more_and_count = DM_BALLOON_RESP_MAKE(1, 3);
  std::memcpy(raw, &m, sizeof(m));
  // bit0 of the u32 @12 is more_pages; range_count = bits 1..31 => 3 << 1 | 1 = 7.
  EXPECT_EQ(raw[12], 0x07);
  EXPECT_EQ(raw[8], 0);
  EXPECT_EQ(DM_BALLOON_RESP_COUNT(m.more_and_count), 3u);
  m.more_and_count = DM_BALLOON_RESP_MAKE(0, 0x7FFFFFFF);
  std::memcpy(raw, &m, sizeof(m));
  EXPECT_EQ(raw[12], 0xFE);
  EXPECT_EQ(raw[15], 0xFF);
}

TEST(DynMemWire, UnballoonRequestHasMoreAt8AndFullCountAt12) {
  uint8_t raw[16] = {};
  dm_unballoon_request m = {};
  m.more_pages = 1;
  m.range_count = 3;
  std::memcpy(raw, &m, sizeof(m));
  EXPECT_EQ(raw[8], 0x01);
  EXPECT_EQ(raw[12], 0x03);  // not shifted, unlike BALLOON_RESPONSE
  m.range_count = 0x80000000u;
  std::memcpy(raw, &m, sizeof(m));
  EXPECT_EQ(raw[15], 0x80);
}

TEST(DynMemWire, HotAddFormsAre16And24Bytes) {
  EXPECT_EQ(sizeof(dm_hot_add), 16u);
  EXPECT_EQ(sizeof(dm_hot_add_with_region), 24u);
  EXPECT_EQ(offsetof(dm_hot_add_with_region, range), offsetof(dm_hot_add, range));
}

TEST(DynMemWire, CapabilityAlignmentField) {
  const uint64_t caps = DM_CAP_BALLOON | DM_CAP_HOT_ADD | (7ull << DM_CAP_ALIGNMENT_SHIFT);
  EXPECT_EQ((caps & DM_CAP_ALIGNMENT_MASK) >> DM_CAP_ALIGNMENT_SHIFT, 7u);
  EXPECT_EQ(caps & DM_CAP_HOT_REMOVE, 0u);
  EXPECT_EQ(caps, 0x1Fu);
}

TEST(DynMemWire, MaxRangesFillOneMessage) {
  EXPECT_EQ(sizeof(dm_balloon_response) + 8 * DM_MAX_RANGES_PER_MESSAGE, 4096u);
  EXPECT_EQ(sizeof(dm_unballoon_request) + 8 * DM_MAX_RANGES_PER_MESSAGE, 4096u);
}

}  // namespace
}  // namespace hv
