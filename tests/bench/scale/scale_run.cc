#include "tests/bench/scale/scale_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "counters/testing/loopback_http.h"
#include "tests/bench/scale/vmms_daemon.h"

namespace hv::bench::scale {

namespace pb = hv::cim::v1;

Percentiles Summarize(std::vector<double> v) {
  Percentiles p;
  p.count = v.size();
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))]; };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

namespace {

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }
double MsSince(absl::Time t) { return absl::ToDoubleMilliseconds(absl::Now() - t); }

struct Started {
  pb::ObjectPath path;
  int64_t t0_ms = 0, running_ms = 0, first_dm_ms = 0;  // absolute, ms since the epoch
};

// DefineSystem + RequestStateChange(2) -> job Completed -> first DM-active status.
absl::StatusOr<Started> StartOne(CimClient& cim, const std::string& name, const ScaleOptions& o) {
  Started s;
  s.t0_ms = NowMs();
  const absl::Time deadline = absl::Now() + o.start_timeout;
  absl::StatusOr<pb::ObjectPath> vm = cim.DefineVm(name, o.memory);
  if (!vm.ok()) return vm.status();
  s.path = *vm;
  absl::StatusOr<pb::ObjectPath> job = cim.RequestStateChange(*vm, 2);
  if (!job.ok()) return absl::Status(job.status().code(), absl::StrCat("vm '", name, "': ", job.status().message()));
  absl::StatusOr<JobInfo> done = cim.WaitJob(*job, absl::Milliseconds(10), o.start_timeout);
  if (!done.ok()) return done.status();
  if (done->job_state != 7) {
    return absl::ResourceExhaustedError(absl::StrCat("vm '", name, "': start job ended ", done->job_state,
                                                     ": ", done->error));
  }
  s.running_ms = done->changed_ms;
  while (true) {
    absl::StatusOr<VmInfo> info = cim.GetVm(*vm);
    if (!info.ok()) return info.status();
    if (info->first_dm_status_ms > 0) {
      s.first_dm_ms = info->first_dm_status_ms;
      return s;
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("vm '", name, "': no Dynamic Memory status in ",
                                                      absl::FormatDuration(o.start_timeout)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
}

absl::Status StopAndDestroy(CimClient& cim, const pb::ObjectPath& vm, const ScaleOptions& o) {
  absl::StatusOr<pb::ObjectPath> job = cim.RequestStateChange(vm, 3);
  if (!job.ok()) return job.status();
  absl::StatusOr<JobInfo> done = cim.WaitJob(*job, absl::Milliseconds(20), o.start_timeout);
  if (!done.ok()) return done.status();
  return cim.DestroyVm(vm);
}

// Starts VMs `first`..`last-1` with o.concurrency clients.
absl::Status Grow(CimClient& cim, int first, int last, const ScaleOptions& o, LevelResult& r,
                  std::vector<pb::ObjectPath>& vms) {
  std::atomic<int> next{first};
  std::mutex mu;
  std::vector<double> running, dm;
  int64_t t_begin = NowMs(), t_last_running = t_begin;
  absl::Status first_error;
  std::vector<std::thread> threads;
  for (int c = 0; c < o.concurrency; ++c) {
    threads.emplace_back([&] {
      for (int i = next++; i < last; i = next++) {
        absl::StatusOr<Started> s = StartOne(cim, absl::StrCat("scale-", i), o);
        std::lock_guard<std::mutex> lock(mu);
        if (!s.ok()) {
          if (first_error.ok()) first_error = s.status();
          next = last;  // no more starts
          continue;
        }
        vms.push_back(s->path);
        running.push_back(static_cast<double>(s->running_ms - s->t0_ms));
        dm.push_back(static_cast<double>(s->first_dm_ms - s->t0_ms));
        t_last_running = std::max(t_last_running, s->running_ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  r.batch_started = static_cast<int>(running.size());
  r.batch_seconds = (t_last_running - t_begin) / 1000.0;
  r.starts_per_second = r.batch_seconds > 0 ? r.batch_started / r.batch_seconds : 0;
  r.batch_running_ms = Summarize(running);
  r.batch_first_dm_ms = Summarize(dm);
  return first_error;
}

absl::Status Probe(CimClient& cim, int level, const ScaleOptions& o, LevelResult& r) {
  std::vector<double> running, dm;
  for (int i = 0; i < o.probe_runs; ++i) {
    absl::StatusOr<Started> s = StartOne(cim, absl::StrCat("probe-", level, "-", i), o);
    if (!s.ok()) return s.status();
    running.push_back(static_cast<double>(s->running_ms - s->t0_ms));
    dm.push_back(static_cast<double>(s->first_dm_ms - s->t0_ms));
    if (absl::Status st = StopAndDestroy(cim, s->path, o); !st.ok()) return st;
  }
  r.probe_running_ms = Summarize(running);
  r.probe_first_dm_ms = Summarize(dm);
  return absl::OkStatus();
}

// The unlabelled sample `name` from a /metrics body (-1 if absent).
double Metric(const std::string& body, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    if (!absl::ConsumePrefix(&line, name) || !absl::ConsumePrefix(&line, " ")) continue;
    double v = 0;
    if (absl::SimpleAtod(line, &v)) return v;
  }
  return -1;
}

absl::StatusOr<std::string> Scrape(int port) {
  absl::StatusOr<counters::testing::HttpResponse> r =
      counters::testing::HttpGet(port, "/metrics", absl::Seconds(30));
  if (!r.ok()) return r.status();
  if (r->status != 200) return absl::UnavailableError(absl::StrCat("/metrics: HTTP ", r->status));
  return std::move(r->body);
}

absl::Status Observe(CimClient& cim, const VmmsDaemon& d, const ScaleOptions& o, LevelResult& r) {
  absl::StatusOr<std::string> before = Scrape(d.metrics_port());
  if (!before.ok()) return before.status();
  const absl::Time t_before = absl::Now();
  std::map<std::string, double> max_age;
  const absl::Time until = absl::Now() + o.observe;
  while (absl::Now() < until) {
    const absl::Time tick = absl::Now();
    absl::StatusOr<std::vector<VmInfo>> vms = cim.EnumerateVms();
    if (!vms.ok()) return vms.status();
    const int64_t now = NowMs();  // after the answer: ages are upper bounds
    for (const VmInfo& v : *vms) {
      double& age = max_age[v.id];
      age = std::max(age, v.last_status_ms > 0 ? static_cast<double>(now - v.last_status_ms) : 1e12);
    }
    absl::SleepFor(absl::Seconds(1) - (absl::Now() - tick));
  }
  absl::StatusOr<std::string> after = Scrape(d.metrics_port());
  if (!after.ok()) return after.status();
  const double window_s = absl::ToDoubleSeconds(absl::Now() - t_before);
  for (const auto& [id, age] : max_age) {
    if (age >= 1e12) {
      ++r.vms_without_status;
      continue;
    }
    r.max_status_age_ms = std::max(r.max_status_age_ms, age);
    if (age > absl::ToDoubleMilliseconds(o.max_status_age)) ++r.vms_late;
  }
  const double rounds = Metric(*after, "vmms_balancer_rounds_total") - Metric(*before, "vmms_balancer_rounds_total");
  const double sum = Metric(*after, "vmms_balancer_round_duration_seconds_sum") -
                     Metric(*before, "vmms_balancer_round_duration_seconds_sum");
  r.balancer_period_s = rounds > 0 ? window_s / rounds : 0;
  r.balancer_round_mean_ms = rounds > 0 ? sum / rounds * 1000 : 0;
  return absl::OkStatus();
}

void MeasureMemory(const VmmsDaemon& d, const ScaleOptions& o, LevelResult& r) {
  std::vector<double> pss, guest, overhead;
  const uint64_t guest_bytes = GuestMappingBytes(o.memory.startup_mib, o.memory.maximum_mib);
  for (pid_t w : d.WorkerPids()) {
    absl::StatusOr<ProcessMemory> m = ReadProcessMemory(w, guest_bytes);
    if (!m.ok()) continue;  // exited meanwhile
    pss.push_back(m->pss_bytes / 1048576.0);
    guest.push_back(m->guest_pss_bytes / 1048576.0);
    overhead.push_back((m->pss_bytes - m->guest_pss_bytes) / 1048576.0);
  }
  r.worker_pss_mib = Summarize(pss);
  r.worker_guest_pss_mib = Summarize(guest);
  r.worker_overhead_mib = Summarize(overhead);
  absl::StatusOr<ProcessMemory> own = ReadProcessMemory(d.pid(), 0);
  r.vmms_pss_mib = own.ok() ? own->pss_bytes / 1048576.0 : 0;
  r.host_available_mib = HostMemAvailableMib();
}

absl::Status MeasureApi(CimClient& cim, const VmmsDaemon& d, const std::vector<pb::ObjectPath>& vms,
                        const ScaleOptions& o, LevelResult& r) {
  std::vector<double> health, get, enumerate, scrape;
  std::mt19937 rng(42);
  auto timed = [&](std::vector<double>& into, auto&& call) -> absl::Status {
    const absl::Time t = absl::Now();
    absl::Status s = call();
    into.push_back(absl::ToDoubleMicroseconds(absl::Now() - t));
    return s;
  };
  // Interleaved, so load or frequency drift hits both sides of each ratio.
  for (int i = 0; i < o.calls; ++i) {
    RETURN_IF_ERROR(timed(health, [&] { return cim.HealthCheck(); }));
    const pb::ObjectPath& vm = vms[rng() % vms.size()];
    RETURN_IF_ERROR(timed(get, [&] { return cim.GetVm(vm).status(); }));
  }
  for (int i = 0; i < o.enumerate_calls; ++i) {
    RETURN_IF_ERROR(timed(health, [&] { return cim.HealthCheck(); }));
    RETURN_IF_ERROR(timed(enumerate, [&] { return cim.EnumerateVms().status(); }));
  }
  for (int i = 0; i < o.scrapes; ++i) {
    const absl::Time t = absl::Now();
    absl::StatusOr<std::string> body = Scrape(d.metrics_port());
    if (!body.ok()) return body.status();
    scrape.push_back(MsSince(t));
    r.scrape_bytes = body->size();
  }
  r.health_us = Summarize(health);
  r.get_instance_us = Summarize(get);
  r.enumerate_us = Summarize(enumerate);
  r.scrape_ms = Summarize(scrape);
  return absl::OkStatus();
}

Percentiles ForkExecBaseline(int runs) {
  std::vector<double> v;
  for (int i = 0; i < runs; ++i) {
    const absl::Time t = absl::Now();
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/true", "true", nullptr);
      _exit(127);
    }
    if (p > 0) waitpid(p, nullptr, 0);
    v.push_back(MsSince(t));
  }
  return Summarize(v);
}

std::string CheckLimits(const LevelResult& r, const ScaleOptions& o) {
  if (r.vms_without_status > 0) return absl::StrCat(r.vms_without_status, " VMs had no status report at all");
  if (r.vms_late > 0) {
    return absl::StrCat(r.vms_late, " VMs went longer than ", absl::FormatDuration(o.max_status_age),
                        " without a status report (max age ", static_cast<int>(r.max_status_age_ms), " ms)");
  }
  if (r.balancer_period_s * 1000 > absl::ToDoubleMilliseconds(o.max_balancer_period) ||
      r.balancer_period_s == 0) {
    return absl::StrCat("the balancer missed its 1 s interval (mean period ", r.balancer_period_s, " s)");
  }
  if (r.host_available_mib < o.host_reserve_mib) {
    return absl::StrCat("host MemAvailable ", r.host_available_mib, " MiB < reserve ", o.host_reserve_mib, " MiB");
  }
  return "";
}

}  // namespace

std::string VmmsDaemonMissing(const std::string& binary_dir) { return VmmsDaemon::Missing(binary_dir); }

absl::StatusOr<ScaleReport> RunScale(const ScaleOptions& o) {
  auto say = [&](const std::string& s) {
    if (o.progress) o.progress(s);
  };
  ScaleReport report;
  report.fork_exec_ms = ForkExecBaseline(50);
  VmmsDaemonOptions dopt;
  dopt.binary_dir = o.binary_dir;
  dopt.budget_mib = o.budget_mib;
  absl::StatusOr<std::unique_ptr<VmmsDaemon>> d = VmmsDaemon::Start(dopt);
  if (!d.ok()) return d.status();
  report.budget_mib = (*d)->budget_mib();
  say(absl::StrCat("vmms pid ", (*d)->pid(), " grpc ", (*d)->grpc_address(), " metrics :",
                   (*d)->metrics_port(), " budget ", report.budget_mib, " MiB"));
  CimClient cim((*d)->grpc_address(), absl::Seconds(120));
  std::vector<pb::ObjectPath> vms;
  for (int level : o.levels) {
    LevelResult r;
    say(absl::StrCat("growing to ", level, " VMs"));
    absl::Status grown = Grow(cim, static_cast<int>(vms.size()), level, o, r, vms);
    r.vms = static_cast<int>(vms.size());
    if (!grown.ok()) r.limit = absl::StrCat("a start failed: ", grown.message());
    if (vms.empty()) return absl::InternalError(absl::StrCat("no VM started: ", grown.message(), "\n", (*d)->Log()));
    say(absl::StrCat(r.vms, " VMs running (", r.starts_per_second, " starts/s); probing"));
    if (absl::Status s = Probe(cim, level, o, r); !s.ok() && r.limit.empty()) {
      r.limit = absl::StrCat("a probe start failed: ", s.message());
    }
    if (absl::Status s = Observe(cim, **d, o, r); !s.ok()) return s;
    MeasureMemory(**d, o, r);
    if (absl::Status s = MeasureApi(cim, **d, vms, o, r); !s.ok()) return s;
    if (r.limit.empty()) r.limit = CheckLimits(r, o);
    say(absl::StrCat("level ", r.vms, " done", r.limit.empty() ? "" : ": limit: " + r.limit));
    report.levels.push_back(r);
    if (!r.limit.empty()) {
      report.stop_reason = r.limit;
      break;
    }
    report.max_vms_within_limits = r.vms;
  }
  say(absl::StrCat("stopping vmms (turns ", vms.size(), " VMs off)"));
  (*d)->Stop(absl::Seconds(300));
  return report;
}

}  // namespace hv::bench::scale
