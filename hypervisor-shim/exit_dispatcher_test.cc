#include "hypervisor-shim/exit_dispatcher.h"

#include "gtest/gtest.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/exit_stats.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

class ExitDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = *CreateBackend(BackendKind::kTcg);
    PartitionOptions o;
    o.max_gpa = 64ull << 20;
    partition_ = *backend_->CreatePartition(o);
  }
  Vcpu& vcpu() { return partition_->vcpu(0); }
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Partition> partition_;
};

VmExit Io(uint16_t port, bool in, uint32_t value = 0) {
  VmExit e;
  e.reason = ExitReason::kIoInstruction;
  e.io.port = port;
  e.io.in = in;
  e.io.value = value;
  return e;
}

TEST_F(ExitDispatcherTest, TableThenFallbackDefaults) {
  ExitDispatcher d;
  int hlts = 0;
  d.SetHandler(ExitReason::kHlt, [&](Vcpu&, VmExit&) {
    ++hlts;
    return ExitAction::kResume;
  });
  VmExit hlt;
  hlt.reason = ExitReason::kHlt;
  EXPECT_EQ(d.HandleExit(vcpu(), hlt), ExitAction::kResume);
  EXPECT_EQ(hlts, 1);
  VmExit in = Io(0x71, true);
  EXPECT_EQ(d.HandleExit(vcpu(), in), ExitAction::kResume);
  EXPECT_EQ(in.io.value, 0xFFFFFFFFu) << "unclaimed port reads all ones";
  VmExit ept;
  ept.reason = ExitReason::kEptViolation;
  EXPECT_EQ(d.HandleExit(vcpu(), ept), ExitAction::kReturn);
  VmExit msr;
  msr.reason = ExitReason::kMsrWrite;
  EXPECT_EQ(d.HandleExit(vcpu(), msr), ExitAction::kResume);
  EXPECT_TRUE(msr.msr.fault);
  d.SetFallback([](Vcpu&, VmExit&) { return ExitAction::kReturn; });
  VmExit cpuid;
  cpuid.reason = ExitReason::kCpuid;
  EXPECT_EQ(d.HandleExit(vcpu(), cpuid), ExitAction::kReturn);
}

struct Echo : BusDevice {
  uint64_t Read(uint64_t offset, uint8_t) override { return 0x40 + offset; }
};

TEST_F(ExitDispatcherTest, StatsAndBusesCompose) {
  ExitStats stats;
  DeviceBus io("io"), mmio("mmio");
  Echo echo;
  ASSERT_TRUE(io.Register(0x60, 4, &echo, "echo").ok());
  ASSERT_TRUE(mmio.Register(0xD0000000, 0x1000, &echo, "echo").ok());
  DeviceBusHandler buses(&io, &mmio);
  CompositeExitHandler all({&stats, &buses});
  VmExit in = Io(0x62, true);
  EXPECT_EQ(all.HandleExit(vcpu(), in), ExitAction::kResume);
  EXPECT_EQ(in.io.value, 0x42u);
  VmExit stray = Io(0x99, false, 1);
  EXPECT_EQ(all.HandleExit(vcpu(), stray), ExitAction::kResume);
  EXPECT_EQ(buses.unclaimed(), 1u);
  VmExit mm;
  mm.reason = ExitReason::kEptViolation;
  mm.ept = {0xD0000008, kAccessRead, false, true, 4, 0};
  EXPECT_EQ(all.HandleExit(vcpu(), mm), ExitAction::kResume);
  EXPECT_EQ(mm.ept.value, 0x48u);
  VmExit call;
  call.reason = ExitReason::kVmcall;
  call.hypercall.input = HVCALL_POST_MESSAGE;
  all.HandleExit(vcpu(), call);
  VmExit hlt;
  hlt.reason = ExitReason::kHlt;
  EXPECT_EQ(all.HandleExit(vcpu(), hlt), ExitAction::kReturn);
  ExitCounts c = stats.Counts();
  EXPECT_EQ(c.total, 5u);
  EXPECT_EQ(c.count(ExitReason::kIoInstruction), 2u);
  EXPECT_EQ(c.io_by_port.at(0x62), 1u);
  EXPECT_EQ(c.io_by_port.at(0x99), 1u);
  EXPECT_EQ(c.hypercalls_by_code.at(HVCALL_POST_MESSAGE), 1u);
  EXPECT_EQ(c.ept_mmio, 1u);
  EXPECT_EQ(c.count(ExitReason::kHlt), 1u);
}

}  // namespace
}  // namespace hv::shim
