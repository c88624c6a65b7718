#include "tests/integration/prometheus/metrics_text.h"

#include "gtest/gtest.h"

namespace hv::testing {
namespace {

TEST(SeriesKeyTest, SortsLabelsAndEscapesValues) {
  EXPECT_EQ(SeriesKey("up"), "up");
  EXPECT_EQ(SeriesKey("m", {{"vm", "a\"b"}, {"code", "OK"}}), "m{code=\"OK\",vm=\"a\\\"b\"}");
}

TEST(ParseMetricsTextTest, ReadsSamplesSkipsCommentsAndTimestamps) {
  auto m = ParseMetricsText(
      "# HELP windows_hyperv_dynamic_memory_vm_physical_bytes Physical memory\n"
      "# TYPE windows_hyperv_dynamic_memory_vm_physical_bytes gauge\n"
      "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"web 1\"} 268435456\n"
      "windows_hyperv_dynamic_memory_vm_pressure_current_ratio{vm=\"web 1\"} 0.83 1700000000000\n"
      "vmms_grpc_requests_total{method=\"/a\",code=\"OK\",} 3\n"
      "vmms_jobs_running 0\n"
      "big 1.5e+09\n");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->size(), 5u);
  EXPECT_EQ(m->at(SeriesKey("windows_hyperv_dynamic_memory_vm_physical_bytes", {{"vm", "web 1"}})),
            268435456.0);
  EXPECT_DOUBLE_EQ(m->at(SeriesKey("windows_hyperv_dynamic_memory_vm_pressure_current_ratio",
                                   {{"vm", "web 1"}})),
                   0.83);
  EXPECT_EQ(m->at(SeriesKey("vmms_grpc_requests_total", {{"method", "/a"}, {"code", "OK"}})), 3.0);
  EXPECT_EQ(m->at("vmms_jobs_running"), 0.0);
  EXPECT_EQ(m->at("big"), 1.5e9);
}

TEST(ParseMetricsTextTest, RejectsMalformedLinesAndDuplicateSeries) {
  EXPECT_EQ(ParseMetricsText("m{vm=\"a\"} 1\nm{vm=\"a\"} 2\n").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseMetricsText("m{vm=\"a} 1\n").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseMetricsText("m{vm=a} 1\n").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseMetricsText("m 12x\n").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseMetricsText("m\n").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseMetricsText("{vm=\"a\"} 1\n").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hv::testing
