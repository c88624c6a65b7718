// scale_bench (issue 10): hundreds of Dynamic Memory VMs under one vmms,
// driven only through hv.cim.v1. See scale_run.h for what it measures and
// run.sh for the full run that writes docs/scale/.
//
//   HV_BINARY_DIR=<build> scale_bench [--levels=10,100,200,300,400,500]
//       [--concurrency=4] [--probe_runs=20] [--calls=3000] [--enumerate_calls=20]
//       [--scrapes=50] [--observe_s=10] [--startup_mib=32] [--minimum_mib=32]
//       [--maximum_mib=256] [--budget_mib=0] [--markdown=FILE] [--data=FILE]
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/bench/scale/scale_run.h"

namespace {

bool Flag(const std::string& a, const char* name, std::string* value) {
  std::string prefix = std::string("--") + name + "=";
  if (!absl::StartsWith(a, prefix)) return false;
  *value = a.substr(prefix.size());
  return true;
}

bool Write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  hv::bench::scale::ScaleOptions o;
  const char* bin = std::getenv("HV_BINARY_DIR");
  o.binary_dir = bin ? bin : "";
  std::string markdown, data, v;
  int observe_s = 10;
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    std::string a = argv[i];
    if (Flag(a, "levels", &v)) {
      o.levels.clear();
      for (absl::string_view n : absl::StrSplit(v, ',')) {
        int x = 0;
        ok = ok && absl::SimpleAtoi(n, &x) && x > 0;
        o.levels.push_back(x);
      }
    } else if (Flag(a, "concurrency", &v)) ok = absl::SimpleAtoi(v, &o.concurrency) && o.concurrency > 0;
    else if (Flag(a, "probe_runs", &v)) ok = absl::SimpleAtoi(v, &o.probe_runs);
    else if (Flag(a, "calls", &v)) ok = absl::SimpleAtoi(v, &o.calls) && o.calls > 0;
    else if (Flag(a, "enumerate_calls", &v)) ok = absl::SimpleAtoi(v, &o.enumerate_calls);
    else if (Flag(a, "scrapes", &v)) ok = absl::SimpleAtoi(v, &o.scrapes);
    else if (Flag(a, "observe_s", &v)) ok = absl::SimpleAtoi(v, &observe_s) && observe_s > 0;
    else if (Flag(a, "startup_mib", &v)) ok = absl::SimpleAtoi(v, &o.memory.startup_mib);
    else if (Flag(a, "minimum_mib", &v)) ok = absl::SimpleAtoi(v, &o.memory.minimum_mib);
    else if (Flag(a, "maximum_mib", &v)) ok = absl::SimpleAtoi(v, &o.memory.maximum_mib);
    else if (Flag(a, "budget_mib", &v)) ok = absl::SimpleAtoi(v, &o.budget_mib);
    else if (Flag(a, "markdown", &v)) markdown = v;
    else if (Flag(a, "data", &v)) data = v;
    else ok = false;
  }
  if (!ok) {
    std::fprintf(stderr,
                 "usage: HV_BINARY_DIR=<build> %s [--levels=10,100,500] [--concurrency=4] [--probe_runs=20]\n"
                 "  [--calls=3000] [--enumerate_calls=20] [--scrapes=50] [--observe_s=10] [--startup_mib=32]\n"
                 "  [--minimum_mib=32] [--maximum_mib=256] [--budget_mib=0] [--markdown=FILE] [--data=FILE]\n",
                 argv[0]);
    return 2;
  }
  o.observe = absl::Seconds(observe_s);
  std::string missing = hv::bench::scale::VmmsDaemonMissing(o.binary_dir);
  if (!missing.empty()) {
    std::fprintf(stderr, "scale_bench: %s\n", missing.c_str());
    return 2;
  }
  o.progress = [](const std::string& s) {
    std::fprintf(stderr, "[%s] %s\n", absl::FormatTime("%H:%M:%S", absl::Now(), absl::UTCTimeZone()).c_str(),
                 s.c_str());
  };
  absl::StatusOr<hv::bench::scale::ScaleReport> r = hv::bench::scale::RunScale(o);
  if (!r.ok()) {
    std::fprintf(stderr, "scale_bench: %s\n", std::string(r.status().message()).c_str());
    return 1;
  }
  const std::string md = hv::bench::scale::ReportMarkdown(*r, o);
  std::printf("%s", md.c_str());
  if (!markdown.empty() && !Write(markdown, md)) return 1;
  if (!data.empty() && !Write(data, hv::bench::scale::ReportData(*r))) return 1;
  return 0;
}
