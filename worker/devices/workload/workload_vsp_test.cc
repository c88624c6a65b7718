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

TEST(WorkloadVspSavedState, QueuedCommandsAndLastStatusSurviveARestore) {
  WorkloadVsp a;
  Sink sink_a;
  sink_a.full = true;  // the guest has not drained: commands stay queued
  a.OnOpen(&sink_a);
  ASSERT_TRUE(a.SendCommand("alloc 16").ok());
  ASSERT_TRUE(a.SendCommand("hold").ok());
  a.Poll();
  hv_workload_status st = {};
  st.type = HV_WORKLOAD_MSG_STATUS;
  st.progress = 4242;
  ASSERT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND,
                         absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&st), sizeof(st)))
                  .ok());
  const hv::worker::v1::WorkloadVspState saved = a.Save();
  ASSERT_EQ(saved.queued_commands_size(), 2);

  WorkloadVsp b;
  Sink sink_b;
  ASSERT_TRUE(b.Restore(saved).ok());
  b.OnRestore(&sink_b);
  EXPECT_TRUE(b.open());
  ASSERT_TRUE(b.LastStatus().has_value());
  EXPECT_EQ(b.LastStatus()->progress, 4242u);
  b.Poll();
  ASSERT_EQ(sink_b.sent.size(), 2u) << "the queued commands go out after the restore";
  hv_workload_command c;
  std::memcpy(&c, sink_b.sent[0].data(), sizeof(c));
  EXPECT_EQ(std::string(c.text, c.length), "alloc 16");

  hv::worker::v1::WorkloadVspState bad = saved;
  bad.set_last_status("short");
  EXPECT_EQ(b.Restore(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = saved;
  bad.add_queued_commands(std::string(HV_WORKLOAD_COMMAND_BYTES, 'x'));
  absl::Status s = b.Restore(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("queued_commands[2]"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace hv::worker
