#include "hypervisor-shim/device_bus.h"

#include "gtest/gtest.h"

namespace hv::shim {
namespace {

struct Latch : BusDevice {
  uint64_t last_offset = ~0ull, last_value = 0;
  uint64_t Read(uint64_t offset, uint8_t size) override { return offset * 10 + size; }
  void Write(uint64_t offset, uint8_t size, uint64_t value) override {
    last_offset = offset;
    last_value = value;
  }
};

TEST(DeviceBus, RoutesByRangeWithOffsets) {
  DeviceBus bus("io");
  Latch a, b;
  ASSERT_TRUE(bus.Register(0x3F8, 8, &a, "serial").ok());
  ASSERT_TRUE(bus.Register(0x60, 1, &b, "kbd").ok());
  EXPECT_EQ(bus.Read(0x3FA, 1), 21u);
  EXPECT_TRUE(bus.Write(0x3F9, 1, 0x41));
  EXPECT_EQ(a.last_offset, 1u);
  EXPECT_EQ(a.last_value, 0x41u);
  EXPECT_FALSE(bus.Read(0x400, 1).has_value());
  EXPECT_FALSE(bus.Write(0x3F7, 1, 0));
}

TEST(DeviceBus, RejectsOverlapsAndBadRanges) {
  DeviceBus bus("mmio");
  Latch a;
  ASSERT_TRUE(bus.Register(0x1000, 0x1000, &a, "a").ok());
  EXPECT_TRUE(absl::IsAlreadyExists(bus.Register(0x1FFF, 2, &a, "b")));
  EXPECT_TRUE(absl::IsAlreadyExists(bus.Register(0x800, 0x801, &a, "c")));
  EXPECT_TRUE(absl::IsInvalidArgument(bus.Register(0x5000, 0, &a, "d")));
  EXPECT_TRUE(absl::IsInvalidArgument(bus.Register(~0ull, 2, &a, "e")));
  EXPECT_TRUE(absl::IsNotFound(bus.Unregister(0x1800)));
  ASSERT_TRUE(bus.Unregister(0x1000).ok());
  EXPECT_FALSE(bus.Read(0x1000, 4).has_value());
}

TEST(DeviceBus, DefaultDeviceReadsAllOnes) {
  DeviceBus bus("io");
  BusDevice plain;
  ASSERT_TRUE(bus.Register(0x80, 1, &plain, "plain").ok());
  EXPECT_EQ(bus.Read(0x80, 1), ~0ull);
}

}  // namespace
}  // namespace hv::shim
