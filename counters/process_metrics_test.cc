#include "counters/process_metrics.h"

#include <string>

#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"

namespace hv::counters {
namespace {

using testing::HasLine;

TEST(ProcessMetrics, JobResultsAreCimJobStates) {
  EXPECT_EQ(static_cast<int>(JobResult::kCompleted), 7);
  EXPECT_EQ(static_cast<int>(JobResult::kTerminated), 8);
  EXPECT_EQ(static_cast<int>(JobResult::kKilled), 9);
  EXPECT_EQ(static_cast<int>(JobResult::kException), 10);
  for (JobResult r : kAllJobResults) EXPECT_NE(ToString(r), "unknown");
  EXPECT_EQ(ToString(JobResult::kException), "exception");
}

// Once each API has been called, every family of kProcessMetricNames is
// exported with its type, and no other vmms_ family is.
TEST(ProcessMetrics, NameTableCoversEveryFamily) {
  ProcessMetrics m;
  VmStateCount states[] = {{"Running", 1}};
  ASSERT_TRUE(m.SetVmsByState(states).ok());
  m.SetJobsRunning(1);
  m.RecordJobFinished(JobResult::kCompleted);
  m.RecordBalancerRound(absl::Milliseconds(1));
  m.RecordWorkerRestart();
  ASSERT_TRUE(m.RecordGuestMisbehaviour("dynmem", "bad_length").ok());
  ASSERT_TRUE(m.RecordGrpcRequest("/a/b", absl::StatusCode::kOk, absl::Milliseconds(1)).ok());
  const std::string text = m.ExpositionText();
  size_t families = 0;
  for (size_t pos = 0; (pos = text.find("# TYPE vmms_", pos)) != std::string::npos; ++pos) {
    ++families;
  }
  EXPECT_EQ(families, std::size(kProcessMetricNames));
  for (std::string_view name : kProcessMetricNames) {
    EXPECT_NE(text.find("# TYPE " + std::string(name) + " "), std::string::npos) << name;
    // Naming rules (peers.md §8): prefix, and counters end in _total.
    EXPECT_TRUE(name.starts_with("vmms_")) << name;
    const bool counter = text.find("# TYPE " + std::string(name) + " counter") != std::string::npos;
    EXPECT_EQ(counter, name.ends_with("_total")) << name;
  }
}

TEST(ProcessMetrics, FreshMetricsExistAtZero) {
  ProcessMetrics m;
  const std::string text = m.ExpositionText();
  for (const char* line : {
           "vmms_jobs_running 0",
           "vmms_jobs_total{result=\"completed\"} 0",
           "vmms_jobs_total{result=\"exception\"} 0",
           "vmms_balancer_rounds_total 0",
           "vmms_balancer_round_duration_seconds_count 0",
           "vmms_worker_restarts_total 0",
           "# TYPE vmms_balancer_round_duration_seconds histogram",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
  // Labelled families appear with their first series.
  EXPECT_EQ(text.find("vmms_grpc_requests_total"), std::string::npos);
}

TEST(ProcessMetrics, VmsByState) {
  ProcessMetrics m;
  VmStateCount first[] = {{"Running", 3}, {"Off", 2}};
  ASSERT_TRUE(m.SetVmsByState(first).ok());
  std::string text = m.ExpositionText();
  EXPECT_TRUE(HasLine(text, "vmms_vms{state=\"Running\"} 3")) << text;
  EXPECT_TRUE(HasLine(text, "vmms_vms{state=\"Off\"} 2")) << text;
  // A state absent from the next call drops to 0 but keeps its series.
  VmStateCount second[] = {{"Running", 4}};
  ASSERT_TRUE(m.SetVmsByState(second).ok());
  text = m.ExpositionText();
  EXPECT_TRUE(HasLine(text, "vmms_vms{state=\"Running\"} 4")) << text;
  EXPECT_TRUE(HasLine(text, "vmms_vms{state=\"Off\"} 0")) << text;
  // Bad input changes nothing.
  VmStateCount bad[] = {{"Running", 9}, {"no spaces", 1}};
  absl::Status s = m.SetVmsByState(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "vm state 'no spaces': not a valid state label");
  VmStateCount negative[] = {{"Running", -1}};
  EXPECT_EQ(m.SetVmsByState(negative).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasLine(m.ExpositionText(), "vmms_vms{state=\"Running\"} 4"));
}

TEST(ProcessMetrics, JobsBalancerWorkers) {
  ProcessMetrics m;
  m.SetJobsRunning(2);
  m.RecordJobFinished(JobResult::kCompleted);
  m.RecordJobFinished(JobResult::kCompleted);
  m.RecordJobFinished(JobResult::kKilled);
  m.RecordBalancerRound(absl::Microseconds(300));
  m.RecordBalancerRound(absl::Milliseconds(20));
  m.RecordBalancerRound(-absl::Seconds(1));  // clock step: counts as 0
  m.RecordWorkerRestart();
  const std::string text = m.ExpositionText();
  for (const char* line : {
           "vmms_jobs_running 2",
           "vmms_jobs_total{result=\"completed\"} 2",
           "vmms_jobs_total{result=\"killed\"} 1",
           "vmms_jobs_total{result=\"terminated\"} 0",
           "vmms_balancer_rounds_total 3",
           "vmms_balancer_round_duration_seconds_count 3",
           "vmms_balancer_round_duration_seconds_sum 0.0203",
           "vmms_balancer_round_duration_seconds_bucket{le=\"0.0001\"} 1",
           "vmms_balancer_round_duration_seconds_bucket{le=\"0.0005\"} 2",
           "vmms_balancer_round_duration_seconds_bucket{le=\"0.025\"} 3",
           "vmms_balancer_round_duration_seconds_bucket{le=\"+Inf\"} 3",
           "vmms_worker_restarts_total 1",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
}

TEST(ProcessMetrics, GuestMisbehaviour) {
  ProcessMetrics m;
  ASSERT_TRUE(m.RecordGuestMisbehaviour("dynmem", "bad_length").ok());
  ASSERT_TRUE(m.RecordGuestMisbehaviour("dynmem", "bad_length").ok());
  ASSERT_TRUE(m.RecordGuestMisbehaviour("vmbus", "ring_index").ok());
  EXPECT_EQ(m.RecordGuestMisbehaviour("DynMem", "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.RecordGuestMisbehaviour("dynmem", "").code(), absl::StatusCode::kInvalidArgument);
  const std::string text = m.ExpositionText();
  EXPECT_TRUE(HasLine(
      text, "vmms_guest_misbehaviour_events_total{device=\"dynmem\",kind=\"bad_length\"} 2"))
      << text;
  EXPECT_TRUE(HasLine(
      text, "vmms_guest_misbehaviour_events_total{device=\"vmbus\",kind=\"ring_index\"} 1"));
  EXPECT_EQ(text.find("DynMem"), std::string::npos);
}

TEST(ProcessMetrics, GrpcRequests) {
  ProcessMetrics m;
  const std::string method = "/hv.cim.v1.Cim/GetInstance";
  ASSERT_TRUE(m.RecordGrpcRequest(method, absl::StatusCode::kOk, absl::Milliseconds(2)).ok());
  ASSERT_TRUE(m.RecordGrpcRequest(method, absl::StatusCode::kOk, absl::Milliseconds(4)).ok());
  ASSERT_TRUE(m.RecordGrpcRequest(method, absl::StatusCode::kNotFound, absl::Milliseconds(1)).ok());
  EXPECT_EQ(m.RecordGrpcRequest("", absl::StatusCode::kOk, absl::Seconds(1)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.RecordGrpcRequest("a b", absl::StatusCode::kOk, absl::Seconds(1)).code(),
            absl::StatusCode::kInvalidArgument);
  const std::string text = m.ExpositionText();
  for (const char* line : {
           "vmms_grpc_requests_total{code=\"OK\",method=\"/hv.cim.v1.Cim/GetInstance\"} 2",
           "vmms_grpc_requests_total{code=\"NOT_FOUND\",method=\"/hv.cim.v1.Cim/GetInstance\"} 1",
           "vmms_grpc_request_duration_seconds_count{method=\"/hv.cim.v1.Cim/GetInstance\"} 3",
           "vmms_grpc_request_duration_seconds_bucket{method=\"/hv.cim.v1.Cim/GetInstance\","
           "le=\"0.0025\"} 2",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace hv::counters
