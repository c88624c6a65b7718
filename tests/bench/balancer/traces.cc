#include "tests/bench/balancer/traces.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace hv::bench {
namespace {

constexpr double kPi = 3.14159265358979323846;

uint64_t Clamp(double mib) { return static_cast<uint64_t>(std::clamp(mib, 64.0, 7000.0)); }

void Diurnal(Trace& t, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 15);
  for (auto& vm : t) {
    double base = 700 + 900 * u(rng), amp = 300 + 1200 * u(rng), phase = 2 * kPi * u(rng);
    for (size_t s = 0; s < vm.size(); ++s) {
      vm[s] = Clamp(base + amp * (0.5 + 0.5 * std::sin(2 * kPi * s / 1200.0 + phase)) + noise(rng));
    }
  }
}

void Bursty(Trace& t, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 10);
  for (auto& vm : t) {
    double base = 500 + 500 * u(rng);
    for (size_t s = 0; s < vm.size(); ++s) vm[s] = Clamp(base + noise(rng));
    for (size_t s = 0; s < vm.size(); s += 1) {
      if (u(rng) < 1.0 / 240) {  // a spike every ~4 min per VM
        double peak = 512 + 2048 * u(rng);
        size_t len = 5 + static_cast<size_t>(55 * u(rng));
        for (size_t k = s; k < std::min(vm.size(), s + len); ++k) vm[k] = Clamp(vm[k] + peak);
        s += len;
      }
    }
  }
}

void Ramp(Trace& t, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < t.size(); ++i) {
    auto& vm = t[i];
    double low = 400 + 300 * u(rng), high = 2000 + 2500 * u(rng);
    size_t start = static_cast<size_t>(u(rng) * vm.size() / 2);
    size_t up = 120 + static_cast<size_t>(240 * u(rng)), hold = 300, down = 180;
    for (size_t s = 0; s < vm.size(); ++s) {
      double v = low;
      if (s >= start && s < start + up) v = low + (high - low) * (s - start) / up;
      else if (s >= start + up && s < start + up + hold) v = high;
      else if (s >= start + up + hold && s < start + up + hold + down)
        v = high - (high - low) * (s - start - up - hold) / down;
      vm[s] = Clamp(v);
    }
  }
}

}  // namespace

const char* ToString(TraceFamily family) {
  switch (family) {
    case TraceFamily::kDiurnal: return "diurnal";
    case TraceFamily::kBurstySpikes: return "bursty-spikes";
    case TraceFamily::kRamp: return "ramp";
  }
  return "?";
}

Trace MakeTrace(TraceFamily family, int vms, int seconds, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Trace t(vms, std::vector<uint64_t>(seconds, 0));
  switch (family) {
    case TraceFamily::kDiurnal: Diurnal(t, rng); break;
    case TraceFamily::kBurstySpikes: Bursty(t, rng); break;
    case TraceFamily::kRamp: Ramp(t, rng); break;
  }
  return t;
}

}  // namespace hv::bench
