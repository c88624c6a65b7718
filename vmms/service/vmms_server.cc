#include "vmms/service/vmms_server.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "vmms/launcher/grpc_worker_factory.h"
#include "vmms/service/cim_service.h"
#include "vmms/store/sqlite_vm_store.h"

namespace hv::vmms {

absl::StatusOr<std::unique_ptr<VmmsServer>> VmmsServer::Start(const VmmsConfig& requested) {
  // Workers run with other working directories and need absolute paths.
  VmmsConfig config = requested;
  config.state_dir = std::filesystem::absolute(config.state_dir).lexically_normal().string();
  config.database = std::filesystem::absolute(config.database).lexically_normal().string();
  config.worker_binary = std::filesystem::absolute(config.worker_binary).lexically_normal().string();
  if (!config.guest_image.empty()) {
    config.guest_image = std::filesystem::absolute(config.guest_image).lexically_normal().string();
  }
  std::unique_ptr<VmmsServer> s(new VmmsServer(config));
  std::error_code ec;
  std::filesystem::create_directories(config.state_dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat("state dir '", config.state_dir, "': ", ec.message()));
  }
  ASSIGN_OR_RETURN(s->store_, OpenSqliteVmStore({config.database}));
  GrpcWorkerFactoryOptions wf;
  wf.worker_binary = config.worker_binary;
  wf.state_dir = config.state_dir;
  wf.default_guest_image = config.guest_image;
  s->workers_ = MakeGrpcWorkerFactory(wf);
  s->feed_ = std::make_unique<CountersFeed>(&s->registry_, &s->process_);

  VmManagerOptions mo;
  mo.state_dir = config.state_dir;
  mo.budget_mib = config.budget_mib;
  mo.balancer_interval = config.balancer_interval;
  mo.stop_vms_on_exit = config.on_exit == "stop";
  VmmsServer* self = s.get();
  VmManagerObserver obs;
  obs.on_balancer_round = [self](const BalancerPlan& plan, absl::Duration took) {
    self->process_.RecordBalancerRound(took);
    absl::StatusOr<std::vector<VmView>> vms = self->manager_->ListVms();
    if (vms.ok()) self->feed_->Publish(*vms, plan, self->config_.budget_mib, absl::Now());
  };
  obs.on_worker_restart = [self](const std::string&) { self->process_.RecordWorkerRestart(); };
  obs.on_job_finished = [self](const JobRecord& job) {
    // JobResult mirrors JobState's final values (7 Completed .. 10 Exception).
    self->process_.RecordJobFinished(static_cast<counters::JobResult>(job.state));
  };
  s->manager_ = std::make_unique<VmManager>(s->store_.get(), s->workers_.get(), mo, obs);
  RETURN_IF_ERROR(s->manager_->Start());

  counters::MetricsServerOptions metrics;
  metrics.port = config.metrics_port;
  ASSIGN_OR_RETURN(s->metrics_, counters::MetricsServer::Start(metrics, &s->registry_, &s->process_));

  ASSIGN_OR_RETURN(s->cim_, cim::MakeCimBackend(s->manager_.get(), &s->registry_));
  s->services_.push_back(std::make_unique<CimService>(s->cim_->objects.get()));

  // Management clients may discover the API (grpcurl, grpc_cli); the worker's
  // private socket has no reflection (hv_grpc_runtime).
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  ServerOptions grpc;
  grpc.addresses = config.listen;
  for (const auto& svc : s->services_) grpc.services.push_back(svc.get());
  grpc.on_call_finished = [self](absl::string_view method, absl::StatusCode code,
                                 absl::Duration latency) {
    self->process_.RecordGrpcRequest(std::string_view(method.data(), method.size()), code, latency)
        .IgnoreError();
  };
  ASSIGN_OR_RETURN(StartedServer started, StartServer(grpc));
  s->grpc_ = std::move(started.server);
  s->grpc_ports_ = started.tcp_ports;
  // The unix socket is for the local owner only.
  for (const std::string& a : config.listen) {
    if (a.rfind("unix:", 0) == 0) {
      std::filesystem::permissions(a.substr(5), std::filesystem::perms::owner_read |
                                                    std::filesystem::perms::owner_write, ec);
    }
  }
  return s;
}

VmmsServer::~VmmsServer() { Stop(); }

void VmmsServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (grpc_) grpc_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (manager_) manager_->Stop();
  metrics_.reset();
}

void VmmsServer::Wait() {
  if (grpc_) grpc_->Wait();
}

}  // namespace hv::vmms
