// balancer_sim: trace-driven comparison of memory policies with no guests.
//
//   balancer_sim [--vms=50] [--seconds=3600] [--seed=1] [--budget-percent=70]
//
// For each trace family it runs every policy twice: unconstrained (how much
// host memory each needs: the density gain over static allocation) and on a
// host whose budget is --budget-percent of the right-sized static allocation
// (pressure, reaction and oscillation under contention). Prints markdown.
// Exit status 1 if any policy ever assigned more than the budget.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/balancer/policies.h"
#include "tests/bench/balancer/simulator.h"
#include "tests/bench/balancer/traces.h"

namespace hv::bench {
namespace {

struct Args {
  int vms = 50, seconds = 3600;
  uint64_t seed = 1;
  int budget_percent = 70;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--vms=", 6)) a.vms = std::atoi(argv[i] + 6);
    else if (!std::strncmp(argv[i], "--seconds=", 10)) a.seconds = std::atoi(argv[i] + 10);
    else if (!std::strncmp(argv[i], "--seed=", 7)) a.seed = std::strtoull(argv[i] + 7, nullptr, 0);
    else if (!std::strncmp(argv[i], "--budget-percent=", 17)) a.budget_percent = std::atoi(argv[i] + 17);
    else { std::fprintf(stderr, "balancer_sim: unknown argument '%s'\n", argv[i]); std::exit(2); }
  }
  if (a.vms <= 0 || a.seconds <= 10 || a.budget_percent <= 0) {
    std::fprintf(stderr, "balancer_sim: --vms, --seconds (>10) and --budget-percent must be positive\n");
    std::exit(2);
  }
  return a;
}

struct Entry {
  const char* name;
  Policy* (*make)();
};

const Entry kPolicies[] = {
    {"vmms (Hyper-V DM)", [] { return MakeHyperVDm().release(); }},
    {"oVirt MOM balloon", [] { return MakeMomBalloon().release(); }},
    {"Proxmox autoballoon", [] { return MakeProxmoxAutoballoon().release(); }},
    {"oracle (instant ideal)", [] { return MakeOracle().release(); }},
};

int RunFamily(TraceFamily family, const Args& a) {
  Trace trace = MakeTrace(family, a.vms, a.seconds, a.seed);
  uint64_t rightsized = StaticRightSizedMib(trace, DefaultVms(a.vms));
  SimOptions constrained;
  constrained.budget_mib = rightsized * a.budget_percent / 100;
  std::printf("\n### %s: %d VMs, %d s; static right-sized allocation %llu MiB; "
              "constrained host budget %llu MiB (%d %%)\n\n", ToString(family), a.vms, a.seconds,
              (unsigned long long)rightsized, (unsigned long long)constrained.budget_mib,
              a.budget_percent);
  std::printf("| policy | host MiB needed (pressure>100 <= 0.1%% of VM-s) | density gain vs static |"
              " constrained: VM-s pressure>100 | spikes | reaction p50 / p99 s |"
              " oscillations / VM-h |\n|---|---|---|---|---|---|---|\n");
  int violations = 0;
  const double vm_hours = a.vms * a.seconds / 3600.0;
  for (const Entry& e : kPolicies) {
    uint64_t needed = MemoryNeededMib(trace, e.make, 0.001);
    std::unique_ptr<Policy> policy(e.make());
    SimResult tight = Simulate(trace, *policy, constrained);
    violations += tight.budget_violations > 0;
    char reaction[64] = "n/a";
    if (!tight.reaction_s.empty()) {
      std::snprintf(reaction, sizeof(reaction), "%.0f / %.0f", Percentile(tight.reaction_s, 50),
                    Percentile(tight.reaction_s, 99));
    }
    char needed_text[64] = "never (pressure even at sum of maximums)", gain[32] = "-";
    if (needed > 0) {
      std::snprintf(needed_text, sizeof(needed_text), "%llu", (unsigned long long)needed);
      std::snprintf(gain, sizeof(gain), "%.2fx", double(rightsized) / double(needed));
    }
    std::printf("| %s | %s | %s | %llu | %zu | %s | %.2f |\n", e.name, needed_text, gain,
                (unsigned long long)tight.vm_seconds_over_100, tight.reaction_s.size(), reaction,
                tight.oscillations / vm_hours);
  }
  return violations;
}

}  // namespace
}  // namespace hv::bench

int main(int argc, char** argv) {
  hv::bench::Args a = hv::bench::Parse(argc, argv);
  int violations = 0;
  for (auto f : {hv::bench::TraceFamily::kDiurnal, hv::bench::TraceFamily::kBurstySpikes,
                 hv::bench::TraceFamily::kRamp}) {
    violations += hv::bench::RunFamily(f, a);
  }
  if (violations) {
    std::printf("\nFAIL: a policy assigned more than the host budget\n");
    return 1;
  }
  return 0;
}
