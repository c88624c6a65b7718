// Smoke test of the scale benchmark at N = 2: one real vmms with real vmwp
// workers, every measurement path taken once (starts through CIM, the vmms
// status-time extension, liveness sampling, /proc PSS, health baseline,
// GetInstance, EnumerateInstances, /metrics). It checks that each figure was
// measured, never how fast: no timing assertion, generous deadlines.
#include <string>

#include "gtest/gtest.h"
#include "tests/bench/scale/scale_run.h"

namespace hv::bench::scale {
namespace {

std::string BinaryDir() {
  const char* d = std::getenv("HV_BINARY_DIR");
  return d ? d : "";
}

TEST(ScaleBenchSmoke, EveryFigureIsMeasuredAtTwoVms) {
  std::string missing = VmmsDaemonMissing(BinaryDir());
  if (!missing.empty()) GTEST_SKIP() << "real vmms/vmwp/guest needed: " << missing;
  ScaleOptions o;
  o.binary_dir = BinaryDir();
  o.levels = {2};
  o.concurrency = 2;
  o.probe_runs = 1;
  o.calls = 5;
  o.enumerate_calls = 2;
  o.scrapes = 2;
  o.observe = absl::Seconds(2);
  o.budget_mib = 1024;
  o.host_reserve_mib = 0;
  o.start_timeout = absl::Seconds(240);  // ASan + a loaded CI machine
  absl::StatusOr<ScaleReport> r = RunScale(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->levels.size(), 1u);
  const LevelResult& l = r->levels[0];
  // Growth and probe: both VMs and the probe reached Running and a first DM status.
  EXPECT_EQ(l.vms, 2);
  EXPECT_EQ(l.batch_started, 2);
  EXPECT_EQ(l.batch_running_ms.count, 2u);
  EXPECT_EQ(l.batch_first_dm_ms.count, 2u);
  EXPECT_EQ(l.probe_first_dm_ms.count, 1u);
  // The first DM status cannot precede the job that started the worker.
  EXPECT_GE(l.batch_first_dm_ms.p50, 0);
  EXPECT_GE(l.probe_first_dm_ms.max, l.probe_running_ms.max - 1000);  // clocks: same host, ms resolution
  // Liveness: both VMs were seen with a status time; the balancer ran.
  EXPECT_EQ(l.vms_without_status, 0);
  EXPECT_GT(l.balancer_period_s, 0);
  // Memory: two workers found under vmms, with a guest RAM mapping.
  EXPECT_EQ(l.worker_pss_mib.count, 2u);
  EXPECT_GT(l.worker_pss_mib.p50, 0);
  EXPECT_GT(l.vmms_pss_mib, 0);
  // API: every call answered.
  EXPECT_EQ(l.health_us.count, 7u);
  EXPECT_EQ(l.get_instance_us.count, 5u);
  EXPECT_EQ(l.enumerate_us.count, 2u);
  EXPECT_EQ(l.scrape_ms.count, 2u);
  EXPECT_GT(l.scrape_bytes, 0u);
  // The report renders every level.
  EXPECT_NE(ReportMarkdown(*r, o).find("| 2 |"), std::string::npos);
  EXPECT_NE(ReportData(*r).find("\n2 "), std::string::npos);
}

}  // namespace
}  // namespace hv::bench::scale
