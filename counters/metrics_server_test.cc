#include "counters/metrics_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "counters/testing/loopback_http.h"
#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"

namespace hv::counters {
namespace {

using testing::HasLine;
using testing::HttpGet;
using testing::HttpResponse;
using testing::kMiB;
using testing::kT0;
using testing::Web1Sample;

constexpr char kVmPrefix[] = "windows_hyperv_dynamic_memory_vm_";

MetricsServerOptions TestOptions() {
  MetricsServerOptions o;
  o.port = 0;
  return o;
}

std::string Scrape(int port) {
  absl::StatusOr<HttpResponse> r = HttpGet(port, "/metrics", absl::Seconds(30));
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return "";
  EXPECT_EQ(r->status, 200);
  return r->body;
}

// vm name -> metric suffix (after kVmPrefix) -> value, from exposition text.
// Only plain names (no escapes) are expected here.
using VmSeries = std::map<std::string, std::map<std::string, double>>;
VmSeries ParseVmSeries(const std::string& text) {
  VmSeries out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, kVmPrefix)) continue;
    const size_t brace = line.find("{vm=\"");
    const size_t close = line.find("\"} ");
    EXPECT_NE(brace, absl::string_view::npos) << line;
    EXPECT_NE(close, absl::string_view::npos) << line;
    if (brace == absl::string_view::npos || close == absl::string_view::npos) continue;
    std::string metric(line.substr(sizeof(kVmPrefix) - 1, brace - (sizeof(kVmPrefix) - 1)));
    std::string vm(line.substr(brace + 5, close - brace - 5));
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line.substr(close + 3), &value)) << line;
    EXPECT_TRUE(out[vm].emplace(metric, value).second) << "duplicate series: " << line;
  }
  return out;
}

TEST(MetricsServer, ScrapeOverLoopbackHasExactNamesLabelsAndConversions) {
  CounterRegistry reg;
  ProcessMetrics process;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  ASSERT_TRUE(reg.UpdateVm("web1", Web1Sample()).ok());
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  ASSERT_TRUE(reg.UpdateBalancer("node0", {.time = kT0,
                                           .available_bytes = 2048 * kMiB,
                                           .available_for_balancing_bytes = 1024 * kMiB,
                                           .committed_bytes = 425 * kMiB,
                                           .assigned_bytes = 512 * kMiB})
                  .ok());
  VmStateCount states[] = {{"Running", 1}};
  ASSERT_TRUE(process.SetVmsByState(states).ok());
  process.RecordBalancerRound(absl::Milliseconds(1));
  ASSERT_TRUE(process
                  .RecordGrpcRequest("/hv.cim.v1.Cim/EnumerateInstances", absl::StatusCode::kOk,
                                     absl::Milliseconds(3))
                  .ok());
  auto server = MetricsServer::Start(TestOptions(), &reg, &process);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);

  absl::StatusOr<HttpResponse> r = HttpGet((*server)->port(), "/metrics", absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->headers.find("Content-Type: text/plain"), std::string::npos) << r->headers;
  const std::string& text = r->body;
  for (const char* line : {
           // 512 MB -> 536870912 bytes; 83 % -> 0.83.
           "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"web1\"} 536870912",
           "windows_hyperv_dynamic_memory_vm_pressure_current_ratio{vm=\"web1\"} 0.83",
           "windows_hyperv_dynamic_memory_vm_pressure_minimum_ratio{vm=\"web1\"} 0.83",
           "windows_hyperv_dynamic_memory_vm_pressure_maximum_ratio{vm=\"web1\"} 0.83",
           "windows_hyperv_dynamic_memory_vm_added_total{vm=\"web1\"} 671088640",
           "windows_hyperv_dynamic_memory_vm_removed_bytes_total{vm=\"web1\"} 134217728",
           "windows_hyperv_dynamic_memory_vm_add_operations_total{vm=\"web1\"} 5",
           "windows_hyperv_dynamic_memory_vm_remove_operations_total{vm=\"web1\"} 2",
           "windows_hyperv_dynamic_memory_vm_guest_visible_physical_memory_bytes{vm=\"web1\"} "
           "1073741824",
           "windows_hyperv_dynamic_memory_vm_guest_available_bytes{vm=\"web1\"} 91226112",
           "windows_hyperv_dynamic_memory_balancer_available_memory_bytes{balancer=\"node0\"} "
           "2147483648",
           "windows_hyperv_dynamic_memory_balancer_available_memory_for_balancing_bytes"
           "{balancer=\"node0\"} 1073741824",
           "windows_hyperv_dynamic_memory_balancer_average_pressure_ratio{balancer=\"node0\"} 0.83",
           "windows_hyperv_dynamic_memory_balancer_system_current_pressure_ratio"
           "{balancer=\"node0\"} 0.83",
           "vmms_vms{state=\"Running\"} 1",
           "vmms_balancer_rounds_total 1",
           "vmms_grpc_requests_total{code=\"OK\",method=\"/hv.cim.v1.Cim/EnumerateInstances\"} 1",
       }) {
    EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  }
  EXPECT_EQ(ParseVmSeries(text)["web1"].size(), 10u);  // the 10 exported VM counters
}

// Prometheus asks for gzip; the body then arrives compressed and holds the
// same series.
TEST(MetricsServer, GzipScrapeAsPrometheusSendsIt) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  ASSERT_TRUE(reg.UpdateVm("web1", Web1Sample()).ok());
  auto server = MetricsServer::Start(TestOptions(), &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<HttpResponse> r =
      HttpGet((*server)->port(), "/metrics", absl::Seconds(30), /*accept_gzip=*/true);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->headers.find("Content-Encoding: gzip"), std::string::npos) << r->headers;
  absl::StatusOr<std::string> body = testing::DecodedBody(*r);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_TRUE(
      HasLine(*body, "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"web1\"} 536870912"));
  EXPECT_EQ(ParseVmSeries(*body)["web1"].size(), 10u);
}

// Runs `promtool check metrics` (Debian's prometheus package) over `text`;
// returns its exit code and output. -1 when promtool is not installed.
std::pair<int, std::string> Promtool(const std::string& text) {
  if (access("/usr/bin/promtool", X_OK) != 0) return {-1, ""};
  char in_path[] = "/tmp/hv_counters_promtool_in_XXXXXX";
  char out_path[] = "/tmp/hv_counters_promtool_out_XXXXXX";
  int in_fd = mkstemp(in_path);
  int out_fd = mkstemp(out_path);
  EXPECT_GE(in_fd, 0);
  EXPECT_GE(out_fd, 0);
  EXPECT_EQ(write(in_fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(in_fd);
  close(out_fd);
  const std::string cmd =
      absl::StrCat("/usr/bin/promtool check metrics < ", in_path, " > ", out_path, " 2>&1");
  const int status = std::system(cmd.c_str());
  std::ifstream out(out_path);
  std::stringstream output;
  output << out.rdbuf();
  unlink(in_path);
  unlink(out_path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, output.str()};
}

// Prometheus' own linter accepts everything /metrics serves (names, types,
// units, HELP), and rejects a planted naming error, so the check is live.
TEST(MetricsServer, PromtoolAcceptsTheExposition) {
  if (Promtool("").first < 0) GTEST_SKIP() << "promtool not installed (prometheus package)";
  CounterRegistry reg;
  ProcessMetrics process;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  ASSERT_TRUE(reg.UpdateVm("web1", Web1Sample()).ok());
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  ASSERT_TRUE(reg.UpdateBalancer("node0", {.time = kT0}).ok());
  VmStateCount states[] = {{"Running", 1}};
  ASSERT_TRUE(process.SetVmsByState(states).ok());
  process.RecordJobFinished(JobResult::kCompleted);
  process.RecordBalancerRound(absl::Milliseconds(1));
  process.RecordWorkerRestart();
  ASSERT_TRUE(process.RecordGuestMisbehaviour("dynmem", "bad_length").ok());
  ASSERT_TRUE(process.RecordGrpcRequest("/a/B", absl::StatusCode::kOk, absl::Milliseconds(1)).ok());
  auto server = MetricsServer::Start(TestOptions(), &reg, &process);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string text = Scrape((*server)->port());
  ASSERT_NE(text.find("vmms_grpc_request_duration_seconds_bucket"), std::string::npos);
  auto [code, output] = Promtool(text);
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(output, "") << output;
  auto [bad_code, bad_output] = Promtool("# HELP x_bytes x\n# TYPE x_bytes counter\nx_bytes 1\n");
  EXPECT_NE(bad_code, 0);
  EXPECT_NE(bad_output.find("_total"), std::string::npos) << bad_output;
}

TEST(MetricsServer, RemovedVmSeriesDisappear) {
  CounterRegistry reg;
  for (const char* n : {"keep", "gone"}) {
    ASSERT_TRUE(reg.AddVm(n).ok());
    ASSERT_TRUE(reg.UpdateVm(n, Web1Sample()).ok());
  }
  auto server = MetricsServer::Start(TestOptions(), &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  VmSeries before = ParseVmSeries(Scrape((*server)->port()));
  EXPECT_EQ(before["gone"].size(), 10u);
  ASSERT_TRUE(reg.RemoveVm("gone").ok());
  const std::string text = Scrape((*server)->port());
  EXPECT_EQ(text.find("vm=\"gone\""), std::string::npos) << text;
  VmSeries after = ParseVmSeries(text);
  EXPECT_EQ(after.count("gone"), 0u);
  EXPECT_EQ(after["keep"].size(), 10u);
}

TEST(MetricsServer, OtherPathIs404AndCustomPathServes) {
  CounterRegistry reg;
  MetricsServerOptions o = TestOptions();
  o.path = "/custom";
  auto server = MetricsServer::Start(o, &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  absl::StatusOr<HttpResponse> r = HttpGet((*server)->port(), "/custom", absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  r = HttpGet((*server)->port(), "/metrics", absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 404);
}

TEST(MetricsServer, PortInUseIsUnavailable) {
  CounterRegistry reg;
  auto first = MetricsServer::Start(TestOptions(), &reg, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();
  MetricsServerOptions o = TestOptions();
  o.port = (*first)->port();
  auto second = MetricsServer::Start(o, &reg, nullptr);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(absl::StrCat("127.0.0.1:", o.port)),
            absl::string_view::npos)
      << second.status();
}

TEST(MetricsServer, BadOptionsAreInvalidArgument) {
  CounterRegistry reg;
  auto with = [&](auto change) {
    MetricsServerOptions o = TestOptions();
    change(o);
    return MetricsServer::Start(o, &reg, nullptr).status().code();
  };
  EXPECT_EQ(with([](auto& o) { o.bind_address = "localhost"; }),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(with([](auto& o) { o.port = 70000; }), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(with([](auto& o) { o.max_concurrent_scrapes = 0; }),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(with([](auto& o) { o.path = "metrics"; }), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start(TestOptions(), nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MetricsServer, DefaultsMatchWindowsExporter) {
  MetricsServerOptions o;
  EXPECT_EQ(o.bind_address, "127.0.0.1");
  EXPECT_EQ(o.port, 9182);
  EXPECT_EQ(o.max_concurrent_scrapes, 5);
  EXPECT_EQ(o.path, "/metrics");
}

// Scrapes over HTTP while two threads add, update and remove VMs. Every
// sample encodes one generation number g in every counter, so a scrape that
// mixed two samples of one VM, or showed part of a VM's series, fails.
TEST(MetricsServer, ScrapeDuringChurnIsNeverTorn) {
  CounterRegistry reg;
  auto server = MetricsServer::Start(TestOptions(), &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();

  std::atomic<bool> stop{false};
  std::atomic<int> removals{0};
  std::vector<std::thread> mutators;
  for (int t = 0; t < 2; ++t) {
    mutators.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      std::vector<bool> present(20, false);
      for (uint64_t g = 1; !stop.load(); ++g) {
        const int i = static_cast<int>(rng() % present.size());
        const std::string name = absl::StrCat("vm", t, "_", i);
        if (present[i] && rng() % 4 == 0) {
          ASSERT_TRUE(reg.RemoveVm(name).ok());
          present[i] = false;
          removals++;
          continue;
        }
        if (!present[i]) {
          ASSERT_TRUE(reg.AddVm(name).ok());
          present[i] = true;
        }
        VmSample s;
        s.time = kT0 + absl::Milliseconds(g);
        s.physical_bytes = 2 * g * kMiB;
        s.committed_bytes = g * kMiB;  // always 50 %
        s.guest_visible_bytes = g * kMiB;
        s.guest_available_bytes = g * kMiB;
        s.added_bytes_total = g * kMiB;
        s.removed_bytes_total = g * kMiB;
        s.add_operations_total = g;
        s.remove_operations_total = g;
        ASSERT_TRUE(reg.UpdateVm(name, s).ok());
      }
    });
  }

  std::atomic<int> vms_seen{0};
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 3; ++t) {
    scrapers.emplace_back([&] {
      for (int k = 0; k < 25; ++k) {
        const VmSeries series = ParseVmSeries(Scrape(port));
        for (const auto& [vm, m] : series) {
          ASSERT_EQ(m.size(), 10u) << "vm " << vm << " has a partial set of series";
          const double g = m.at("add_operations_total");
          ASSERT_EQ(m.at("remove_operations_total"), g) << vm;
          ASSERT_EQ(m.at("added_total"), g * kMiB) << vm;
          ASSERT_EQ(m.at("removed_bytes_total"), g * kMiB) << vm;
          ASSERT_EQ(m.at("guest_visible_physical_memory_bytes"), g * kMiB) << vm;
          ASSERT_EQ(m.at("guest_available_bytes"), g * kMiB) << vm;
          ASSERT_EQ(m.at("physical_bytes"), 2 * g * kMiB) << vm;
          ASSERT_EQ(m.at("pressure_current_ratio"), 0.5) << vm;
          ASSERT_EQ(m.at("pressure_minimum_ratio"), 0.5) << vm;
          ASSERT_EQ(m.at("pressure_maximum_ratio"), 0.5) << vm;
        }
        vms_seen += static_cast<int>(series.size());
      }
    });
  }
  for (auto& t : scrapers) t.join();
  stop = true;
  for (auto& t : mutators) t.join();
  EXPECT_GT(vms_seen.load(), 0);
  EXPECT_GT(removals.load(), 0);

  // Once every VM is gone, no VM series is left.
  for (const auto& v : reg.Read().vms) ASSERT_TRUE(reg.RemoveVm(v->name).ok());
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < 20; ++i) (void)reg.RemoveVm(absl::StrCat("vm", t, "_", i));
  }
  EXPECT_TRUE(ParseVmSeries(Scrape(port)).empty());
}

// Stopping the server while scrapes are in flight is clean: scrapes either
// complete or fail with a transport error; nothing crashes (ASan watches).
TEST(MetricsServer, StopDuringScrapes) {
  CounterRegistry reg;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(reg.AddVm(absl::StrCat("vm", i)).ok());
    ASSERT_TRUE(reg.UpdateVm(absl::StrCat("vm", i), Web1Sample()).ok());
  }
  auto server = MetricsServer::Start(TestOptions(), &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 3; ++t) {
    scrapers.emplace_back([&] {
      while (!stop.load()) {
        absl::StatusOr<HttpResponse> r = HttpGet(port, "/metrics", absl::Seconds(10));
        if (r.ok() && r->status == 200) {
          EXPECT_EQ(ParseVmSeries(r->body).size(), 200u);
          ok++;
        }
      }
    });
  }
  while (ok.load() < 6) absl::SleepFor(absl::Milliseconds(5));
  server->reset();  // stops while the scrapers keep going
  absl::SleepFor(absl::Milliseconds(50));
  stop = true;
  for (auto& t : scrapers) t.join();
  EXPECT_GE(ok.load(), 6);
}

// With max_concurrent_scrapes = 2, two connections that never finish their
// request hold both workers: a third scrape waits (is not served, not
// refused) until one of them goes away, then gets its answer.
TEST(MetricsServer, ConcurrentScrapesAreBoundedAndExcessWaits) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  ASSERT_TRUE(reg.UpdateVm("web1", Web1Sample()).ok());
  MetricsServerOptions o = TestOptions();
  o.max_concurrent_scrapes = 2;
  o.request_timeout = absl::Seconds(60);
  auto server = MetricsServer::Start(o, &reg, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();

  std::vector<testing::UniqueFd> stalled;
  for (int i = 0; i < 2; ++i) {
    auto fd = testing::ConnectLoopback(port, absl::Seconds(10));
    ASSERT_TRUE(fd.ok()) << fd.status();
    ASSERT_TRUE(testing::SendAll(fd->get(), "GET /metrics HTTP/1.1\r\n", absl::Seconds(10)).ok());
    stalled.push_back(std::move(*fd));
  }
  auto third = testing::ConnectLoopback(port, absl::Seconds(10));
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_TRUE(
      testing::SendAll(third->get(), testing::GetRequest("/metrics"), absl::Seconds(10)).ok());
  // Not answered while both workers are held (if the bound were not there,
  // the answer would come within milliseconds).
  EXPECT_FALSE(testing::WaitReadable(third->get(), absl::Milliseconds(500)));
  stalled.clear();  // close both: their workers are freed
  absl::StatusOr<HttpResponse> r = testing::ReadResponse(third->get(), absl::Seconds(30));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(HasLine(r->body,
                      "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"web1\"} "
                      "536870912"));
}

}  // namespace
}  // namespace hv::counters
