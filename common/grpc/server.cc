#include "common/grpc/server.h"

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/server_interceptor.h"

namespace hv {
namespace {

using CallFinished = std::function<void(absl::string_view, absl::StatusCode, absl::Duration)>;

// Times one call from its creation (when the call arrives) to the status it sends.
class CallObserver : public grpc::experimental::Interceptor {
 public:
  CallObserver(const char* method, const CallFinished* done)
      : method_(method ? method : "?"), done_(done), start_(absl::Now()) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status s = methods->GetSendStatus();
      (*done_)(method_, static_cast<absl::StatusCode>(s.error_code()), absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  const char* method_;
  const CallFinished* done_;
  absl::Time start_;
};

class CallObserverFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallObserverFactory(CallFinished done) : done_(std::move(done)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallObserver(info->method(), &done_);
  }

 private:
  CallFinished done_;
};

}  // namespace

absl::StatusOr<StartedServer> StartServer(const ServerOptions& options) {
  if (options.addresses.empty()) {
    return absl::InvalidArgumentError("grpc server: no listen address given");
  }
  if (options.services.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grpc server on ", absl::StrJoin(options.addresses, ", "), ": no service to serve"));
  }
  // A process-wide switch in gRPC; setting it again is harmless. (Reflection
  // registers itself when its library is loaded.)
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  // gRPC sets SO_REUSEPORT by default, which lets a second server silently
  // share a port that is already in use. Ours must fail instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  std::vector<std::unique_ptr<int>> ports;
  for (const std::string& address : options.addresses) {
    auto port = std::make_unique<int>(0);
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(),
                             absl::StartsWith(address, "unix:") ? nullptr : port.get());
    ports.push_back(std::move(port));
  }
  for (grpc::Service* service : options.services) builder.RegisterService(service);
  if (options.on_call_finished) {
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::make_unique<CallObserverFactory>(options.on_call_finished));
    builder.experimental().SetInterceptorCreators(std::move(creators));
  }

  StartedServer started;
  started.server = builder.BuildAndStart();
  if (started.server == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "grpc server: cannot listen on ", absl::StrJoin(options.addresses, ", "),
        " (address in use or not permitted)"));
  }
  for (size_t i = 0; i < options.addresses.size(); ++i) {
    if (absl::StartsWith(options.addresses[i], "unix:")) continue;
    if (*ports[i] == 0) {
      started.server->Shutdown();
      return absl::UnavailableError(
          absl::StrCat("grpc server: cannot bind ", options.addresses[i]));
    }
    started.tcp_ports.push_back(*ports[i]);
  }
  return started;
}

}  // namespace hv
