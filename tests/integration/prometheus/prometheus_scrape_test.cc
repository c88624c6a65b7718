// A real Prometheus server scrapes a real vmms (issue 9, "Show"): vmms runs a
// Dynamic Memory VM on a real worker and guest, Prometheus (Debian's package)
// scrapes vmms's /metrics on loopback every second, and the test asks
// Prometheus's HTTP API whether the windows_exporter series exist with
// plausible values, and whether Prometheus recorded the balloon that takes an
// idle VM's physical memory below its startup size.
//
// Nothing here depends on timing beyond generous deadlines: each assertion
// waits until Prometheus's newest data satisfies it (scrapes under load or
// ASan come late; that only delays the pass).
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"
#include "tests/integration/cim_grpc/vmms_process.h"
#include "tests/integration/prometheus/prometheus_server.h"
#include "tests/integration/prometheus/vmms_cim_client.h"

namespace hv::testing {
namespace {

namespace fs = std::filesystem;

using counters::testing::kMiB;
// Deadline for anything that waits on scrapes, balancer rounds or guest boot:
// far above the seconds these take on an idle machine.
constexpr absl::Duration kPatience = absl::Seconds(150);

bool OneSeries(const std::vector<QuerySample>& r) { return r.size() == 1; }

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string missing = PrometheusServer::Missing();
    if (!missing.empty()) GTEST_SKIP() << "a real Prometheus server is needed: " << missing;
    missing = VmmsProcess::Missing();
    if (!missing.empty()) GTEST_SKIP() << "real vmms/vmwp/guest needed: " << missing;
    dir_ = (fs::temp_directory_path() / absl::StrCat("promit-", getpid())).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    prometheus_.reset();  // stops scraping before vmms goes away
    vmms_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // The single sample of `expr` once Prometheus has it.
  double Value(const std::string& expr) {
    absl::StatusOr<std::vector<QuerySample>> r = prometheus_->WaitFor(expr, kPatience, OneSeries);
    EXPECT_TRUE(r.ok()) << r.status() << "\nvmms log:\n" << vmms_->Log();
    return r.ok() ? (*r)[0].value : -1;
  }

  static constexpr uint64_t kBudgetMib = 2048;
  // The VM's series selector in PromQL.
  const std::string sel_ = "{job=\"vmms\",vm=\"prom-idle\"}";

  // vmms (its /metrics on a free loopback port), then Prometheus scraping it,
  // up to its first successful scrape. Prometheus starts before any VM, so it
  // scrapes the VM from its start.
  void StartVmmsAndPrometheus() {
    auto v = VmmsProcess::Start("prometheus", kBudgetMib);
    ASSERT_TRUE(v.ok()) << v.status();
    vmms_ = *std::move(v);
    absl::StatusOr<int> port = WaitMetricsPort(*vmms_, absl::Seconds(30));
    ASSERT_TRUE(port.ok()) << port.status();
    metrics_port_ = *port;
    ASSERT_NE(metrics_port_, 9090);

    auto p = PrometheusServer::Start(dir_ + "/prom", metrics_port_, absl::Seconds(90));
    ASSERT_TRUE(p.ok()) << p.status();
    prometheus_ = *std::move(p);
    ASSERT_NE(prometheus_->port(), 9090);
    ASSERT_TRUE(prometheus_->WaitFor("up{job=\"vmms\"} == 1", kPatience, OneSeries).ok())
        << "Prometheus never scraped vmms successfully\n"
        << prometheus_->Log();
  }

  void StartIdleVm() {
    // An idle guest (no workload) with Dynamic Memory: startup 256 MiB,
    // minimum 128 MiB. Its demand is far below 256 MiB, so the balancer
    // balloons memory out of it.
    DmVmSpec spec{.name = "prom-idle", .startup_mib = 256, .minimum_mib = 128, .maximum_mib = 512};
    absl::StatusOr<hv::cim::v1::ObjectPath> vm = DefineDmVm(vmms_->stub(), spec);
    ASSERT_TRUE(vm.ok()) << vm.status();
    absl::Status started = StartVm(vmms_->stub(), *vm, absl::Seconds(120));
    ASSERT_TRUE(started.ok()) << started << "\n" << vmms_->Log();
  }

  // Series exist, labelled with the VM's name, and hold plausible values.
  void ExpectVmSeries() {
    // (" > 0": the first report of a worker may precede its guest's.)
    double physical = Value("windows_hyperv_dynamic_memory_vm_physical_bytes" + sel_ + " > 0");
    EXPECT_LE(physical, 512.0 * kMiB);
    EXPECT_EQ(std::fmod(physical, kMiB), 0) << "physical memory is whole MiB";
    double visible = Value("windows_hyperv_dynamic_memory_vm_guest_visible_physical_memory_bytes" +
                           sel_ + " > 0");
    EXPECT_GE(visible, 256.0 * kMiB) << "the guest sees at least its startup memory";
    EXPECT_LE(visible, 512.0 * kMiB);
    auto labelled = prometheus_->Query("windows_hyperv_dynamic_memory_vm_physical_bytes" + sel_);
    ASSERT_TRUE(labelled.ok() && labelled->size() == 1) << Describe(labelled);
    EXPECT_EQ((*labelled)[0].labels.at("vm"), "prom-idle");
    EXPECT_EQ((*labelled)[0].labels.at("instance"), absl::StrCat("127.0.0.1:", metrics_port_));

    // Once the guest reports (DM active), its pressure is a ratio, not a percent.
    auto pressure = prometheus_->WaitFor(
        "windows_hyperv_dynamic_memory_vm_pressure_current_ratio" + sel_ + " > 0", kPatience,
        OneSeries);
    ASSERT_TRUE(pressure.ok()) << pressure.status() << "\n" << vmms_->Log();
    EXPECT_LT((*pressure)[0].value, 5.0) << "pressure is exported as a ratio (percent / 100)";
    double available = Value("windows_hyperv_dynamic_memory_vm_guest_available_bytes" + sel_);
    EXPECT_GT(available, 0);
    EXPECT_LE(available, 512.0 * kMiB);
  }

  void ExpectBalloonSeen() {
    // The balloon: Prometheus sees removed memory and physical memory below the
    // startup size, and its own TSDB holds a change of the physical series.
    auto removed =
        prometheus_->WaitFor("windows_hyperv_dynamic_memory_vm_removed_bytes_total" + sel_ + " > 0",
                             kPatience, OneSeries);
    EXPECT_TRUE(removed.ok()) << removed.status() << "\n" << vmms_->Log();
    auto ops = prometheus_->WaitFor(
        "windows_hyperv_dynamic_memory_vm_remove_operations_total" + sel_ + " > 0", kPatience,
        OneSeries);
    EXPECT_TRUE(ops.ok()) << ops.status();
    auto below = prometheus_->WaitFor(
        absl::StrCat("min_over_time(windows_hyperv_dynamic_memory_vm_physical_bytes", sel_,
                     "[10m]) < ", 256 * kMiB),
        kPatience, OneSeries);
    EXPECT_TRUE(below.ok()) << below.status() << "\n" << vmms_->Log();
    if (below.ok()) {
      EXPECT_GE((*below)[0].value, 128.0 * kMiB) << "never below the minimum";
    }
  }

  void ExpectBalancerAndProcessSeries() {
    // The balancer instance and the process metrics.
    const std::string bsel = "{job=\"vmms\",balancer=\"System\"}";
    double avail = Value("windows_hyperv_dynamic_memory_balancer_available_memory_bytes" + bsel);
    EXPECT_GT(avail, 0);
    EXPECT_LE(avail, kBudgetMib * double(kMiB));
    double sys_pressure =
        Value("windows_hyperv_dynamic_memory_balancer_system_current_pressure_ratio" + bsel);
    EXPECT_GE(sys_pressure, 0);
    EXPECT_LT(sys_pressure, 5.0);
    EXPECT_TRUE(
        prometheus_->WaitFor("vmms_vms{job=\"vmms\",state=\"Running\"} == 1", kPatience, OneSeries)
            .ok());
    EXPECT_TRUE(
        prometheus_->WaitFor("vmms_balancer_rounds_total{job=\"vmms\"} > 0", kPatience, OneSeries)
            .ok());
  }

  std::string dir_;
  std::unique_ptr<VmmsProcess> vmms_;
  std::unique_ptr<PrometheusServer> prometheus_;
  int metrics_port_ = 0;
};

TEST_F(PrometheusScrapeTest, SeriesOfARunningDmVmAndTheBalancerReachPrometheus) {
  ASSERT_NO_FATAL_FAILURE(StartVmmsAndPrometheus());
  ASSERT_NO_FATAL_FAILURE(StartIdleVm());
  ASSERT_NO_FATAL_FAILURE(ExpectVmSeries());
  ExpectBalloonSeen();
  ExpectBalancerAndProcessSeries();
}

}  // namespace
}  // namespace hv::testing
