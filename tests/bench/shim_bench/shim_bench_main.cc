// shim_bench: hypervisor-shim performance, every figure as a ratio to a
// baseline measured in the same process run (tests/bench rule).
//
//   shim_bench [--scale=1.0] [--backend=tcg|kvm|all]
//
//  1. guest instructions/s (tight loop, loads, stores, page touch) vs the very
//     same instructions (guests/workloads.S) called natively;
//  2. exit round trips by type vs calling the same handler chain directly;
//  3. partition create+map 64 MiB+destroy vs mmap+munmap of 64 MiB;
//  4. host RSS added by an idle partition with 64 MiB mapped vs 64 MiB.
// Prints markdown. Best of 3 for every timing.
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/boot_loader.h"
#include "hypervisor-shim/device_bus.h"
#include "hypervisor-shim/exit_dispatcher.h"
#include "hypervisor-shim/exit_stats.h"
#include "hypervisor-shim/hypercall_dispatcher.h"

extern "C" {
void bench_tight(void* buf, uint64_t bytes, uint64_t iters);
void bench_loads(void* buf, uint64_t bytes, uint64_t iters);
void bench_stores(void* buf, uint64_t bytes, uint64_t iters);
void bench_touch(void* buf, uint64_t bytes, uint64_t iters);
}

namespace hv::bench {
std::span<const uint8_t> BenchGuest(std::string_view name);
namespace {

using shim::BackendKind;
using shim::Partition;
using shim::VmExit;
using shim::ExitReason;

constexpr uint64_t kBufGpa = 16ull << 20;  // guest buffer; RAM below holds the image
constexpr uint64_t kMmioGpa = 0xD0000000;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double Best3(const std::function<void()>& fn) {
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    double t0 = Now();
    fn();
    best = std::min(best, Now() - t0);
  }
  return best;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "shim_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) Die(std::string(what) + ": " + std::string(v.status().ToString()));
  return std::move(*v);
}
void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + std::string(s.ToString()));
}

// A partition with the standard handler chain, a guest image and a buffer.
struct Vm {
  std::unique_ptr<Partition> p;
  shim::ExitStats stats;
  shim::HypercallDispatcher hypercalls;
  shim::DeviceBus io{"io"}, mmio{"mmio"};
  shim::BusDevice sink;
  shim::DeviceBusHandler buses{&io, &mmio};
  shim::CompositeExitHandler chain{{&stats, &hypercalls, &buses}};
  uint64_t buf_bytes = 0;

  Vm(shim::Backend& backend, std::string_view guest, uint64_t buf_bytes) : buf_bytes(buf_bytes) {
    shim::PartitionOptions o;
    o.max_gpa = 4ull << 30;
    p = Check(backend.CreatePartition(o), "create partition");
    Check(p->MapRam(HV_BOOT_IMAGE_GPA, kBufGpa - HV_BOOT_IMAGE_GPA), "map image RAM");
    if (buf_bytes) Check(p->MapRam(kBufGpa, buf_bytes), "map buffer");
    Check(p->RegisterMmio(kMmioGpa, 4096), "mmio");
    Check(io.Register(0x80, 1, &sink, "sink"), "io");
    Check(mmio.Register(kMmioGpa, 4096, &sink, "sink"), "mmio bus");
    shim::BootParams bp;
    bp.startup_bytes = kBufGpa;
    bp.maximum_bytes = kBufGpa;
    Check(shim::LoadGuest(*p, BenchGuest(guest), bp), "load guest");
  }
  // Runs from the entry with RDI/RSI/RDX until HLT (or the done port).
  void Run(uint64_t rdi, uint64_t rsi, uint64_t rdx) {
    shim::VcpuRegisters r = Check(p->vcpu(0).GetRegisters(), "regs");
    r.rip = HV_BOOT_IMAGE_GPA;
    r.rdi = rdi;
    r.rsi = rsi;
    r.rdx = rdx;
    Check(p->vcpu(0).SetRegisters(r), "set regs");
    for (;;) {
      VmExit e = Check(p->vcpu(0).Run(chain), "run");
      if (e.reason == ExitReason::kHlt && rsi != 4) return;
      if (e.reason == ExitReason::kIoInstruction) return;  // done port
      if (e.reason != ExitReason::kHlt) Die("unexpected exit " + e.DebugString());
    }
  }
};

void Row(const char* what, double guest, double native, const char* unit, double scale_unit) {
  std::printf("| %s | %.1f %s | %.1f %s | %.3f |\n", what, guest * scale_unit, unit,
              native * scale_unit, unit, guest / native);
}

void InstructionThroughput(shim::Backend& backend, double scale) {
  std::printf("\n### Guest instructions vs native (%s)\n\n", std::string(ToString(backend.kind())).c_str());
  std::printf("| workload | guest | native | guest/native |\n|---|---|---|---|\n");
  const uint64_t buf = 16ull << 20;
  void* host = mmap(nullptr, buf, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(host, 1, buf);
  struct W {
    const char* name;
    void (*native)(void*, uint64_t, uint64_t);
    uint64_t iters;
    double insns;  // per run
  };
  const uint64_t tight = static_cast<uint64_t>(100e6 * scale) + 1;
  const uint64_t loads = static_cast<uint64_t>(16 * scale) + 1;
  const uint64_t stores = static_cast<uint64_t>(2 * scale) + 1;
  W ws[] = {{"tight", bench_tight, tight, 4.0 * tight},
            {"loads", bench_loads, loads, 4.0 * loads * buf / 8},
            {"stores", bench_stores, stores, 4.0 * stores * buf / 8}};
  for (const W& w : ws) {
    Vm vm(backend, w.name, buf);
    vm.Run(kBufGpa, buf, 1);  // warm: translations and resident pages
    double g = Best3([&] { vm.Run(kBufGpa, buf, w.iters); });
    w.native(host, buf, 1);
    double n = Best3([&] { w.native(host, buf, w.iters); });
    Row((std::string(w.name) + " (M insn/s)").c_str(), w.insns / g, w.insns / n, "", 1e-6);
  }
  munmap(host, buf);
  // Page touch: first touch of fresh memory, one byte per 4 KiB page.
  const uint64_t touch = std::max<uint64_t>(64ull << 20, 0) * std::max(scale, 0.05);
  const uint64_t bytes = (touch + 4095) & ~4095ull;
  Vm vm(backend, "touch", bytes);
  double g = Best3([&] {
    Check(vm.p->Unmap(kBufGpa, bytes), "unmap");
    Check(vm.p->MapRam(kBufGpa, bytes), "map");
    vm.Run(kBufGpa, bytes, 1);
  });
  double n = Best3([&] {
    void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bench_touch(m, bytes, 1);
    munmap(m, bytes);
  });
  const double pages = bytes / 4096.0;
  Row("page touch, cold (ns/page, incl. unmap+map / mmap+munmap)", g / pages, n / pages, "", 1e9);
}

void KickCost(shim::Backend& backend, double scale);

void ExitCosts(shim::Backend& backend, double scale) {
  std::printf("\n### Exit round trips (%s)\n\n", std::string(ToString(backend.kind())).c_str());
  std::printf("| exit | ns per exit | direct handler call, ns | ratio |\n|---|---|---|---|\n");
  const uint64_t n = static_cast<uint64_t>(200000 * scale) + 100;
  const char* names[] = {"OUT (I/O write)", "IN (I/O read)", "CPUID 0x40000000",
                         "hypercall (unknown code)", "HLT (handler resumes)", "MMIO write"};
  for (int kind = 0; kind < 6; ++kind) {
    Vm vm(backend, "exits", 0);
    // A HLT handler that resumes, so HLT is a pure exit round trip.
    shim::ExitDispatcher resume_hlt;
    resume_hlt.SetHandler(ExitReason::kHlt, [](shim::Vcpu&, VmExit&) {
      return shim::ExitAction::kResume;
    });
    shim::ExitDispatcher done;
    done.SetHandler(ExitReason::kIoInstruction, [](shim::Vcpu&, VmExit& e) {
      return e.io.port == 0x82 ? shim::ExitAction::kReturn : shim::ExitAction::kResume;
    });
    shim::CompositeExitHandler chain({&vm.stats, &vm.hypercalls, &vm.buses, &done});
    auto run = [&] {
      shim::VcpuRegisters r = Check(vm.p->vcpu(0).GetRegisters(), "regs");
      r.rip = HV_BOOT_IMAGE_GPA;
      r.rdi = kMmioGpa;
      r.rsi = kind;
      r.rdx = n;
      Check(vm.p->vcpu(0).SetRegisters(r), "set regs");
      for (;;) {
        VmExit e = Check(vm.p->vcpu(0).Run(chain), "run");
        if (e.reason == ExitReason::kIoInstruction) return;
        if (e.reason != ExitReason::kHlt) Die("exit bench: " + e.DebugString());
      }
    };
    run();
    const uint64_t before = vm.stats.Counts().total;
    double t = Best3(run);
    const uint64_t per_run = (vm.stats.Counts().total - before) / 3;
    if (per_run < n / 2) {
      std::printf("| %s | not an exit on %s (%llu exits per %llu iterations) | | |\n", names[kind],
                  std::string(ToString(backend.kind())).c_str(),
                  static_cast<unsigned long long>(per_run), static_cast<unsigned long long>(n));
      continue;
    }
    VmExit sample;
    sample.reason = ExitReason::kIoInstruction;
    sample.io.port = 0x80;
    double direct = Best3([&] {
      for (uint64_t i = 0; i < n; ++i) chain.HandleExit(vm.p->vcpu(0), sample);
    });
    std::printf("| %s | %.0f | %.0f | %.1f |\n", names[kind], t / per_run * 1e9, direct / n * 1e9,
                (t / per_run) / (direct / n));
  }
  KickCost(backend, scale);
}

// Kick: another thread's Kick() ends Run() on a spinning guest.
void KickCost(shim::Backend& backend, double scale) {
  Vm vm(backend, "tight", 0);
  const int kicks = static_cast<int>(2000 * scale) + 20;
  double t = Best3([&] {
    for (int i = 0; i < kicks; ++i) {
      shim::VcpuRegisters r = Check(vm.p->vcpu(0).GetRegisters(), "regs");
      r.rip = HV_BOOT_IMAGE_GPA;
      r.rdx = ~0ull >> 1;
      Check(vm.p->vcpu(0).SetRegisters(r), "set regs");
      std::thread k([&] { vm.p->vcpu(0).Kick(); });
      VmExit e = Check(vm.p->vcpu(0).Run(vm.chain), "run");
      k.join();
      if (e.reason != ExitReason::kExternalInterrupt) Die("kick bench: " + e.DebugString());
    }
  });
  double spawn = Best3([&] {
    for (int i = 0; i < kicks; ++i) std::thread([] {}).join();
  });
  std::printf("| Kick from another thread -> Run returns | %.0f | thread spawn+join %.0f | %.1f |\n",
              t / kicks * 1e9, spawn / kicks * 1e9, t / spawn);
}

long RssKiB() {
  long pages = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == nullptr || fscanf(f, "%ld %ld", &pages, &resident) != 2) Die("statm");
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

void PartitionCosts(shim::Backend& backend, double scale) {
  const char* kind = ToString(backend.kind()).data();
  std::printf("\n### Partition lifecycle and footprint (%s)\n\n", kind);
  std::printf("| measure | value | baseline | ratio |\n|---|---|---|---|\n");
  const int n = static_cast<int>(20 * scale) + 3;
  const uint64_t bytes = 64ull << 20;
  double t = Best3([&] {
    for (int i = 0; i < n; ++i) {
      shim::PartitionOptions o;
      auto p = Check(backend.CreatePartition(o), "create");
      Check(p->MapRam(HV_BOOT_IMAGE_GPA, bytes), "map");
    }
  });
  double base = Best3([&] {
    for (int i = 0; i < n; ++i) {
      void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      munmap(m, bytes);
    }
  });
  std::printf("| create + map 64 MiB + destroy | %.1f us | mmap+munmap 64 MiB %.1f us | %.0f |\n",
              t / n * 1e6, base / n * 1e6, t / base);
  const long before = RssKiB();
  Vm vm(backend, "tight", bytes);
  vm.Run(kBufGpa, 0, 1);  // ran once to HLT, then idle
  const long after = RssKiB();
  std::printf("| host RSS added by an idle partition, 64 MiB mapped, 1 run | %ld KiB | mapped %llu KiB "
              "| %.3f |\n",
              after - before, static_cast<unsigned long long>(vm.p->MappedBytes() / 1024),
              (after - before) * 1024.0 / vm.p->MappedBytes());
  std::printf("| guest RAM resident (mincore) | %llu KiB | mapped %llu KiB | %.4f |\n",
              static_cast<unsigned long long>(vm.p->ResidentBytes() / 1024),
              static_cast<unsigned long long>(vm.p->MappedBytes() / 1024),
              static_cast<double>(vm.p->ResidentBytes()) / vm.p->MappedBytes());
}

}  // namespace
}  // namespace hv::bench

int main(int argc, char** argv) {
  double scale = 1.0;
  std::string which = "all";
  for (int i = 1; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--scale=", 8)) scale = std::atof(argv[i] + 8);
    else if (!std::strncmp(argv[i], "--backend=", 10)) which = argv[i] + 10;
    else hv::bench::Die(std::string("unknown argument ") + argv[i]);
  }
  if (scale <= 0) hv::bench::Die("--scale must be positive");
  std::printf("## shim_bench (scale %.2f)\n", scale);
  for (hv::shim::BackendKind kind : hv::shim::AvailableBackends()) {
    if (which != "all" && which != ToString(kind)) continue;
    auto backend = hv::bench::Check(hv::shim::CreateBackend(kind), "backend");
    hv::bench::InstructionThroughput(*backend, scale);
    hv::bench::ExitCosts(*backend, scale);
    hv::bench::PartitionCosts(*backend, scale);
  }
  return 0;
}
