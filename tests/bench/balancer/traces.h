// Demand traces for the balancer simulator: committed memory per VM per
// second, in MiB. Three families, all seeded and deterministic.
#ifndef HV_TESTS_BENCH_BALANCER_TRACES_H_
#define HV_TESTS_BENCH_BALANCER_TRACES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace hv::bench {

// trace[vm][second] = committed MiB.
using Trace = std::vector<std::vector<uint64_t>>;

enum class TraceFamily { kDiurnal, kBurstySpikes, kRamp };

const char* ToString(TraceFamily family);

// `vms` VMs over `seconds` seconds, seeded by `seed`.
//  - diurnal: a compressed day (period 1200 s) with per-VM phase and
//    amplitude, plus noise;
//  - bursty spikes: a low base with random spikes of 0.5-2.5 GiB lasting 5-60 s;
//  - ramp: staggered linear ramps up, a hold, and back down.
Trace MakeTrace(TraceFamily family, int vms, int seconds, uint64_t seed);

}  // namespace hv::bench

#endif  // HV_TESTS_BENCH_BALANCER_TRACES_H_
