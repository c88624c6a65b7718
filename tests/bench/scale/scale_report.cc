// ReportMarkdown / ReportData (declared in scale_run.h): the results table,
// the goals of issue 10 checked against the figures, and the gnuplot data.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/bench/scale/scale_run.h"

namespace hv::bench::scale {

namespace {

std::string F(double v, int digits = 1) { return absl::StrFormat("%.*f", digits, v); }
std::string P(const Percentiles& p, int digits = 1) { return F(p.p50, digits) + " / " + F(p.p99, digits); }
double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string Goal(bool met) { return met ? "met" : "**not met**"; }

std::string StartsTable(const ScaleReport& r) {
  std::string s =
      "| VMs | starts/s (batch) | batch start→Running p50 / p99 ms | batch start→first DM status p50 / p99 ms "
      "| probe start→Running p50 / p99 ms | probe start→first DM status p50 / p99 ms |\n"
      "|---:|---:|---:|---:|---:|---:|\n";
  for (const LevelResult& l : r.levels) {
    absl::StrAppend(&s, "| ", l.vms, " | ", F(l.starts_per_second), " (", l.batch_started, " in ",
                    F(l.batch_seconds), " s) | ", P(l.batch_running_ms, 0), " | ", P(l.batch_first_dm_ms, 0),
                    " | ", P(l.probe_running_ms, 0), " | ", P(l.probe_first_dm_ms, 0), " |\n");
  }
  return s;
}

std::string MemoryTable(const ScaleReport& r) {
  std::string s =
      "| VMs | worker PSS p50 / max MiB | guest RAM PSS p50 MiB | worker overhead (PSS − guest RAM) p50 / max MiB "
      "| vmms PSS MiB | host MemAvailable MiB | max status age ms | late VMs | balancer round mean ms "
      "| balancer period s |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const LevelResult& l : r.levels) {
    absl::StrAppend(&s, "| ", l.vms, " | ", F(l.worker_pss_mib.p50, 2), " / ", F(l.worker_pss_mib.max, 2), " | ",
                    F(l.worker_guest_pss_mib.p50, 2), " | ", F(l.worker_overhead_mib.p50, 2), " / ",
                    F(l.worker_overhead_mib.max, 2), " | ", F(l.vmms_pss_mib), " | ", l.host_available_mib,
                    " | ", F(l.max_status_age_ms, 0), " | ", l.vms_late + l.vms_without_status, " | ",
                    F(l.balancer_round_mean_ms, 2), " | ", F(l.balancer_period_s, 3), " |\n");
  }
  return s;
}

std::string ApiTable(const ScaleReport& r) {
  std::string s =
      "| VMs | empty unary (health) p50 / p99 µs | GetInstance p50 / p99 µs | GetInstance ÷ empty (p50) "
      "| EnumerateInstances p50 / p99 ms | Enumerate ÷ empty (p50) | /metrics scrape p50 / p99 ms | scrape bytes |\n"
      "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const LevelResult& l : r.levels) {
    absl::StrAppend(&s, "| ", l.vms, " | ", P(l.health_us, 0), " | ", P(l.get_instance_us, 0), " | ",
                    F(Ratio(l.get_instance_us.p50, l.health_us.p50), 2), "× | ", F(l.enumerate_us.p50 / 1000, 2),
                    " / ", F(l.enumerate_us.p99 / 1000, 2), " | ",
                    F(Ratio(l.enumerate_us.p50, l.health_us.p50), 1), "× | ", P(l.scrape_ms, 2), " | ",
                    l.scrape_bytes, " |\n");
  }
  return s;
}

// The goals "at 500 VMs" are judged at the 500-VM level (the largest level
// if the run did not reach 500: then they are not met); the goals without an
// N are judged at every level, by the worst.
std::string GoalsTable(const ScaleReport& r) {
  if (r.levels.empty()) return "";
  const LevelResult& first = r.levels.front();
  const LevelResult* at500 = &r.levels.back();
  for (const LevelResult& l : r.levels) {
    if (l.vms == 500) at500 = &l;
  }
  double best_rate = 0;
  const LevelResult* worst_overhead = &first;
  const LevelResult* worst_get = &first;
  for (const LevelResult& l : r.levels) {
    best_rate = std::max(best_rate, l.starts_per_second);
    if (l.worker_overhead_mib.p50 > worst_overhead->worker_overhead_mib.p50) worst_overhead = &l;
    if (Ratio(l.get_instance_us.p50, l.health_us.p50) >
        Ratio(worst_get->get_instance_us.p50, worst_get->health_us.p50)) {
      worst_get = &l;
    }
  }
  auto at = [](const LevelResult& l) { return absl::StrCat(" (at ", l.vms, " VMs)"); };
  const std::string worst = absl::StrCat(" (worst of ", r.levels.size(), " levels: at ");
  const bool reached = r.max_vms_within_limits >= 500;
  const double get_ratio = Ratio(worst_get->get_instance_us.p50, worst_get->health_us.p50);
  std::string s = "| goal | figure | verdict |\n|---|---|---|\n";
  absl::StrAppend(&s, "| ≥ 500 concurrent DM VMs, each reporting every second, balancer on its interval | ",
                  r.max_vms_within_limits, " VMs within limits", r.stop_reason.empty() ? "" : "; stopped: " + r.stop_reason,
                  " | ", Goal(reached), " |\n");
  absl::StrAppend(&s, "| start → first DM status p50 ≤ 25 ms | ", F(first.probe_first_dm_ms.p50, 0), " ms (probe at ",
                  first.vms, " VMs; ", F(Ratio(first.probe_first_dm_ms.p50, r.fork_exec_ms.p50), 0),
                  "× fork+exec) | ", Goal(first.probe_first_dm_ms.p50 <= 25), " |\n");
  absl::StrAppend(&s, "| ≥ 100 starts/s | ", F(best_rate), " starts/s (best batch) | ", Goal(best_rate >= 100), " |\n");
  absl::StrAppend(&s, "| worker overhead ≤ 5 MiB PSS | ", F(worst_overhead->worker_overhead_mib.p50, 2),
                  " MiB p50", worst, worst_overhead->vms, " VMs) | ",
                  Goal(worst_overhead->worker_overhead_mib.p50 <= 5), " |\n");
  absl::StrAppend(&s, "| balancer round at 500 VMs ≤ 5 ms | ", F(at500->balancer_round_mean_ms, 2), " ms mean",
                  at(*at500), " | ", Goal(at500->vms >= 500 && at500->balancer_round_mean_ms <= 5), " |\n");
  absl::StrAppend(&s, "| CIM GetInstance p50 ≤ 1.5× empty gRPC call | ", F(get_ratio, 2), "×", worst,
                  worst_get->vms, " VMs) | ", Goal(get_ratio <= 1.5), " |\n");
  absl::StrAppend(&s, "| scrape ≤ 20 ms at 500 VMs | ", F(at500->scrape_ms.p50, 2), " ms p50", at(*at500), " | ",
                  Goal(at500->vms >= 500 && at500->scrape_ms.p50 <= 20), " |\n");
  return s;
}

}  // namespace

std::string ReportMarkdown(const ScaleReport& r, const ScaleOptions& o) {
  std::string s;
  absl::StrAppend(&s, "Per VM: Dynamic Memory on, startup ", o.memory.startup_mib, " MiB, minimum ",
                  o.memory.minimum_mib, " MiB, maximum ", o.memory.maximum_mib,
                  " MiB, reference guest idle. vmms budget ", r.budget_mib, " MiB. Growth with ", o.concurrency,
                  " concurrent clients; ", o.probe_runs, " sequential probe starts per level; liveness watched for ",
                  absl::FormatDuration(o.observe), " per level (limit: a status at least every ",
                  absl::FormatDuration(o.max_status_age), ", balancer period ≤ ",
                  absl::FormatDuration(o.max_balancer_period), "). Baseline fork+exec+wait `/bin/true`: p50 ",
                  F(r.fork_exec_ms.p50, 2), " ms, p99 ", F(r.fork_exec_ms.p99, 2), " ms.\n\n");
  absl::StrAppend(&s, "### Goals\n\n", GoalsTable(r), "\n### Starts\n\n", StartsTable(r),
                  "\n### Memory, liveness, balancer\n\n", MemoryTable(r), "\n### API and scrape\n\n", ApiTable(r));
  return s;
}

std::string ReportData(const ScaleReport& r) {
  std::string s =
      "# vms probe_running_p50_ms probe_first_dm_p50_ms get_instance_p50_ms enumerate_p50_ms health_p50_ms "
      "scrape_p50_ms balancer_round_mean_ms worker_pss_p50_mib worker_overhead_p50_mib vmms_pss_mib "
      "starts_per_second\n";
  for (const LevelResult& l : r.levels) {
    absl::StrAppend(&s, l.vms, " ", F(l.probe_running_ms.p50, 2), " ", F(l.probe_first_dm_ms.p50, 2), " ",
                    F(l.get_instance_us.p50 / 1000, 4), " ", F(l.enumerate_us.p50 / 1000, 4), " ",
                    F(l.health_us.p50 / 1000, 4), " ", F(l.scrape_ms.p50, 3), " ", F(l.balancer_round_mean_ms, 3),
                    " ", F(l.worker_pss_mib.p50, 3), " ", F(l.worker_overhead_mib.p50, 3), " ", F(l.vmms_pss_mib, 2),
                    " ", F(l.starts_per_second, 2), "\n");
  }
  return s;
}

}  // namespace hv::bench::scale
