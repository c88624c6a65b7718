// Starting a gRPC server the way every server in this project starts: the
// standard health service is always on, server reflection is on when the
// executable links gRPC's reflection library (vmms does; vmwp does not, see
// hv_grpc_runtime in cmake/dependencies.cmake), and the server listens only
// where it is told to (loopback TCP and/or a unix socket).
#ifndef HV_COMMON_GRPC_SERVER_H_
#define HV_COMMON_GRPC_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"

namespace hv {

struct ServerOptions {
  // Addresses in gRPC URI form: "127.0.0.1:0", "unix:/path/sock". A TCP port 0
  // picks a free port, reported in StartedServer::tcp_ports. Required, non-empty.
  std::vector<std::string> addresses;
  // Services to register; not owned, must outlive the server. Required,
  // non-empty: gRPC's health service cannot run in a server without a
  // synchronous service of its own.
  std::vector<grpc::Service*> services;
  // Largest request accepted, bytes. Default 16 MiB.
  int max_receive_bytes = 16 << 20;
  // Called once per finished call, on a gRPC thread, with the full method
  // name ("/hv.cim.v1.CimService/GetInstance"), the status code sent and the
  // time from the call's arrival to its status. Optional; keep it cheap.
  std::function<void(absl::string_view method, absl::StatusCode code, absl::Duration latency)>
      on_call_finished;
};

struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  // One entry per TCP address, in order: the port actually bound.
  std::vector<int> tcp_ports;
};

// Builds and starts the server. Fails (kInvalidArgument) without an address
// or a service, and (kUnavailable) naming the address when a port or socket
// path cannot be bound. Thread-safe.
absl::StatusOr<StartedServer> StartServer(const ServerOptions& options);

}  // namespace hv

#endif  // HV_COMMON_GRPC_SERVER_H_
