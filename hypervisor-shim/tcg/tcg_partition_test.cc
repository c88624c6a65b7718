// TCG-specific behaviour: precise preemption (software-cpu.md §4 + the
// measurement in tcg_partition.h) and host code writes.
#include "hypervisor-shim/tcg/tcg_partition.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "hypervisor-shim/boot_loader.h"
#include "hypervisor-shim/exit_dispatcher.h"

namespace hv::shim::tcg {
namespace {

// mov rdi, 0x200000; mov ecx, 1000000; 1: inc qword [rdi]; inc rbx; dec ecx;
// jnz 1b; hlt
constexpr uint8_t kIncLoop[] = {0x48, 0xC7, 0xC7, 0x00, 0x00, 0x20, 0x00, 0xB9, 0x40, 0x42,
                                0x0F, 0x00, 0x48, 0xFF, 0x07, 0x48, 0xFF, 0xC3, 0xFF, 0xC9,
                                0x75, 0xF6, 0xF4};

std::unique_ptr<Partition> Boot(std::span<const uint8_t> image, uint32_t vcpus = 1) {
  PartitionOptions o;
  o.max_gpa = 64ull << 20;
  o.vcpu_count = vcpus;
  auto p = *TcgPartition::Create(o);
  EXPECT_TRUE(p->MapRam(HV_BOOT_IMAGE_GPA, (8ull << 20) - HV_BOOT_IMAGE_GPA).ok());
  BootParams params;
  params.startup_bytes = 8ull << 20;
  EXPECT_TRUE(LoadGuest(*p, image, params).ok());
  return p;
}

TEST(TcgPartition, KickStormNeverReexecutesStores) {
  auto p = Boot(kIncLoop);
  std::atomic<bool> done{false};
  std::thread kicker([&] {
    while (!done) {
      absl::SleepFor(absl::Microseconds(100));
      p->vcpu(0).Kick();
    }
  });
  ExitDispatcher handler;
  int kicks = 0;
  for (;;) {
    auto exit = p->vcpu(0).Run(handler);
    ASSERT_TRUE(exit.ok()) << exit.status();
    if (exit->reason != ExitReason::kExternalInterrupt) {
      EXPECT_EQ(exit->reason, ExitReason::kHlt);
      break;
    }
    ++kicks;
  }
  done = true;
  kicker.join();
  uint64_t mem = 0;
  ASSERT_TRUE(p->ReadGpa(0x200000, &mem, 8).ok());
  EXPECT_GT(kicks, 5);
  EXPECT_EQ(mem, 1000000u) << "a stop mid-block would re-run stores";
  EXPECT_EQ(p->vcpu(0).GetRegisters()->rbx, 1000000u);
}

TEST(TcgPartition, HostCodeWritesAreSeenAfterNotify) {
  uint8_t code[] = {0xB8, 0x01, 0x00, 0x00, 0x00, 0xF4};  // mov eax, 1; hlt
  auto p = Boot(code);
  ExitDispatcher handler;
  ASSERT_TRUE(p->vcpu(0).Run(handler).ok());
  EXPECT_EQ(p->vcpu(0).GetRegisters()->rax, 1u);
  code[1] = 0x02;
  ASSERT_TRUE(LoadFlatImage(*p, code, HV_BOOT_IMAGE_GPA).ok());  // notifies
  VcpuRegisters r = *p->vcpu(0).GetRegisters();
  r.rip = HV_BOOT_IMAGE_GPA;
  ASSERT_TRUE(p->vcpu(0).SetRegisters(r).ok());
  ASSERT_TRUE(p->vcpu(0).Run(handler).ok());
  EXPECT_EQ(p->vcpu(0).GetRegisters()->rax, 2u) << "stale translation ran";
}

TEST(TcgPartition, RunWhileRunningIsRefused) {
  const uint8_t spin[] = {0xEB, 0xFE};  // jmp $
  auto p = Boot(spin);
  ExitDispatcher handler;
  std::thread runner([&] { (void)p->vcpu(0).Run(handler); });
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(absl::IsFailedPrecondition(p->vcpu(0).Run(handler).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(p->vcpu(0).GetRegisters().status()));
  p->vcpu(0).Kick();
  runner.join();
}

// Runs every vCPU of `p` at the boot image's spin loop for `d`, then kicks
// them out; returns the kicker's slice timers over that time.
uint64_t SliceTimersWhileSpinning(Partition& p, absl::Duration d) {
  auto& tcg = static_cast<TcgPartition&>(p);
  const VcpuRegisters start = *p.vcpu(0).GetRegisters();
  ExitDispatcher handler;
  std::vector<std::thread> runners;
  const uint64_t before = tcg.slice_timers();
  for (uint32_t i = 0; i < p.vcpu_count(); ++i) {
    EXPECT_TRUE(p.vcpu(i).SetRegisters(start).ok());
    runners.emplace_back([&p, &handler, i] {
      auto exit = p.vcpu(i).Run(handler);
      EXPECT_TRUE(exit.ok() && exit->reason == ExitReason::kExternalInterrupt) << i;
    });
  }
  absl::SleepFor(d);
  const uint64_t timers = tcg.slice_timers() - before;
  for (uint32_t i = 0; i < p.vcpu_count(); ++i) p.vcpu(i).Kick();
  for (auto& t : runners) t.join();
  return timers;
}

TEST(TcgPartition, TheKickerSleepsUnlessTwoVcpusCompete) {
  const uint8_t spin[] = {0xEB, 0xFE};  // jmp $
  auto one = Boot(spin);
  // Every 2 ms slice used to be timed even with one vCPU: ~100 here.
  EXPECT_EQ(SliceTimersWhileSpinning(*one, absl::Milliseconds(200)), 0u);
  auto two = Boot(spin, 2);
  EXPECT_GT(SliceTimersWhileSpinning(*two, absl::Milliseconds(200)), 5u)
      << "two spinning vCPUs must be time-sliced";
}

}  // namespace
}  // namespace hv::shim::tcg
