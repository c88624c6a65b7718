// Dynamic Memory end to end, in process: the reference guest on the software
// CPU (and on KVM where /dev/kvm exists) negotiates the real DM protocol over
// VMBus with the host VSP; the host balloons, unballoons and hot-adds, and the
// partition's resident host memory is measured with mincore (shim), never
// computed. TCG stores are slow (~44 ns), so workloads touch one word per page.
#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/dynmem/dynmem_vm.h"

namespace hv::worker::testing {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kPagesPerMiB = 256;

struct Tcg {
  static constexpr shim::BackendKind kKind = shim::BackendKind::kTcg;
};
struct Kvm {
  static constexpr shim::BackendKind kKind = shim::BackendKind::kKvm;
};

template <typename B>
class DynmemTest : public ::testing::Test {
 protected:
  // Boots a VM; nullptr (after GTEST_SKIP) when the backend is missing here.
  std::unique_ptr<DynmemVm> Boot(DynmemVmOptions o) {
    o.backend = B::kKind;
    auto vm = DynmemVm::Create(o);
    if (absl::IsUnavailable(vm.status())) {
      skipped_ = true;
      return nullptr;
    }
    EXPECT_TRUE(vm.ok()) << vm.status();
    if (!vm.ok()) return nullptr;
    EXPECT_TRUE((*vm)->Start().ok());
    return std::move(*vm);
  }
  // Waits until DM is active and the workload channel is open.
  static bool WaitActive(DynmemVm& vm) {
    return vm.WaitFor(
        [&] {
          return vm.dm().Status().state == DmState::kActive && vm.dm().Status().status_reports >= 1 &&
                 vm.workload().open();
        },
        absl::Seconds(60));
  }
  // The DM state and counters plus the guest's serial log, for failure messages.
  static std::string Diagnose(DynmemVm& vm) {
    const DmVspStatus s = vm.dm().Status();
    const DmVspCounters c = vm.dm().counters();
    std::string serial = vm.serial();
    if (serial.size() > 2000) serial = serial.substr(serial.size() - 2000);
    return "dm: outstanding " + std::to_string(static_cast<int>(s.outstanding)) + " ballooned " +
           std::to_string(s.ballooned_pages) + " assigned " + std::to_string(s.assigned_pages) +
           " target " + std::to_string(s.target_pages) + " add_ops " +
           std::to_string(s.add_operations) + " timeouts " + std::to_string(c.timeouts) +
           " unexpected " + std::to_string(c.unexpected) + " malformed " +
           std::to_string(c.malformed) + " send_failures " + std::to_string(c.send_failures) +
           " memory_failures " + std::to_string(c.memory_failures) + "\nserial tail:\n" + serial;
  }
  static uint64_t HeldPages(DynmemVm& vm) {
    auto s = vm.workload().LastStatus();
    return s ? s->held_pages : 0;
  }
  bool skipped_ = false;
};

#define BOOT(var, opts)                                                                  \
  auto var = this->Boot(opts);                                                          \
  if (this->skipped_) GTEST_SKIP() << shim::ToString(TypeParam::kKind) << " unavailable"; \
  ASSERT_NE(var, nullptr)

using Backends = ::testing::Types<Tcg, Kvm>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::string(shim::ToString(T::kKind));
  }
};
TYPED_TEST_SUITE(DynmemTest, Backends, BackendNames);

TYPED_TEST(DynmemTest, GuestNegotiatesAndReportsPressure) {
  DynmemVmOptions o;
  o.command_line = "wl=alloc,32";
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  ASSERT_TRUE(vm->WaitFor([&] { return vm->dm().Status().status_reports >= 2; }, absl::Seconds(30)));
  const DmVspStatus st = vm->dm().Status();
  EXPECT_EQ(st.protocol_version, DYNMEM_PROTOCOL_VERSION_3);
  EXPECT_TRUE(st.balloon_capable);
  EXPECT_TRUE(st.hot_add_capable);
  EXPECT_EQ(st.hot_add_alignment_pages, 128 * kPagesPerMiB);
  // Committed = workload (32 MiB) + kernel; pressure = committed / assigned.
  EXPECT_GE(st.guest_committed_pages, 32 * kPagesPerMiB);
  EXPECT_LT(st.guest_committed_pages, 64 * kPagesPerMiB);
  EXPECT_EQ(st.pressure_current, st.guest_committed_pages * 100 / st.assigned_pages);
  EXPECT_GT(st.pressure_current, 10u);
  EXPECT_GT(st.guest_available_pages, 128 * kPagesPerMiB);
  EXPECT_TRUE(vm->WaitFor(
      [&] { return vm->heartbeat().Status().state == HeartbeatState::kOk; }, absl::Seconds(30)));
  EXPECT_NE(vm->serial().find("dm: active"), std::string::npos) << vm->serial();
  EXPECT_EQ(vm->dm().counters().malformed + vm->dm().counters().unexpected, 0u);
}

TYPED_TEST(DynmemTest, BalloonReleasesHostMemoryAndUnballoonRestoresIt) {
  DynmemVmOptions o;
  o.startup_mib = 256;
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  // Make 96 MiB resident on the host, then free it inside the guest: the
  // host cannot know; only the balloon gives it back.
  ASSERT_TRUE(vm->RunWorkload("alloc 96", absl::Seconds(30)));
  ASSERT_EQ(this->HeldPages(*vm), 96 * kPagesPerMiB);
  ASSERT_TRUE(vm->RunWorkload("free 96", absl::Seconds(30)));
  const uint64_t resident_before = vm->partition().ResidentBytes();
  ASSERT_GE(resident_before, 96 * kMiB);

  ASSERT_TRUE(vm->dm().SetTargetMib(256 - 64).ok());
  ASSERT_TRUE(vm->WaitFor(
      [&] {
        auto s = vm->dm().Status();
        return s.ballooned_pages >= 64 * kPagesPerMiB && s.outstanding == DmTransaction::kNone;
      },
      absl::Seconds(60)))
      << vm->serial();
  const uint64_t resident_ballooned = vm->partition().ResidentBytes();
  EXPECT_GE(resident_before - resident_ballooned, 60 * kMiB)
      << "before " << resident_before << " after " << resident_ballooned;
  auto st = vm->dm().Status();
  EXPECT_EQ(st.assigned_pages, (256 - 64) * kPagesPerMiB);
  EXPECT_EQ(st.visible_pages, 256 * kPagesPerMiB);
  EXPECT_EQ(st.removed_pages_total, 64 * kPagesPerMiB);
  EXPECT_GE(st.remove_operations, 1u);
  EXPECT_EQ(vm->memory().unmapped_bytes(), 64 * kMiB);

  // Unballoon: the pages come back and the guest can use them again.
  ASSERT_TRUE(vm->dm().SetTargetMib(256).ok());
  ASSERT_TRUE(vm->WaitFor(
      [&] {
        auto s = vm->dm().Status();
        return s.ballooned_pages == 0 && s.add_operations >= 1;
      },
      absl::Seconds(60)))
      << this->Diagnose(*vm);
  EXPECT_EQ(vm->memory().unmapped_bytes(), 0u);
  EXPECT_EQ(vm->dm().Status().assigned_pages, 256 * kPagesPerMiB);
  ASSERT_TRUE(vm->RunWorkload("alloc 200", absl::Seconds(30)));
  ASSERT_TRUE(vm->WaitFor([&] { return this->HeldPages(*vm) == 200 * kPagesPerMiB; },
                          absl::Seconds(10)));
  const uint64_t resident_restored = vm->partition().ResidentBytes();
  EXPECT_GE(resident_restored, resident_ballooned + 60 * kMiB)
      << "ballooned " << resident_ballooned << " restored " << resident_restored;
  EXPECT_EQ(vm->dm().counters().bad_ranges, 0u);
  std::printf("resident MiB: before balloon %.1f, ballooned %.1f, after unballoon+alloc %.1f\n",
              resident_before / double(kMiB), resident_ballooned / double(kMiB),
              resident_restored / double(kMiB));
  ::testing::Test::RecordProperty("resident_drop_mib",
                                  std::to_string((resident_before - resident_ballooned) / kMiB));
}

TYPED_TEST(DynmemTest, HotAddGrowsVisibleMemoryAndWorkloadUsesIt) {
  DynmemVmOptions o;
  o.startup_mib = 256;
  o.maximum_mib = 768;
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  ASSERT_TRUE(vm->dm().SetTargetMib(256 + 256).ok());
  ASSERT_TRUE(vm->WaitFor(
      [&] { return vm->dm().Status().visible_pages == 512 * kPagesPerMiB; }, absl::Seconds(60)))
      << vm->serial();
  const DmVspStatus st = vm->dm().Status();
  EXPECT_EQ(st.added_pages_total, 256 * kPagesPerMiB);
  EXPECT_EQ(st.add_operations, 1u);
  // The guest sees it: 400 MiB cannot fit the 256 MiB it booted with.
  ASSERT_TRUE(vm->RunWorkload("alloc 400", absl::Seconds(60)));
  ASSERT_TRUE(vm->WaitFor([&] { return this->HeldPages(*vm) == 400 * kPagesPerMiB; },
                          absl::Seconds(30)))
      << vm->serial();
  auto ws = vm->workload().LastStatus();
  ASSERT_TRUE(ws.has_value());
  EXPECT_GE(ws->total_pages, 500 * kPagesPerMiB);
  EXPECT_GT(ws->high_pfn, 256 * kPagesPerMiB) << "uses pages above the boot memory";
  EXPECT_GE(ws->progress, 400 * kPagesPerMiB);
  EXPECT_GE(vm->partition().ResidentBytes(), 390 * kMiB);
  EXPECT_TRUE(vm->WaitFor(
      [&] { return vm->serial().find("(24-byte request)") != std::string::npos; },
      absl::Seconds(10)))
      << vm->serial();
}

TYPED_TEST(DynmemTest, GatedGuestWithoutDmVscStaysStatic) {
  DynmemVmOptions o;
  o.startup_mib = 256;
  o.command_line = "dm=off";
  BOOT(vm, o);
  ASSERT_TRUE(vm->WaitFor([&] { return vm->workload().open(); }, absl::Seconds(60)))
      << vm->serial();
  ASSERT_TRUE(vm->WaitFor([&] { return vm->workload().LastStatus().has_value(); },
                          absl::Seconds(30)));
  const uint64_t boot_total = vm->workload().LastStatus()->total_pages;
  EXPECT_LE(boot_total, 256 * kPagesPerMiB);
  EXPECT_GE(boot_total, 255 * kPagesPerMiB);
  ASSERT_TRUE(vm->dm().SetTargetMib(128).ok());
  ASSERT_TRUE(vm->RunWorkload("alloc 16", absl::Seconds(30)));
  absl::SleepFor(absl::Seconds(2));
  const DmVspStatus st = vm->dm().Status();
  EXPECT_EQ(st.state, DmState::kNotActive);
  EXPECT_EQ(DmStateToString(st.state), "Dynamic Memory not active");
  EXPECT_EQ(st.visible_pages, 256 * kPagesPerMiB);
  EXPECT_EQ(st.assigned_pages, 256 * kPagesPerMiB);
  EXPECT_EQ(vm->dm().counters().balloon_requests, 0u);
  EXPECT_EQ(vm->workload().LastStatus()->total_pages, boot_total);
  EXPECT_EQ(vm->workload().LastStatus()->ballooned_pages, 0u);
  EXPECT_NE(vm->serial().find("dm: VSC disabled"), std::string::npos);
}

TYPED_TEST(DynmemTest, EveryVersionRefusedMeansStatic) {
  DynmemVmOptions o;
  o.dm_versions = {};
  BOOT(vm, o);
  ASSERT_TRUE(vm->WaitFor([&] { return vm->workload().open(); }, absl::Seconds(60)))
      << vm->serial();
  EXPECT_EQ(vm->dm().Status().state, DmState::kNotActive);
  EXPECT_EQ(vm->dm().counters().versions_refused, 3u);
  ASSERT_TRUE(vm->dm().SetTargetMib(128).ok());
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(vm->dm().Status().ballooned_pages, 0u);
  EXPECT_NE(vm->serial().find("dm: not active"), std::string::npos) << vm->serial();
}

TYPED_TEST(DynmemTest, HotAdd16ByteFormIsOnlinedToo) {
  DynmemVmOptions o;
  o.startup_mib = 128;
  o.maximum_mib = 512;
  o.hot_add_with_region = false;
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  ASSERT_TRUE(vm->dm().SetTargetMib(256).ok());
  ASSERT_TRUE(vm->WaitFor(
      [&] { return vm->dm().Status().visible_pages == 256 * kPagesPerMiB; }, absl::Seconds(60)))
      << vm->serial();
  // The guest prints after it has answered: wait for the line.
  EXPECT_TRUE(vm->WaitFor(
      [&] { return vm->serial().find("(16-byte request)") != std::string::npos; },
      absl::Seconds(10)))
      << vm->serial();
  ASSERT_TRUE(vm->RunWorkload("alloc 200", absl::Seconds(60)));
  ASSERT_TRUE(vm->WaitFor([&] { return this->HeldPages(*vm) == 200 * kPagesPerMiB; },
                          absl::Seconds(30)));
  EXPECT_GT(vm->workload().LastStatus()->high_pfn, 128 * kPagesPerMiB);
}

TYPED_TEST(DynmemTest, GuestThatNeverAnswersIsMarkedUnresponsive) {
  DynmemVmOptions o;
  o.command_line = "dmquirk=hibernate";
  o.transaction_timeout = absl::Seconds(2);
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  ASSERT_TRUE(vm->dm().SetTargetMib(256 - 32).ok());
  ASSERT_TRUE(vm->WaitFor(
      [&] { return vm->dm().Status().state == DmState::kUnresponsive; }, absl::Seconds(30)));
  EXPECT_EQ(vm->dm().counters().timeouts, 1u);
  EXPECT_EQ(vm->dm().Status().ballooned_pages, 0u);
  EXPECT_EQ(vm->memory().unmapped_bytes(), 0u);
  // Still reporting: pressure keeps flowing although requests stopped.
  const uint64_t reports = vm->dm().Status().status_reports;
  EXPECT_TRUE(vm->WaitFor([&] { return vm->dm().Status().status_reports > reports; },
                          absl::Seconds(10)));
}

TYPED_TEST(DynmemTest, WorkloadPatternsFollowTheirScript) {
  DynmemVmOptions o;
  o.command_line = "hb=off";
  BOOT(vm, o);
  ASSERT_TRUE(this->WaitActive(*vm)) << vm->serial();
  ASSERT_TRUE(vm->RunWorkload("ramp 0 48 16 100", absl::Seconds(30)));
  ASSERT_TRUE(vm->WaitFor([&] { return this->HeldPages(*vm) == 48 * kPagesPerMiB; },
                          absl::Seconds(30)));
  const uint64_t progress0 = vm->workload().LastStatus()->progress;
  ASSERT_TRUE(vm->RunWorkload("walk 7 16 64 8", absl::Seconds(30)));
  uint64_t low = ~0ull, high = 0;
  ASSERT_TRUE(vm->WaitFor(
      [&] {
        const uint64_t held = this->HeldPages(*vm);
        low = std::min(low, held);
        high = std::max(high, held);
        return high > low;
      },
      absl::Seconds(30)));
  EXPECT_GE(low, 16 * kPagesPerMiB);
  EXPECT_LE(high, 64 * kPagesPerMiB);
  EXPECT_TRUE(vm->WaitFor([&] { return vm->workload().LastStatus()->progress > progress0; },
                          absl::Seconds(30)))
      << "a walk that grows touches new pages";
  ASSERT_TRUE(vm->RunWorkload("spike 8 24 300", absl::Seconds(30)));
  bool saw_base = false, saw_peak = false;
  ASSERT_TRUE(vm->WaitFor(
      [&] {
        const uint64_t held = this->HeldPages(*vm);
        saw_base |= held == 8 * kPagesPerMiB;
        saw_peak |= held == 24 * kPagesPerMiB;
        return saw_base && saw_peak;
      },
      absl::Seconds(30)));
  ASSERT_TRUE(vm->RunWorkload("hold", absl::Seconds(30)));
  EXPECT_EQ(vm->heartbeat().Status().state, HeartbeatState::kNoContact) << "hb=off";
}

}  // namespace
}  // namespace hv::worker::testing
