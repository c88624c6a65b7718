// vmwp benchmarks (issue 6), with real processes:
//  1. Idle worker overhead as PSS: N workers run the reference guest at once
//     (so shared library pages are split N ways); per worker,
//     overhead = PSS (/proc/<pid>/smaps_rollup) - guest RAM resident (the
//     worker's own mincore figure from WatchStatus). Goal: <= 5 MiB
//     (Firecracker's published VMM bar, peers.md).
//  2. Exec-to-first-DM-status latency (vmms's view): fork+exec of vmwp ->
//     first StatusReport with dm_state ACTIVE on WatchStatus; p50 / p99.
//     Baseline in the same run: fork+exec+exit of /bin/true.
//
//   worker_overhead_bench [--workers=10] [--runs=20] [--backend=tcg]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "tests/integration/vmwp/vmwp_process.h"
#include "worker/host_accounting.h"

namespace pb = ::hv::worker::v1;
using hv::worker::testing::DmGuestConfig;
using hv::worker::testing::ScratchDir;
using hv::worker::testing::VmwpProcess;

namespace {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

bool DmActive(const pb::StatusReport& r) { return r.dm_state() == pb::DM_STATE_ACTIVE; }

pb::WorkerConfig Config(const ScratchDir& dir, const std::string& name, const std::string& backend) {
  pb::WorkerConfig c = DmGuestConfig(dir.path(), name);
  c.set_backend(backend);
  c.mutable_memory()->set_startup_mib(128);
  c.mutable_memory()->set_minimum_mib(64);
  c.mutable_memory()->set_maximum_mib(512);
  return c;
}

int OverheadPhase(int workers, const std::string& backend) {
  ScratchDir dir;
  std::vector<std::unique_ptr<VmwpProcess>> vms;
  for (int i = 0; i < workers; ++i) {
    auto p = VmwpProcess::Spawn(Config(dir, "idle" + std::to_string(i), backend));
    if (!p.ok() || !(*p)->WaitReady(absl::Seconds(60)).ok()) {
      std::fprintf(stderr, "worker %d did not start\n", i);
      return 1;
    }
    vms.push_back(std::move(*p));
  }
  for (auto& vm : vms) {
    if (!vm->WaitStatus(DmActive, absl::Seconds(60)).has_value()) {
      std::fprintf(stderr, "worker %d: DM never active\n", vm->pid());
      return 1;
    }
  }
  absl::SleepFor(absl::Seconds(3));  // idle: boot done, heartbeats/status reports only
  std::vector<double> overhead_mib, pss_mib, guest_mib, rss_overhead_mib;
  for (auto& vm : vms) {
    auto r = vm->WaitStatus([](const pb::StatusReport&) { return true; }, absl::Seconds(10));
    absl::StatusOr<uint64_t> pss = hv::worker::ProcessPssBytes(vm->pid());
    if (!r.has_value() || !pss.ok()) return 1;
    const double guest = r->guest_resident_bytes() / 1048576.0;
    pss_mib.push_back(*pss / 1048576.0);
    guest_mib.push_back(guest);
    overhead_mib.push_back(*pss / 1048576.0 - guest);
    rss_overhead_mib.push_back(r->worker_overhead_bytes() / 1048576.0);
  }
  std::printf("idle workers: %d (%s), guest 128 MiB startup, DM active\n", workers, backend.c_str());
  std::printf("  PSS per worker            p50 %.2f MiB  max %.2f MiB\n", Percentile(pss_mib, 50),
              Percentile(pss_mib, 100));
  std::printf("  guest resident (mincore)  p50 %.2f MiB  max %.2f MiB\n", Percentile(guest_mib, 50),
              Percentile(guest_mib, 100));
  const double p50 = Percentile(overhead_mib, 50);
  std::printf("  overhead = PSS - guest    p50 %.2f MiB  max %.2f MiB  (goal <= 5 MiB: ratio %.2f)\n",
              p50, Percentile(overhead_mib, 100), p50 / 5.0);
  std::printf("  overhead = RSS - guest    p50 %.2f MiB  (shared pages counted fully)\n",
              Percentile(rss_overhead_mib, 50));
  for (auto& vm : vms) kill(vm->pid(), SIGTERM);
  for (auto& vm : vms) vm->WaitExit();
  return 0;
}

double MsSince(absl::Time t) { return absl::ToDoubleMilliseconds(absl::Now() - t); }

int LatencyPhase(int runs, const std::string& backend) {
  ScratchDir dir;
  std::vector<double> baseline, ready, first_status, dm_active;
  for (int i = 0; i < runs; ++i) {
    absl::Time t0 = absl::Now();
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/true", "true", nullptr);
      _exit(127);
    }
    waitpid(p, nullptr, 0);
    baseline.push_back(MsSince(t0));
  }
  for (int i = 0; i < runs; ++i) {
    const absl::Time t0 = absl::Now();
    auto vm = VmwpProcess::Spawn(Config(dir, "lat" + std::to_string(i), backend));
    if (!vm.ok() || !(*vm)->WaitReady(absl::Seconds(60)).ok()) return 1;
    ready.push_back(MsSince(t0));
    grpc::ClientContext ctx;
    auto reader = (*vm)->stub().WatchStatus(&ctx, pb::WatchStatusRequest());  // every change
    pb::StatusReport r;
    bool first = true;
    while (reader->Read(&r)) {
      if (first) first_status.push_back(MsSince(t0)), first = false;
      if (DmActive(r)) break;
    }
    if (!DmActive(r)) return 1;
    dm_active.push_back(MsSince(t0));
    ctx.TryCancel();
    reader->Finish().ok();
    kill((*vm)->pid(), SIGTERM);
    (*vm)->WaitExit();
  }
  auto line = [](const char* what, const std::vector<double>& v) {
    std::printf("  %-34s p50 %8.2f ms  p99 %8.2f ms\n", what, Percentile(v, 50), Percentile(v, 99));
  };
  std::printf("exec-to-first-DM-status latency, %d runs (%s):\n", runs, backend.c_str());
  line("baseline: fork+exec+exit /bin/true", baseline);
  line("spawn -> control socket answers", ready);
  line("spawn -> first StatusReport", first_status);
  line("spawn -> first StatusReport DM active", dm_active);
  std::printf("  ratio DM-active p50 / baseline p50: %.1fx\n",
              Percentile(dm_active, 50) / std::max(Percentile(baseline, 50), 1e-3));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int workers = 10, runs = 20;
  std::string backend = "tcg";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (absl::StartsWith(a, "--workers=")) (void)absl::SimpleAtoi(a.substr(10), &workers);
    else if (absl::StartsWith(a, "--runs=")) (void)absl::SimpleAtoi(a.substr(7), &runs);
    else if (absl::StartsWith(a, "--backend=")) backend = a.substr(10);
    else {
      std::fprintf(stderr, "usage: %s [--workers=10] [--runs=20] [--backend=tcg]\n", argv[0]);
      return 2;
    }
  }
  if (int rc = OverheadPhase(workers, backend); rc != 0) return rc;
  return LatencyPhase(runs, backend);
}
