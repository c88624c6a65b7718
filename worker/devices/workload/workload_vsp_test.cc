#include "worker/devices/workload/workload_vsp.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

class Sink : public PacketSink {
 public:
  absl::Status SendInband(absl::Span<const uint8_t> p) override {
    if (full) return absl::ResourceExhaustedError("full");
    sent.emplace_back(p.begin(), p.end());
    return absl::OkStatus();
  }
  std::vector<std::vector<uint8_t>> sent;
  bool full = false;
};

TEST(WorkloadVsp, CommandsQueueUntilPollAndStatusIsKept) {
  WorkloadVsp vsp;
  EXPECT_EQ(vsp.SendCommand("alloc 1").code(), absl::StatusCode::kFailedPrecondition);
  Sink sink;
  vsp.OnOpen(&sink);
  ASSERT_TRUE(vsp.SendCommand("alloc 64").ok());
  EXPECT_EQ(vsp.SendCommand(std::string(200, 'x')).code(), absl::StatusCode::kInvalidArgument);
  sink.full = true;
  vsp.Poll();
  EXPECT_TRUE(sink.sent.empty());
  sink.full = false;
  vsp.Poll();
  ASSERT_EQ(sink.sent.size(), 1u);
  hv_workload_command c;
  std::memcpy(&c, sink.sent[0].data(), sizeof(c));
  EXPECT_EQ(c.type, HV_WORKLOAD_MSG_COMMAND);
  EXPECT_EQ(std::string(c.text, c.length), "alloc 64");

  hv_workload_status s = {};
  s.type = HV_WORKLOAD_MSG_STATUS;
  s.held_pages = 16384;
  ASSERT_TRUE(vsp.OnPacket(6, absl::MakeConstSpan(reinterpret_cast<uint8_t*>(&s), sizeof(s))).ok());
  ASSERT_TRUE(vsp.LastStatus().has_value());
  EXPECT_EQ(vsp.LastStatus()->held_pages, 16384u);
  ASSERT_TRUE(vsp.OnPacket(6, {1, 2}).ok());
  EXPECT_EQ(vsp.bad_packets(), 1u);
}

}  // namespace
}  // namespace hv::worker
