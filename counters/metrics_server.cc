#include "counters/metrics_server.h"

#include <arpa/inet.h>

#include <exception>
#include <vector>

#include "absl/strings/str_cat.h"
#include "counters/prometheus_collector.h"
#include "prometheus/exposer.h"
#include "prometheus/registry.h"

namespace hv::counters {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const MetricsServerOptions& options, const CounterRegistry* registry,
    const ProcessMetrics* process) {
  const std::string address = absl::StrCat(options.bind_address, ":", options.port);
  in_addr parsed{};
  if (inet_pton(AF_INET, options.bind_address.c_str(), &parsed) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics server '", address, "': bind address is not an IPv4 literal"));
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics server '", address, "': port out of range"));
  }
  if (options.max_concurrent_scrapes < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics server '", address, "': max_concurrent_scrapes must be at least 1"));
  }
  if (options.path.empty() || options.path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("metrics server '", address, "': path '",
                                                   options.path, "' must start with /"));
  }
  if (registry == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics server '", address, "': no counter registry"));
  }
  const int64_t timeout_ms =
      std::max<int64_t>(1, absl::ToInt64Milliseconds(options.request_timeout));

  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->collector_ = std::make_shared<DynamicMemoryCollector>(registry);
  // prometheus-cpp reports a failed bind by throwing; this is the one place
  // that exception can arise, and it becomes a status here.
  try {
    server->exposer_ = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", address,                                     //
                                 "num_threads", std::to_string(options.max_concurrent_scrapes),  //
                                 "request_timeout_ms", std::to_string(timeout_ms),               //
                                 "enable_keep_alive", "no"});
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics server '", address, "': cannot listen: ", e.what()));
  }
  const std::vector<int> ports = server->exposer_->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(
        absl::StrCat("metrics server '", address, "': no listening port"));
  }
  server->port_ = ports.front();
  server->exposer_->RegisterCollectable(server->collector_, options.path);
  if (process != nullptr) server->exposer_->RegisterCollectable(process->registry(), options.path);
  return server;
}

MetricsServer::~MetricsServer() {
  // Stop the HTTP server (joins its workers) before the collectables go.
  exposer_.reset();
}

}  // namespace hv::counters
