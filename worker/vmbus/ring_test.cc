#include "worker/vmbus/ring.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "wire/vmbus.h"

namespace hv::worker {
namespace {

constexpr uint64_t kBase = 0x10000;

class RingTest : public ::testing::Test {
 protected:
  // Header page + 2 data pages, data pages deliberately out of order in RAM.
  RingTest() : ram_(kBase, 4 * 4096) {}
  Ring MakeRing() {
    auto r = Ring::Create(&ram_, {kBase, kBase + 2 * 4096, kBase + 1 * 4096});
    EXPECT_TRUE(r.ok()) << r.status();
    return *std::move(r);
  }
  void SetIndices(uint32_t w, uint32_t r) {
    std::memcpy(ram_.At(kBase), &w, 4);
    std::memcpy(ram_.At(kBase + 4), &r, 4);
  }
  uint32_t ReadIndex() {
    uint32_t v;
    std::memcpy(&v, ram_.At(kBase + 4), 4);
    return v;
  }
  // Places a raw descriptor at data offset 0 and sets write_index past it.
  void PlaceDescriptor(uint16_t type, uint16_t offset8, uint16_t len8, uint32_t write_index) {
    vmpacket_descriptor d = {type, offset8, len8, 0, 7};
    std::memcpy(ram_.At(kBase + 2 * 4096), &d, sizeof(d));
    SetIndices(write_index, 0);
  }
  BufferGuestRam ram_;
};

TEST_F(RingTest, CreateRejectsBadPages) {
  EXPECT_FALSE(Ring::Create(&ram_, {kBase}).ok());
  EXPECT_FALSE(Ring::Create(&ram_, {kBase, kBase + 1}).ok());
  EXPECT_FALSE(Ring::Create(&ram_, {kBase, kBase + 4 * 4096}).ok());
  EXPECT_FALSE(Ring::Create(&ram_, {kBase, 0}).ok());
}

TEST_F(RingTest, EmptyRingReadsNothing) {
  Ring ring = MakeRing();
  auto p = ring.Read(4096);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
  EXPECT_EQ(ring.data_bytes(), 8192u);
}

TEST_F(RingTest, WriteThenReadRoundTripsAndWraps) {
  Ring writer = MakeRing();
  Ring reader = MakeRing();
  std::vector<uint8_t> payload(1000);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7);
  // 1000 -> 1016 + 16 + 8 = 1040 bytes per packet; 40 packets wrap the 8 KiB ring 5 times.
  for (int i = 0; i < 40; ++i) {
    auto sig = writer.Write(VM_PKT_DATA_INBAND, 0, i, payload);
    ASSERT_TRUE(sig.ok()) << sig.status();
    EXPECT_TRUE(*sig) << "ring was empty before each write";
    auto p = reader.Read(4096);
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_TRUE(p->has_value());
    EXPECT_EQ((*p)->type, VM_PKT_DATA_INBAND);
    EXPECT_EQ((*p)->trans_id, static_cast<uint64_t>(i));
    ASSERT_EQ((*p)->payload.size(), 1000u);  // aligned: 1000 is a multiple of 8
    EXPECT_EQ((*p)->payload, payload);
  }
  EXPECT_EQ(writer.counters().packets_written, 40u);
  EXPECT_EQ(reader.counters().packets_read, 40u);
}

TEST_F(RingTest, SecondWriteDoesNotSignalAndMaskSuppresses) {
  Ring writer = MakeRing();
  const uint8_t b[8] = {};
  EXPECT_TRUE(*writer.Write(VM_PKT_DATA_INBAND, 0, 1, b));
  EXPECT_FALSE(*writer.Write(VM_PKT_DATA_INBAND, 0, 2, b));
  SetIndices(0, 0);
  const uint32_t mask = 1;
  std::memcpy(ram_.At(kBase + 8), &mask, 4);
  EXPECT_FALSE(*writer.Write(VM_PKT_DATA_INBAND, 0, 3, b));
}

TEST_F(RingTest, FullRingRefusesWithoutCorrupting) {
  Ring writer = MakeRing();
  std::vector<uint8_t> payload(4000);
  ASSERT_TRUE(writer.Write(VM_PKT_DATA_INBAND, 0, 1, payload).ok());
  ASSERT_TRUE(writer.Write(VM_PKT_DATA_INBAND, 0, 2, std::vector<uint8_t>(4096)).ok());
  auto third = writer.Write(VM_PKT_DATA_INBAND, 0, 3, std::vector<uint8_t>(64));
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(writer.counters().ring_full, 1u);
  // Still readable.
  Ring reader = MakeRing();
  EXPECT_TRUE(reader.Read(8192)->has_value());
}

TEST_F(RingTest, CorruptIndicesAreDataLoss) {
  struct Case {
    uint32_t w, r;
  } cases[] = {{8192, 0}, {0, 8192}, {4, 0}, {0, 12}, {0xFFFFFFF8u, 0}};
  for (const auto& c : cases) {
    Ring ring = MakeRing();
    SetIndices(c.w, c.r);
    EXPECT_EQ(ring.Read(4096).status().code(), absl::StatusCode::kDataLoss) << c.w << "," << c.r;
    EXPECT_EQ(ring.Write(6, 0, 0, {}).status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(ring.counters().corrupt_indices, 2u);
  }
}

TEST_F(RingTest, MalformedDescriptorsAreDataLoss) {
  struct Case {
    const char* what;
    uint16_t type, offset8, len8;
    uint32_t write_index;
  } cases[] = {
      {"offset8 below descriptor", VM_PKT_DATA_INBAND, 1, 4, 40},
      {"offset8 beyond len8", VM_PKT_DATA_INBAND, 5, 4, 40},
      {"len8 beyond available", VM_PKT_DATA_INBAND, 2, 5, 40},
      {"len8 huge", VM_PKT_DATA_INBAND, 2, 0xFFFF, 40},
      {"type invalid", VM_PKT_INVALID, 2, 4, 40},
      {"type unknown", 0x77, 2, 4, 40},
      {"shorter than a descriptor", VM_PKT_DATA_INBAND, 2, 2, 16},
  };
  for (const auto& c : cases) {
    Ring ring = MakeRing();
    PlaceDescriptor(c.type, c.offset8, c.len8, c.write_index);
    auto p = ring.Read(4096);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss) << c.what;
    EXPECT_EQ(ReadIndex(), 0u) << c.what << ": read index must not move";
  }
}

TEST_F(RingTest, OversizePayloadIsRejected) {
  Ring ring = MakeRing();
  PlaceDescriptor(VM_PKT_DATA_INBAND, 2, 4 + 2, 48 + 8);
  EXPECT_EQ(ring.Read(8).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ring.counters().oversize_packets, 1u);
  Ring ok_ring = MakeRing();
  auto p = ok_ring.Read(32);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->payload.size(), 32u);
  EXPECT_EQ(ReadIndex(), 56u);
}

// A guest may balloon away (unmap) a ring page after opening the channel.
class VanishingRam : public BufferGuestRam {
 public:
  using BufferGuestRam::BufferGuestRam;
  absl::Status Read(uint64_t gpa, void* dst, size_t len) const override {
    if (gone && gpa >= kBase + 4096) return absl::OutOfRangeError("unmapped");
    return BufferGuestRam::Read(gpa, dst, len);
  }
  bool gone = false;
};

TEST(RingVanish, ReadOfUnmappedDataPageIsDataLoss) {
  VanishingRam ram(kBase, 4096 * 2);
  auto writer = Ring::Create(&ram, {kBase, kBase + 4096});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer->Write(VM_PKT_DATA_INBAND, 0, 1, std::vector<uint8_t>(16)).ok());
  ram.gone = true;
  EXPECT_EQ(writer->Read(64).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hv::worker
