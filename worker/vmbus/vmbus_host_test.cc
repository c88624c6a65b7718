#include "worker/vmbus/vmbus_host.h"

#include <atomic>
#include <cstring>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/hypercall_dispatcher.h"
#include "wire/boot_info.h"
#include "wire/tlfs.h"

namespace hv::worker {
namespace {

class NullDevice : public VmbusDevice {
 public:
  void OnOpen(PacketSink*) override {}
  void OnClose() override {}
  absl::Status OnPacket(uint16_t, absl::Span<const uint8_t>) override {
    return absl::OkStatus();
  }
};

// A VmbusHost on a real (never started) TCG partition; hypercalls go through
// the dispatcher as a vCPU thread would deliver them.
class VmbusHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = shim::CreateBackend(shim::BackendKind::kTcg);
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = std::move(*backend);
    shim::PartitionOptions o;
    o.max_gpa = 64ull << 20;
    auto p = backend_->CreatePartition(o);
    ASSERT_TRUE(p.ok()) << p.status();
    partition_ = std::move(*p);
    ASSERT_TRUE(partition_->MapRam(HV_BOOT_IMAGE_GPA, 4ull << 20).ok());
    host_ = std::make_unique<VmbusHost>(partition_.get(), &dispatcher_, &events_, &clock_,
                                        nullptr);
    const vmbus_guid class_a = {{0xA}}, class_b = {{0xB}}, instance = {{1}};
    auto a = host_->AddDevice(class_a, instance, &device_a_, nullptr);
    auto b = host_->AddDevice(class_b, instance, &device_b_, nullptr);
    ASSERT_TRUE(a.ok() && b.ok());
    relid_a_ = *a;
    relid_b_ = *b;
    ASSERT_TRUE(host_->Start().ok());
  }
  void TearDown() override {
    if (host_) host_->Stop();
  }
  // A new, not yet started host with `o` and no devices.
  void ReplaceHost(const VmbusHostOptions& o) {
    host_->Stop();
    host_.reset();
    host_ = std::make_unique<VmbusHost>(partition_.get(), &dispatcher_, &events_, &clock_, nullptr, o);
  }

  // Fast HvSignalEvent: RDX = {connection_id u32, flag_number u16, rsvd u16}.
  uint16_t SignalFast(uint32_t connection_id) {
    shim::HypercallExit e;
    e.input = HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT;
    e.input_param = connection_id;
    return static_cast<uint16_t>(dispatcher_.Dispatch(partition_->vcpu(0), e) & 0xFFFF);
  }
  // Memory form: the input block at a guest page.
  uint16_t SignalMemory(uint32_t connection_id) {
    hv_signal_event_input in;
    std::memset(&in, 0, sizeof(in));
    in.connection_id = connection_id;
    const uint64_t gpa = HV_BOOT_IMAGE_GPA + 0x1000;
    EXPECT_TRUE(partition_->WriteGpa(gpa, &in, sizeof(in)).ok());
    shim::HypercallExit e;
    e.input = HVCALL_SIGNAL_EVENT;
    e.input_param = gpa;
    return static_cast<uint16_t>(dispatcher_.Dispatch(partition_->vcpu(0), e) & 0xFFFF);
  }
  bool WaitForEvent(const std::string& needle) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      for (const DeviceEvent& e : events_.Snapshot()) {
        if (e.message.find(needle) != std::string::npos) return true;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  std::unique_ptr<shim::Backend> backend_;
  std::unique_ptr<shim::Partition> partition_;
  shim::HypercallDispatcher dispatcher_;
  EventLog events_;
  SystemClock clock_;
  NullDevice device_a_, device_b_;
  std::unique_ptr<VmbusHost> host_;
  uint32_t relid_a_ = 0, relid_b_ = 0;
};

TEST_F(VmbusHostTest, SignalEventAcceptsOfferedConnectionIds) {
  const uint32_t id_a = host_->ConnectionIdFor(relid_a_);
  const uint32_t id_b = host_->ConnectionIdFor(relid_b_);
  ASSERT_NE(id_a, 0u);
  ASSERT_NE(id_b, 0u);
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(host_->ConnectionIdFor(relid_b_ + 1), 0u) << "no such channel";
  // Offered, not yet opened: accepted (the guest may signal while its open is
  // in flight; the host thread just finds nothing to drain).
  EXPECT_EQ(SignalFast(id_a), HV_STATUS_SUCCESS);
  EXPECT_EQ(SignalMemory(id_b), HV_STATUS_SUCCESS);
  VmbusServerCounters c = host_->counters();
  EXPECT_EQ(c.signals, 2u);
  EXPECT_EQ(c.signals_unknown, 0u);
}

TEST_F(VmbusHostTest, SignalEventRefusesUnknownConnectionIdsAndCountsThem) {
  const uint32_t id_b = host_->ConnectionIdFor(relid_b_);
  EXPECT_EQ(SignalFast(id_b + 1), HV_STATUS_INVALID_CONNECTION_ID) << "one past the last channel";
  EXPECT_EQ(SignalFast(0), HV_STATUS_INVALID_CONNECTION_ID);
  EXPECT_EQ(SignalFast(VMBUS_MESSAGE_CONNECTION_ID), HV_STATUS_INVALID_CONNECTION_ID)
      << "the message connection is for HvPostMessage, not an event port";
  EXPECT_EQ(SignalMemory(0xFFFFFFFFu), HV_STATUS_INVALID_CONNECTION_ID);
  EXPECT_EQ(SignalFast(id_b), HV_STATUS_SUCCESS);
  VmbusServerCounters c = host_->counters();
  EXPECT_EQ(c.signals, 5u);
  EXPECT_EQ(c.signals_unknown, 4u);
  // The host thread turns refusals into an event naming the last bad id.
  EXPECT_TRUE(WaitForEvent("(last 0xffffffff)"));
}

TEST_F(VmbusHostTest, SignalEventInputOutsideRamIsInvalidParameter) {
  shim::HypercallExit e;
  e.input = HVCALL_SIGNAL_EVENT;
  e.input_param = 60ull << 20;  // inside max_gpa, not RAM
  EXPECT_EQ(dispatcher_.Dispatch(partition_->vcpu(0), e) & 0xFFFF, HV_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(host_->counters().signals, 0u);
}

// An idle host sleeps up to idle_poll_interval; Kick (a new memory target, a
// workload command) must still run the device polls at once. With both
// intervals an hour, only Kick can produce the passes waited for here.
TEST_F(VmbusHostTest, KickRunsAPollPassOfAnIdleHost) {
  VmbusHostOptions o;
  o.poll_interval = absl::Hours(1);
  o.idle_poll_interval = absl::Hours(1);
  ReplaceHost(o);
  std::atomic<int> polls{0};
  ASSERT_TRUE(host_->AddDevice({{0xC}}, {{1}}, &device_a_, [&polls] {
                     ++polls;
                     return absl::InfiniteFuture();
                   }).ok());
  ASSERT_TRUE(host_->Start().ok());
  auto wait_above = [&polls](int n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (polls.load() <= n && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
    return polls.load() > n;
  };
  for (int i = 0; i < 3; ++i) {
    const int before = polls.load();
    host_->Kick();
    EXPECT_TRUE(wait_above(before)) << "kick " << i;
  }
}

// The host sleeps until the earliest device deadline: a device timer (a
// heartbeat, a transaction timeout) fires on time with no wake and a long idle
// interval, and a device with nothing timed is not polled again.
TEST_F(VmbusHostTest, DeviceDeadlinesBoundTheIdleWait) {
  VmbusHostOptions o;
  o.poll_interval = absl::Milliseconds(1);
  o.idle_poll_interval = absl::Hours(1);
  ReplaceHost(o);
  absl::Mutex mu;
  std::vector<absl::Time> passes;
  int timed = 3;  // the device asks for three passes 50 ms apart, then none
  ASSERT_TRUE(host_->AddDevice({{0xC}}, {{1}}, &device_a_, [&] {
                     absl::MutexLock lock(&mu);
                     passes.push_back(absl::Now());
                     return timed-- > 0 ? absl::Now() + absl::Milliseconds(50)
                                        : absl::InfiniteFuture();
                   }).ok());
  ASSERT_TRUE(host_->Start().ok());
  auto count = [&] {
    absl::MutexLock lock(&mu);
    return passes.size();
  };
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (count() < 4 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(300));
  absl::MutexLock lock(&mu);
  // The first pass, the three timed ones, and none in the 300 ms after.
  ASSERT_EQ(passes.size(), 4u);
  for (size_t i = 1; i < passes.size(); ++i) {
    EXPECT_GE(passes[i] - passes[i - 1], absl::Milliseconds(50)) << "pass " << i;
  }
}

}  // namespace
}  // namespace hv::worker
