#include "worker/devices/serial/serial_port.h"

#include <thread>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

void Type(SerialPort& p, const std::string& s) {
  for (char c : s) p.Write(kUartThr, 1, static_cast<uint8_t>(c));
}

TEST(SerialPort, TransmitsToHistoryAndReportsTransmitterEmpty) {
  SerialPort p;
  EXPECT_EQ(p.Read(kUartLsr, 1) & (kLsrThrEmpty | kLsrTransmitterEmpty),
            kLsrThrEmpty | kLsrTransmitterEmpty);
  Type(p, "hello\n");
  SerialChunk c = p.ReadFrom(0, 100, absl::ZeroDuration());
  EXPECT_EQ(c.data, "hello\n");
  EXPECT_EQ(c.next_offset, 6u);
  EXPECT_EQ(p.counters().bytes_written, 6u);
}

TEST(SerialPort, DivisorLatchDoesNotTransmit) {
  SerialPort p;
  p.Write(kUartLcr, 1, kLcrDlab);
  p.Write(kUartThr, 1, 0x01);  // divisor low byte
  p.Write(kUartIer, 1, 0x00);
  EXPECT_EQ(p.Read(kUartThr, 1), 0x01u);
  p.Write(kUartLcr, 1, 0x03);
  EXPECT_EQ(p.total_bytes(), 0u);
  p.Write(kUartScr, 1, 0x5A);
  EXPECT_EQ(p.Read(kUartScr, 1), 0x5Au);
  EXPECT_EQ(p.Read(42, 1), 0xFFu) << "out-of-range offsets are harmless";
}

TEST(SerialPort, SlowReaderSkipsWhatFellOutOfTheHistory) {
  SerialPort p(8);
  Type(p, "0123456789");
  SerialChunk c = p.ReadFrom(0, 100, absl::ZeroDuration());
  EXPECT_EQ(c.skipped, 2u);
  EXPECT_EQ(c.data, "23456789");
  EXPECT_EQ(p.History(), "23456789");
}

TEST(SerialPort, ReaderWaitsForData) {
  SerialPort p;
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(50));
    Type(p, "x");
  });
  SerialChunk c = p.ReadFrom(0, 10, absl::Seconds(30));
  writer.join();
  EXPECT_EQ(c.data, "x");
}

TEST(SerialPort, RestoredHistoryKeepsStreamOffsets) {
  SerialPort p;
  p.RestoreHistory("boot\n", 105);
  EXPECT_EQ(p.total_bytes(), 105u);
  SerialChunk c = p.ReadFrom(0, 100, absl::ZeroDuration());
  EXPECT_EQ(c.skipped, 100u);
  EXPECT_EQ(c.data, "boot\n");
}

}  // namespace
}  // namespace hv::worker
