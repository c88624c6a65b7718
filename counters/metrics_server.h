// The /metrics endpoint: prometheus-cpp's pull Exposer (civetweb) serving
// the Dynamic Memory counters under windows_exporter's names
// (DynamicMemoryCollector) and the vmms_* process metrics (ProcessMetrics).
//
// Concurrent scrapes are bounded: the exposer runs exactly
// `max_concurrent_scrapes` worker threads, each serving one connection at a
// time (no keep-alive). Excess scrapes WAIT: civetweb queues accepted
// connections until a worker is free; they are not refused with 503.
// (prometheus-cpp gives a request callback no way to reach this object, so a
// 503 limiter would need a global; waiting needs none, and Prometheus'
// scrape_timeout bounds the wait on the client side.) A client that connects
// and sends nothing holds a worker for at most `request_timeout`.
// prometheus-cpp collects for one scrape at a time (a lock per endpoint);
// serializing, compressing and sending run in parallel.
//
// Thread-safe. Destroying the server stops listening and waits for scrapes
// in flight (up to ~2 s: civetweb's accept loop polls in 2 s quanta); it must
// be destroyed before the registry and process metrics it serves.
#ifndef HV_COUNTERS_METRICS_SERVER_H_
#define HV_COUNTERS_METRICS_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "counters/counter_registry.h"
#include "counters/process_metrics.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace hv::counters {

class DynamicMemoryCollector;

struct MetricsServerOptions {
  // IPv4 literal to bind. Default loopback, as vmms serves a local Prometheus.
  std::string bind_address = "127.0.0.1";
  // TCP port. Default 9182, windows_exporter's port; 0 picks a free port
  // (read it back with port()).
  int port = 9182;
  // Scrapes served at once (exposer worker threads); more wait. Default 5,
  // windows_exporter's --telemetry.max-requests default. Must be >= 1.
  int max_concurrent_scrapes = 5;
  // Longest time a connection may take to send its request. Default 10 s.
  absl::Duration request_timeout = absl::Seconds(10);
  // Path served. Default "/metrics".
  std::string path = "/metrics";
};

class MetricsServer {
 public:
  // Starts serving. `registry` and `process` are not owned and must outlive
  // the server; `process` may be null (no vmms_* metrics). Fails with
  // kInvalidArgument for bad options and kUnavailable when the address
  // cannot be bound (e.g. port in use), naming the address.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const MetricsServerOptions& options,
                                                              const CounterRegistry* registry,
                                                              const ProcessMetrics* process);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }

 private:
  MetricsServer() = default;

  int port_ = 0;
  std::shared_ptr<DynamicMemoryCollector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;  // declared last: destroyed first
};

}  // namespace hv::counters

#endif  // HV_COUNTERS_METRICS_SERVER_H_
