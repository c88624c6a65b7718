// GrpcWorkerFactory: the WorkerFactory that runs real vmwp processes and talks
// to them with hv.worker.v1 over their unix sockets. The one place in vmms
// that knows a worker is a process with a gRPC API.
#ifndef HV_VMMS_LAUNCHER_GRPC_WORKER_FACTORY_H_
#define HV_VMMS_LAUNCHER_GRPC_WORKER_FACTORY_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "vmms/lifecycle/worker_control.h"

namespace hv::vmms {

struct GrpcWorkerFactoryOptions {
  // The vmwp executable. Required.
  std::string worker_binary;
  // Per-VM directories are <state_dir>/vms/<vm id>/ (config, log, saved state,
  // exit record). Required.
  std::string state_dir;
  // Sockets are <socket_dir>/<vm id>.sock; unix socket paths are limited to
  // 107 bytes, so keep it short. Default: <state_dir>/sockets.
  std::string socket_dir;
  // Guest image for VMs that name none (the reference guest). May be empty.
  std::string default_guest_image;
  // How long a new worker may take until its control API answers. A restore
  // writes the whole saved RAM back first (about 1 s per 32 MiB on TCG), so
  // this is generous. Default 120 s.
  absl::Duration start_timeout = absl::Seconds(120);
  // Deadline of one control call (Save and Shutdown get 6x). Default 10 s.
  absl::Duration call_timeout = absl::Seconds(10);
  // File the worker leaves in its state dir after an abnormal exit.
  std::string exit_record_name = "exit-record.txtpb";
};

// Creates the factory; its process watcher thread runs until destruction.
// Thread-safe.
std::unique_ptr<WorkerFactory> MakeGrpcWorkerFactory(GrpcWorkerFactoryOptions options);

}  // namespace hv::vmms

#endif  // HV_VMMS_LAUNCHER_GRPC_WORKER_FACTORY_H_
