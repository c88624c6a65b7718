#include "counters/process_metrics.h"

#include <algorithm>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "counters/absl_view.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace hv::counters {
namespace {

bool IsLabelValue(std::string_view s, size_t max, bool allow_upper_and_dash) {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           (allow_upper_and_dash && ((c >= 'A' && c <= 'Z') || c == '-'));
  });
}

bool IsMethodName(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f && c != '"'; });
}

prometheus::Histogram::BucketBoundaries Buckets(absl::Span<const double> b) {
  return prometheus::Histogram::BucketBoundaries(b.begin(), b.end());
}

double Seconds(absl::Duration d) { return std::max(0.0, absl::ToDoubleSeconds(d)); }

}  // namespace

std::string_view ToString(JobResult result) {
  switch (result) {
    case JobResult::kCompleted:
      return "completed";
    case JobResult::kTerminated:
      return "terminated";
    case JobResult::kKilled:
      return "killed";
    case JobResult::kException:
      return "exception";
  }
  return "unknown";
}

struct ProcessMetrics::Impl {
  Impl()
      : registry(std::make_shared<prometheus::Registry>()),
        vms(prometheus::BuildGauge()
                .Name("vmms_vms")
                .Help("Virtual machines known to vmms, by state.")
                .Register(*registry)),
        jobs_running(prometheus::BuildGauge()
                         .Name("vmms_jobs_running")
                         .Help("Jobs started and not yet finished.")
                         .Register(*registry)
                         .Add({})),
        jobs(prometheus::BuildCounter()
                 .Name("vmms_jobs_total")
                 .Help("Finished jobs, by their final CIM JobState.")
                 .Register(*registry)),
        balancer_rounds(prometheus::BuildCounter()
                            .Name("vmms_balancer_rounds_total")
                            .Help("Dynamic Memory balancer rounds run.")
                            .Register(*registry)
                            .Add({})),
        balancer_round_duration(prometheus::BuildHistogram()
                                    .Name("vmms_balancer_round_duration_seconds")
                                    .Help("Time one balancer round took.")
                                    .Register(*registry)
                                    .Add({}, Buckets(kBalancerRoundBuckets))),
        worker_restarts(prometheus::BuildCounter()
                            .Name("vmms_worker_restarts_total")
                            .Help("Worker (vmwp) processes restarted after they died.")
                            .Register(*registry)
                            .Add({})),
        misbehaviour(prometheus::BuildCounter()
                         .Name("vmms_guest_misbehaviour_events_total")
                         .Help("Guest protocol violations caught, by device and kind.")
                         .Register(*registry)),
        grpc_requests(prometheus::BuildCounter()
                          .Name("vmms_grpc_requests_total")
                          .Help("gRPC calls finished, by method and status code.")
                          .Register(*registry)),
        grpc_duration(prometheus::BuildHistogram()
                          .Name("vmms_grpc_request_duration_seconds")
                          .Help("Time from receiving a gRPC call to its status, by method.")
                          .Register(*registry)) {
    // Every result series exists from the start, so rate() sees the first job.
    for (JobResult r : kAllJobResults) jobs.Add({{"result", std::string(ToString(r))}});
  }

  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Gauge>& vms;
  prometheus::Gauge& jobs_running;
  prometheus::Family<prometheus::Counter>& jobs;
  prometheus::Counter& balancer_rounds;
  prometheus::Histogram& balancer_round_duration;
  prometheus::Counter& worker_restarts;
  prometheus::Family<prometheus::Counter>& misbehaviour;
  prometheus::Family<prometheus::Counter>& grpc_requests;
  prometheus::Family<prometheus::Histogram>& grpc_duration;

  absl::Mutex states_mu;
  // Gauges of every state ever reported, by state name.
  absl::flat_hash_map<std::string, prometheus::Gauge*> states ABSL_GUARDED_BY(states_mu);
};

ProcessMetrics::ProcessMetrics() : impl_(std::make_unique<Impl>()) {}
ProcessMetrics::~ProcessMetrics() = default;

absl::Status ProcessMetrics::SetVmsByState(absl::Span<const VmStateCount> counts) {
  for (const VmStateCount& c : counts) {
    if (!IsLabelValue(c.state, 32, /*allow_upper_and_dash=*/true)) {
      return absl::InvalidArgumentError(
          absl::StrCat("vm state '", AbslView(c.state), "': not a valid state label"));
    }
    if (c.count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("vm state '", AbslView(c.state), "': negative count ", c.count));
    }
  }
  absl::MutexLock lock(&impl_->states_mu);
  for (auto& [name, gauge] : impl_->states) gauge->Set(0);
  for (const VmStateCount& c : counts) {
    prometheus::Gauge*& gauge = impl_->states[std::string(c.state)];
    if (gauge == nullptr) gauge = &impl_->vms.Add({{"state", std::string(c.state)}});
    gauge->Set(static_cast<double>(c.count));
  }
  return absl::OkStatus();
}

void ProcessMetrics::SetJobsRunning(int64_t running) {
  impl_->jobs_running.Set(static_cast<double>(std::max<int64_t>(running, 0)));
}

void ProcessMetrics::RecordJobFinished(JobResult result) {
  impl_->jobs.Add({{"result", std::string(ToString(result))}}).Increment();
}

void ProcessMetrics::RecordBalancerRound(absl::Duration duration) {
  impl_->balancer_rounds.Increment();
  impl_->balancer_round_duration.Observe(Seconds(duration));
}

void ProcessMetrics::RecordWorkerRestart() { impl_->worker_restarts.Increment(); }

absl::Status ProcessMetrics::RecordGuestMisbehaviour(std::string_view device,
                                                     std::string_view kind) {
  if (!IsLabelValue(device, 32, false) || !IsLabelValue(kind, 32, false)) {
    return absl::InvalidArgumentError(absl::StrCat("guest misbehaviour '", AbslView(device), "/",
                                                   AbslView(kind),
                                                   "': not a valid device/kind label"));
  }
  impl_->misbehaviour.Add({{"device", std::string(device)}, {"kind", std::string(kind)}})
      .Increment();
  return absl::OkStatus();
}

absl::Status ProcessMetrics::RecordGrpcRequest(std::string_view method, absl::StatusCode code,
                                               absl::Duration latency) {
  if (!IsMethodName(method)) {
    return absl::InvalidArgumentError(absl::StrCat("grpc method '", AbslView(method.substr(0, 64)),
                                                   "': not a valid method label"));
  }
  const std::string m(method);
  impl_->grpc_requests.Add({{"method", m}, {"code", absl::StatusCodeToString(code)}}).Increment();
  impl_->grpc_duration.Add({{"method", m}}, Buckets(kGrpcLatencyBuckets)).Observe(Seconds(latency));
  return absl::OkStatus();
}

std::string ProcessMetrics::ExpositionText() const {
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

std::shared_ptr<prometheus::Registry> ProcessMetrics::registry() const { return impl_->registry; }

}  // namespace hv::counters
