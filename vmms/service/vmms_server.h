// VmmsServer: the whole daemon assembled from its parts, in dependency
// order: store -> worker factory -> VmManager (re-adopts workers) -> counters
// and /metrics -> gRPC services. Stop() undoes it in reverse. `vmms_main.cc`
// is a thin shell around it; integration tests run it in-process too.
#ifndef HV_VMMS_SERVICE_VMMS_SERVER_H_
#define HV_VMMS_SERVICE_VMMS_SERVER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "counters/counter_registry.h"
#include "counters/metrics_server.h"
#include "counters/process_metrics.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server.h"
#include "vmms/cim/cim_backend.h"
#include "vmms/config.h"
#include "vmms/lifecycle/vm_manager.h"
#include "vmms/store/vm_store.h"
#include "vmms/telemetry/counters_feed.h"

namespace hv::vmms {

class VmmsServer {
 public:
  // Starts everything; fails naming the part that could not start (database,
  // a listen address, the metrics port). Nothing is left running on failure.
  static absl::StatusOr<std::unique_ptr<VmmsServer>> Start(const VmmsConfig& config);
  // (Relative paths in `config` are made absolute first.)
  ~VmmsServer();  // Stop()

  // Graceful: stop accepting calls, finish jobs, leave VMs running or stop
  // them (config.on_exit). Idempotent.
  void Stop();
  // Blocks until Stop() is called from another thread.
  void Wait();

  VmManager& manager() { return *manager_; }
  // The server's store. The server holds the database file's exclusive lock
  // while it runs, so in-process callers (tests) read it through this.
  VmStore& store() { return *store_; }
  counters::CounterRegistry& counter_registry() { return registry_; }
  int grpc_port() const { return grpc_ports_.empty() ? 0 : grpc_ports_[0]; }
  int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  const VmmsConfig& config() const { return config_; }

 private:
  explicit VmmsServer(VmmsConfig config) : config_(std::move(config)) {}

  VmmsConfig config_;
  std::unique_ptr<VmStore> store_;
  std::unique_ptr<WorkerFactory> workers_;
  counters::CounterRegistry registry_;
  counters::ProcessMetrics process_;
  std::unique_ptr<CountersFeed> feed_;
  std::unique_ptr<VmManager> manager_;
  std::unique_ptr<counters::MetricsServer> metrics_;
  std::unique_ptr<cim::CimBackend> cim_;  // hv.cim.v1 (issue 8); uses manager_
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> grpc_;
  std::vector<int> grpc_ports_;
  bool stopped_ = false;
};

}  // namespace hv::vmms

#endif  // HV_VMMS_SERVICE_VMMS_SERVER_H_
