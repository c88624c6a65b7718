#include "worker/devices/shutdown/power_off_port.h"

#include "gtest/gtest.h"
#include "hypervisor-shim/device_bus.h"
#include "wire/boot_info.h"

namespace hv::worker {
namespace {

TEST(PowerOffPort, OnlyTheExactWriteRequestsPowerOff) {
  hv::shim::DeviceBus bus("io");
  PowerOffPort port;
  ASSERT_TRUE(bus.Register(HV_POWER_OFF_PORT, kPowerOffPorts, &port, "power-off").ok());
  EXPECT_TRUE(bus.Write(HV_POWER_OFF_PORT, 1, HV_POWER_OFF_VALUE & 0xFF));  // wrong size
  EXPECT_TRUE(bus.Write(HV_POWER_OFF_PORT, 2, 0x1234));                     // wrong value
  EXPECT_TRUE(bus.Write(HV_POWER_OFF_PORT + 1, 2, HV_POWER_OFF_VALUE));     // wrong offset
  EXPECT_FALSE(port.requested());
  EXPECT_EQ(port.counters().bad_writes, 3u);
  EXPECT_EQ(bus.Read(HV_POWER_OFF_PORT, 2), ~0ull);
  EXPECT_TRUE(bus.Write(HV_POWER_OFF_PORT, 2, HV_POWER_OFF_VALUE));
  EXPECT_TRUE(port.requested());
  EXPECT_EQ(port.counters().power_off_writes, 1u);
}

TEST(PowerOffPort, AValidWriteRingsTheOwnerAndABadOneDoesNot) {
  int rung = 0;
  PowerOffPort port([&] { ++rung; });
  port.Write(0, 2, 0x1234);
  EXPECT_EQ(rung, 0);
  port.Write(0, 2, HV_POWER_OFF_VALUE);
  EXPECT_EQ(rung, 1);
}

}  // namespace
}  // namespace hv::worker
