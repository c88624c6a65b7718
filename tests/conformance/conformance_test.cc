// The conformance suite: the same tiny guests on every backend available.
// KVM cases skip without /dev/kvm; tests/kvm/run.sh runs them in nested KVM.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hypervisor-shim/snapshot.h"
#include "hypervisor-shim/vcpu_runner.h"
#include "tests/conformance/harness.h"
#include "wire/boot_info.h"
#include "wire/tlfs.h"

namespace hv::shim::conformance {
namespace {

static_assert(HYPERCALL_PAGE == HV_BOOT_HYPERCALL_PAGE_GPA);
static_assert(CALL_GET_VP_REGISTERS == HVCALL_GET_VP_REGISTERS);
static_assert(CALL_SET_VP_REGISTERS == HVCALL_SET_VP_REGISTERS);
static_assert(REG_GUEST_OS_ID == HV_REGISTER_GUEST_OS_ID);
static_assert(REG_VP_INDEX == HV_REGISTER_VP_INDEX);
static_assert(REG_TIME_REF_COUNT == HV_REGISTER_TIME_REF_COUNT);
static_assert(RUNTIME_GPA >= kRamTop && UNMAPPED_GPA > RUNTIME_GPA + (2u << 20));

struct Tcg {
  static constexpr BackendKind kKind = BackendKind::kTcg;
};
struct Kvm {
  static constexpr BackendKind kKind = BackendKind::kKvm;
};

template <typename B>
class ConformanceTest : public ::testing::Test {
 protected:
  // The harness for `guest`, or nullptr after GTEST_SKIP (backend missing).
  std::unique_ptr<GuestHarness> Make(std::string_view guest, uint32_t vcpus = 1) {
    auto h = GuestHarness::Create(B::kKind, guest, vcpus);
    // HV_REQUIRE_KVM=1 (the nested harness) turns a missing backend into a
    // failure, so a green run inside QEMU cannot be all skips.
    if (absl::IsUnavailable(h.status()) && getenv("HV_REQUIRE_KVM") == nullptr) {
      skipped_ = true;
      return nullptr;
    }
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? std::move(*h) : nullptr;
  }
  bool skipped_ = false;
};

// Skips the test when the backend is missing here.
#define HARNESS(var, ...)                                                         \
  auto var = this->Make(__VA_ARGS__);                                             \
  if (this->skipped_) GTEST_SKIP() << ToString(TypeParam::kKind) << " unavailable"; \
  ASSERT_NE(var, nullptr)

using Backends = ::testing::Types<Tcg, Kvm>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::string(ToString(T::kKind));
  }
};
TYPED_TEST_SUITE(ConformanceTest, Backends, BackendNames);

TYPED_TEST(ConformanceTest, SerialOutputAndInValues) {
  HARNESS(h, "serial");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kHlt) << exit->DebugString();
  EXPECT_EQ(h->serial.text(), "Hello\nZ");
  auto regs = h->vcpu().GetRegisters();
  ASSERT_TRUE(regs.ok());
  EXPECT_EQ(regs->rbx, uint64_t{IN_VALUE});
  EXPECT_EQ(regs->r12, uint64_t{IN_VALUE});
  ExitCounts counts = h->stats.Counts();
  EXPECT_EQ(counts.io_by_port[SERIAL_PORT], 7u);
  EXPECT_EQ(counts.io_by_port[IN_PORT], 2u);
  EXPECT_EQ(counts.count(ExitReason::kIoInstruction), 9u);
  EXPECT_EQ(counts.count(ExitReason::kHlt), 1u);
}

TYPED_TEST(ConformanceTest, CpuidHypervLeaves) {
  HARNESS(h, "cpuid");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_EQ(exit->reason, ExitReason::kHlt) << exit->DebugString();
  uint32_t leaves[7][4];
  ASSERT_TRUE(h->partition().ReadGpa(DATA_GPA, leaves, sizeof(leaves)).ok());
  char vendor[13] = {};
  memcpy(vendor, &leaves[0][1], 4);
  memcpy(vendor + 4, &leaves[0][2], 4);
  memcpy(vendor + 8, &leaves[0][3], 4);
  EXPECT_STREQ(vendor, "Microsoft Hv");
  EXPECT_GE(leaves[0][0], HV_CPUID_IMPLEMENT_LIMITS);
  EXPECT_EQ(leaves[1][0], HV_CPUID_INTERFACE_HV1);  // "Hv#1"
  EXPECT_TRUE(leaves[3][0] & HV_PRIV_ACCESS_SYNIC);
  EXPECT_TRUE(leaves[3][0] & HV_PRIV_ACCESS_HYPERCALL_MSRS);
  EXPECT_TRUE(leaves[3][1] & HV_FLAG_POST_MESSAGES);
  EXPECT_TRUE(leaves[3][1] & HV_FLAG_SIGNAL_EVENTS);
  EXPECT_TRUE(leaves[6][2] & (1u << 31)) << "leaf 1 ECX: hypervisor present";
}

TYPED_TEST(ConformanceTest, HypercallRoundTripAndStatusCodes) {
  HARNESS(h, "hypercall");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_EQ(exit->reason, ExitReason::kHlt) << exit->DebugString();
  uint64_t rax[8];
  ASSERT_TRUE(h->partition().ReadGpa(DATA_GPA, rax, sizeof(rax)).ok());
  EXPECT_EQ(rax[0], HV_STATUS_SUCCESS | (1ull << 32));  // 1 rep done
  EXPECT_EQ(rax[1], HV_STATUS_SUCCESS | (3ull << 32));
  EXPECT_EQ(rax[2], HV_STATUS_INVALID_HYPERCALL_CODE);
  EXPECT_EQ(rax[3], HV_STATUS_INVALID_HYPERCALL_INPUT);
  EXPECT_EQ(rax[4], HV_STATUS_INVALID_ALIGNMENT);
  EXPECT_EQ(rax[5], HV_STATUS_INVALID_PARAMETER);
  EXPECT_EQ(rax[6], HV_STATUS_ACCESS_DENIED);
  EXPECT_EQ(rax[7], HV_STATUS_INVALID_HYPERCALL_INPUT);
  hv_register_value out[3];
  ASSERT_TRUE(h->partition().ReadGpa(OUTPUT_PAGE, out, sizeof(out)).ok());
  EXPECT_EQ(out[0].low, 0x8100000000001234ull);
  EXPECT_EQ(out[1].low, 0u);   // VP_INDEX
  EXPECT_GT(out[2].low, 0u);   // TIME_REF_COUNT runs
  EXPECT_EQ(h->vcpu().synthetic_registers().Get(HV_REGISTER_GUEST_OS_ID),
            0x8100000000001234ull);
  ExitCounts counts = h->stats.Counts();
  EXPECT_EQ(counts.count(ExitReason::kVmcall), 8u);
  EXPECT_EQ(counts.hypercalls_by_code[HVCALL_SET_VP_REGISTERS], 2u);
  EXPECT_EQ(counts.hypercalls_by_code[0x7777], 1u);
  EXPECT_EQ(h->hypercalls.rejected(), 3u);  // unknown code, reserved bit, rep start
}

TYPED_TEST(ConformanceTest, PendingKickReturnsBeforeEntry) {
  HARNESS(h, "spin");
  auto before = h->vcpu().GetRegisters();
  ASSERT_TRUE(before.ok());
  h->vcpu().Kick();
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kExternalInterrupt);
  EXPECT_EQ(h->vcpu().GetRegisters()->rip, before->rip);
}

TYPED_TEST(ConformanceTest, KickInterruptsSpinningGuest) {
  HARNESS(h, "spin");
  std::thread kicker([&] {
    absl::SleepFor(absl::Milliseconds(30));
    h->vcpu().Kick();
  });
  absl::StatusOr<VmExit> exit = h->Run();
  kicker.join();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kExternalInterrupt);
  EXPECT_GT(h->vcpu().GetRegisters()->rax, 0u) << "the guest ran";
  // It resumes where it stopped.
  h->vcpu().Kick();
  exit = h->Run();
  ASSERT_TRUE(exit.ok());
  EXPECT_EQ(exit->reason, ExitReason::kExternalInterrupt);
}

TYPED_TEST(ConformanceTest, HaltThenKickWakesTheGuest) {
  HARNESS(h, "halt_loop");
  VcpuRunner runner(h->partition(), h->handler());
  ASSERT_TRUE(runner.Start().ok());
  for (uint32_t wake = 1; wake <= 3; ++wake) {
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (runner.state(0) != VcpuRunState::kHalted && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    ASSERT_EQ(runner.state(0), VcpuRunState::kHalted);
    runner.Kick(0);
    ASSERT_TRUE(h->progress.WaitForCount(wake, absl::Seconds(10)));
    EXPECT_EQ(h->progress.values().back(), wake);
  }
  runner.Stop();
  EXPECT_EQ(runner.state(0), VcpuRunState::kStopped);
}

TYPED_TEST(ConformanceTest, SyntheticTimerWakesHaltedGuest) {
  HARNESS(h, "halt_loop");
  SyntheticRegisters& synic = h->vcpu().synthetic_registers();
  // 20 ms from now, one-shot.
  ASSERT_TRUE(synic.HostSet(HV_REGISTER_STIMER0_COUNT,
                            h->partition().clock().Now() + 200000).ok());
  ASSERT_TRUE(synic.HostSet(HV_REGISTER_STIMER0_CONFIG, HV_STIMER_ENABLE).ok());
  std::atomic<int> expired{0};
  VcpuRunnerOptions options;
  options.on_timer_expired = [&](Vcpu&) { expired++; };
  VcpuRunner runner(h->partition(), h->handler(), options);
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_TRUE(h->progress.WaitForCount(1, absl::Seconds(10)));
  EXPECT_EQ(expired.load(), 1);
  EXPECT_FALSE(synic.TimerDeadline().has_value()) << "one-shot timer disables itself";
  runner.Stop();
}

struct AccessCase {
  uint64_t mode;  // R13 of mem_access.S
  uint8_t access;
};

TYPED_TEST(ConformanceTest, UnmappedAccessIsEptViolationWithGpa) {
  const AccessCase cases[] = {{0, kAccessRead}, {1, kAccessWrite}, {2, kAccessExecute}};
  for (const AccessCase& c : cases) {
    HARNESS(h, "mem_access");
    VcpuRegisters regs = *h->vcpu().GetRegisters();
    regs.r12 = c.mode == 2 ? UNMAPPED_GPA : UNMAPPED_GPA + 0x18;
    regs.r13 = c.mode;
    ASSERT_TRUE(h->vcpu().SetRegisters(regs).ok());
    absl::StatusOr<VmExit> exit = h->Run();
    ASSERT_TRUE(exit.ok()) << exit.status();
    ASSERT_EQ(exit->reason, ExitReason::kEptViolation) << exit->DebugString();
    EXPECT_EQ(exit->ept.gpa, regs.r12) << "mode " << c.mode;
    EXPECT_EQ(exit->ept.access, c.access) << "mode " << c.mode;
    EXPECT_FALSE(exit->ept.mapped);
    EXPECT_TRUE(IsFatal(*exit));
    EXPECT_FALSE(h->vcpu().alive());
    EXPECT_TRUE(h->done.values().empty());
    absl::StatusOr<VmExit> again = h->Run();
    EXPECT_TRUE(absl::IsFailedPrecondition(again.status())) << again.status();
    EXPECT_EQ(h->stats.Counts().ept_unmapped, 1u);
  }
}

TYPED_TEST(ConformanceTest, WriteToReadOnlyPageIsEptViolation) {
  HARNESS(h, "mem_access");
  ASSERT_TRUE(h->partition().MapRam(RUNTIME_GPA, 2 << 20, kProtRead | kProtExecute).ok());
  VcpuRegisters regs = *h->vcpu().GetRegisters();
  regs.r12 = RUNTIME_GPA + 0x40;
  regs.r13 = 1;
  ASSERT_TRUE(h->vcpu().SetRegisters(regs).ok());
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_EQ(exit->reason, ExitReason::kEptViolation) << exit->DebugString();
  EXPECT_EQ(exit->ept.gpa, RUNTIME_GPA + 0x40);
  EXPECT_EQ(exit->ept.access, kAccessWrite);
  EXPECT_TRUE(exit->ept.mapped);
  EXPECT_EQ(h->ReadU64(RUNTIME_GPA + 0x40), 0u) << "the write did not land";
}

TYPED_TEST(ConformanceTest, HandlerMapsMemoryOnDemand) {
  HARNESS(h, "mem_access");
  // An EPT-violation handler that maps the 2 MiB chunk and resumes.
  struct LazyMap : ExitHandler {
    ExitHandler* inner;
    int faults = 0;
    ExitAction HandleExit(Vcpu& v, VmExit& e) override {
      if (e.reason == ExitReason::kEptViolation && !e.ept.mmio) {
        ++faults;
        if (v.partition().MapRam(e.ept.gpa & ~((2ull << 20) - 1), 2 << 20).ok()) {
          return ExitAction::kResume;
        }
      }
      return inner->HandleExit(v, e);
    }
  } lazy;
  lazy.inner = &h->handler();
  VcpuRegisters regs = *h->vcpu().GetRegisters();
  regs.r12 = UNMAPPED_GPA + 0x100;
  regs.r13 = 1;  // write 0x77
  ASSERT_TRUE(h->vcpu().SetRegisters(regs).ok());
  absl::StatusOr<VmExit> exit = h->vcpu().Run(lazy);
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kIoInstruction) << exit->DebugString();  // DONE
  EXPECT_EQ(lazy.faults, 1);
  EXPECT_EQ(h->ReadU64(UNMAPPED_GPA + 0x100), 0x77u);
}

TYPED_TEST(ConformanceTest, MapAndUnmapAtRunTimeSeenByGuest) {
  HARNESS(h, "map_unmap");
  Partition& p = h->partition();
  const size_t regions_before = p.Regions().size();
  ASSERT_TRUE(p.MapRam(RUNTIME_GPA, 2 << 20).ok());
  EXPECT_EQ(p.Regions().size(), regions_before) << "coalesced with the RAM below";
  uint64_t v = 42;
  ASSERT_TRUE(p.WriteGpa(RUNTIME_GPA, &v, sizeof(v)).ok());
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  ASSERT_TRUE(p.Unmap(RUNTIME_GPA, 2 << 20).ok());
  ASSERT_TRUE(p.MapRam(RUNTIME_GPA, 2 << 20).ok());
  exit = h->Run();  // fresh memory reads zero
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  v = 7;
  ASSERT_TRUE(p.WriteGpa(RUNTIME_GPA, &v, sizeof(v)).ok());
  exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  EXPECT_THAT(h->progress.values(), ::testing::ElementsAre(42u, 0u, 7u));
  ASSERT_TRUE(p.Unmap(RUNTIME_GPA, 2 << 20).ok());
  exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kEptViolation) << exit->DebugString();
  EXPECT_EQ(exit->ept.gpa, RUNTIME_GPA);
}

// KVM cannot replace a memory slot atomically: splitting or merging the region
// a running guest executes from deletes and re-adds its slot. The backend must
// keep the vCPU out of the guest meanwhile, or it faults on RAM that is only
// momentarily absent (found by the DM balloon test on nested KVM).
TYPED_TEST(ConformanceTest, MemoryChangesBesideARunningGuestNeverFaultIt) {
  HARNESS(h, "spin");
  Partition& p = h->partition();
  // Coalesced with the RAM the guest runs from: each change below re-creates
  // the region holding the guest's code.
  ASSERT_TRUE(p.MapRam(RUNTIME_GPA, 2 << 20).ok());
  std::thread changer([&] {
    for (int i = 0; i < 200; ++i) {
      EXPECT_TRUE(p.Unmap(RUNTIME_GPA + (1 << 20), kPageSize).ok());
      EXPECT_TRUE(p.MapRam(RUNTIME_GPA + (1 << 20), kPageSize).ok());
    }
    h->vcpu().Kick();
  });
  absl::StatusOr<VmExit> exit = h->Run();
  changer.join();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kExternalInterrupt) << exit->DebugString();
  // Back-to-back changes may have held the vCPU out the whole time; it still
  // runs afterwards.
  std::thread kicker([&] {
    absl::SleepFor(absl::Milliseconds(30));
    h->vcpu().Kick();
  });
  exit = h->Run();
  kicker.join();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kExternalInterrupt) << exit->DebugString();
  EXPECT_GT(h->vcpu().GetRegisters()->rax, 0u) << "the guest ran";
}

TYPED_TEST(ConformanceTest, SixtyFourBitRegisterResults) {
  HARNESS(h, "regs64");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  VcpuRegisters r = *h->vcpu().GetRegisters();
  EXPECT_EQ(r.rax, 0x0123456789ABCDEFull);
  EXPECT_EQ(r.rbx, 0x123456789ABCDEF0ull);
  EXPECT_EQ(r.rcx, 0x0123456789ABCDEFull * 3);
  EXPECT_EQ(r.rdx, 0xFEDCBA9876543210ull);
  EXPECT_EQ(r.r8, 0x100000000ull);
  EXPECT_EQ(r.r9, ~0ull);
  EXPECT_EQ(r.r10, 5000050000ull);
  EXPECT_EQ(r.rip, exit->rip);
}

TYPED_TEST(ConformanceTest, MmioReadsAndWritesReachTheBus) {
  HARNESS(h, "mmio");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  EXPECT_THAT(h->mmio_device.values(), ::testing::ElementsAre(0xABu, 0x11223344u));
  EXPECT_EQ(h->vcpu().GetRegisters()->rbx, 0xCAFEF00Du);
  EXPECT_EQ(h->stats.Counts().ept_mmio, 3u);
}

TYPED_TEST(ConformanceTest, MsrAccessesExitWhereTrappable) {
  if (TypeParam::kKind == BackendKind::kTcg) {
    GTEST_SKIP() << "Unicorn 2.0.1 cannot hook RDMSR/WRMSR (software-cpu.md §4)";
  }
  HARNESS(h, "msr");
  uint64_t written = 0;
  struct Msr : ExitHandler {
    uint64_t* written;
    ExitHandler* inner;
    ExitAction HandleExit(Vcpu& v, VmExit& e) override {
      if (e.reason == ExitReason::kMsrWrite && e.msr.index == 0x4000ABCD) {
        *written = e.msr.value;
        return ExitAction::kResume;
      }
      if (e.reason == ExitReason::kMsrRead && e.msr.index == 0x4000ABCD) {
        e.msr.value = *written + 1;
        return ExitAction::kResume;
      }
      return inner->HandleExit(v, e);
    }
  } msr;
  msr.written = &written;
  msr.inner = &h->handler();
  absl::StatusOr<VmExit> exit = h->vcpu().Run(msr);
  ASSERT_TRUE(exit.ok()) << exit.status();
  ASSERT_EQ(exit->reason, ExitReason::kHlt) << exit->DebugString();
  EXPECT_EQ(written, 0x1111111122222222ull);
  EXPECT_EQ(h->vcpu().GetRegisters()->rbx, 0x1111111122222223ull);
}

TYPED_TEST(ConformanceTest, UnhandledMsrFaultsTheGuest) {
  if (TypeParam::kKind == BackendKind::kTcg) {
    GTEST_SKIP() << "Unicorn 2.0.1 cannot hook RDMSR/WRMSR (software-cpu.md §4)";
  }
  HARNESS(h, "msr");
  absl::StatusOr<VmExit> exit = h->Run();  // default: #GP, no IDT -> triple fault
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kTripleFault) << exit->DebugString();
  EXPECT_EQ(h->stats.Counts().count(ExitReason::kMsrWrite), 1u);
}

TYPED_TEST(ConformanceTest, SmpAtomicCounterKeepsEveryIncrement) {
  HARNESS(h, "smp_counter", kMaxVcpus);
  VcpuRunner runner(h->partition(), h->handler());
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_TRUE(runner.WaitUntilStopped(absl::Seconds(30)));
  for (uint32_t i = 0; i < kMaxVcpus; ++i) {
    auto last = runner.final_exit(i);
    ASSERT_TRUE(last.has_value() && last->ok());
    EXPECT_EQ((*last)->reason, ExitReason::kIoInstruction) << (*last)->DebugString();
  }
  EXPECT_EQ(h->ReadU64(DATA_GPA), kMaxVcpus * 100000ull);
  EXPECT_EQ(h->ReadU64(DATA_GPA + 8), uint64_t{kMaxVcpus});
  EXPECT_THAT(h->done.values(), ::testing::UnorderedElementsAre(0u, 1u, 2u, 3u));
}

TYPED_TEST(ConformanceTest, SnapshotRestoresToTheSameResult) {
  HARNESS(h, "snapshot");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  ASSERT_TRUE(h->vcpu().synthetic_registers().HostSet(HV_REGISTER_SIMP, 0x5001).ok());
  const std::string path = ::testing::TempDir() + "/shim_snapshot_" +
                           std::string(ToString(TypeParam::kKind)) + std::to_string(getpid());
  ASSERT_TRUE(SaveSnapshot(h->partition(), path).ok());
  exit = h->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  VcpuRegisters want = *h->vcpu().GetRegisters();
  std::vector<uint64_t> want_table(512), got_table(512);
  ASSERT_TRUE(h->partition().ReadGpa(DATA_GPA, want_table.data(), 4096).ok());

  HARNESS(fresh, "spin");  // a different image: the snapshot must overwrite it
  ASSERT_TRUE(RestoreSnapshot(fresh->partition(), path).ok());
  exit = fresh->Run();
  ASSERT_TRUE(exit.ok() && exit->reason == ExitReason::kHlt) << exit.status();
  VcpuRegisters got = *fresh->vcpu().GetRegisters();
  EXPECT_EQ(got.r12, want.r12);
  EXPECT_EQ(got.r13, want.r13);
  EXPECT_EQ(got.rip, want.rip);
  ASSERT_TRUE(fresh->partition().ReadGpa(DATA_GPA, got_table.data(), 4096).ok());
  EXPECT_EQ(got_table, want_table);
  EXPECT_EQ(fresh->vcpu().synthetic_registers().simp(), 0x5001u);
  unlink(path.c_str());
}

TYPED_TEST(ConformanceTest, InvalidInstructionWithoutIdtTripleFaults) {
  HARNESS(h, "bad_ud");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kTripleFault) << exit->DebugString();
  EXPECT_FALSE(h->vcpu().alive());
}

TYPED_TEST(ConformanceTest, DivideByZeroWithoutIdtTripleFaults) {
  HARNESS(h, "bad_div");
  absl::StatusOr<VmExit> exit = h->Run();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_EQ(exit->reason, ExitReason::kTripleFault) << exit->DebugString();
}

TYPED_TEST(ConformanceTest, StopEndsSpinningGuestPromptly) {
  HARNESS(h, "spin", 2);
  VcpuRunner runner(h->partition(), h->handler());
  ASSERT_TRUE(runner.Start().ok());
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(runner.state(0), VcpuRunState::kRunning);
  absl::Time t0 = absl::Now();
  runner.Stop();
  absl::Duration took = absl::Now() - t0;
  // The requirement is 10 ms; the assert is generous so a loaded CI host
  // cannot flake it. The figure is printed (and measured by shim_bench).
  EXPECT_LT(took, absl::Seconds(1));
  std::printf("stop of 2 spinning vCPUs took %s\n", absl::FormatDuration(took).c_str());
  EXPECT_EQ(runner.state(0), VcpuRunState::kStopped);
  EXPECT_EQ(runner.state(1), VcpuRunState::kStopped);
}

TYPED_TEST(ConformanceTest, PauseParksAndResumeContinues) {
  HARNESS(h, "halt_loop");
  VcpuRunner runner(h->partition(), h->handler());
  ASSERT_TRUE(runner.Start().ok());
  runner.Pause();
  EXPECT_EQ(runner.state(0), VcpuRunState::kPaused);
  runner.Kick(0);  // pending while paused
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(h->progress.values().empty());
  runner.Resume();
  ASSERT_TRUE(h->progress.WaitForCount(1, absl::Seconds(10)));
  runner.Stop();
}

}  // namespace
}  // namespace hv::shim::conformance
