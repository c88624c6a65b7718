// DynmemVm: an in-process VM for the Dynamic Memory integration tests: a
// hypervisor-shim partition running the reference guest, with the VMBus host,
// the DM VSP applying results to the partition, the heartbeat IC and the
// workload control channel. This is the assembly the worker process (vmwp)
// performs, minus gRPC.
#ifndef HV_TESTS_INTEGRATION_DYNMEM_DYNMEM_VM_H_
#define HV_TESTS_INTEGRATION_DYNMEM_DYNMEM_VM_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/device_bus.h"
#include "hypervisor-shim/exit_dispatcher.h"
#include "hypervisor-shim/hypercall_dispatcher.h"
#include "hypervisor-shim/vcpu_runner.h"
#include "worker/devices/dynmem/dm_vsp.h"
#include "worker/devices/dynmem/partition_dm_memory.h"
#include "worker/devices/heartbeat/heartbeat_vsp.h"
#include "worker/devices/workload/workload_vsp.h"
#include "worker/vmbus/vmbus_host.h"

namespace hv::worker::testing {

struct DynmemVmOptions {
  shim::BackendKind backend = shim::BackendKind::kTcg;
  uint64_t startup_mib = 256;
  uint64_t maximum_mib = 768;
  std::string command_line;
  // DM versions the VSP accepts (default: 2.0, 1.0, 0.3).
  std::vector<uint32_t> dm_versions = DmVspOptions().accepted_versions;
  // MEM_HOT_ADD_REQUEST form (24 bytes with region, or 16).
  bool hot_add_with_region = true;
  absl::Duration transaction_timeout = absl::Seconds(10);
};

// Captures COM1 output.
class SerialCapture : public shim::BusDevice {
 public:
  void Write(uint64_t offset, uint8_t size, uint64_t value) override;
  std::string text() const;

 private:
  mutable absl::Mutex mu_;
  std::string text_ ABSL_GUARDED_BY(mu_);
};

class DynmemVm {
 public:
  // Unavailable when the backend is missing; NotFound without the guest image.
  static absl::StatusOr<std::unique_ptr<DynmemVm>> Create(const DynmemVmOptions& options);
  ~DynmemVm();

  absl::Status Start();
  // Polls `done` every 20 ms until true or `timeout`.
  bool WaitFor(const std::function<bool()>& done, absl::Duration timeout);

  shim::Partition& partition() { return *partition_; }
  DmVsp& dm() { return *dm_; }
  HeartbeatVsp& heartbeat() { return *heartbeat_; }
  WorkloadVsp& workload() { return workload_; }
  PartitionDmMemory& memory() { return *memory_; }
  VmbusHost& vmbus() { return *vmbus_; }
  std::string serial() const { return serial_.text(); }
  // Sends a workload command and waits until the guest has executed it.
  bool RunWorkload(const std::string& command, absl::Duration timeout);

 private:
  DynmemVm() = default;

  SystemClock clock_;
  EventLog events_;
  std::unique_ptr<shim::Backend> backend_;
  std::unique_ptr<shim::Partition> partition_;
  shim::HypercallDispatcher hypercalls_;
  shim::DeviceBus io_{"io"};
  SerialCapture serial_;
  std::unique_ptr<shim::DeviceBusHandler> buses_;
  std::unique_ptr<shim::CompositeExitHandler> handler_;
  std::unique_ptr<PartitionDmMemory> memory_;
  std::unique_ptr<DmVsp> dm_;
  std::unique_ptr<HeartbeatVsp> heartbeat_;
  WorkloadVsp workload_;
  std::unique_ptr<shim::VcpuRunner> runner_;
  std::unique_ptr<VmbusHost> vmbus_;
};

}  // namespace hv::worker::testing

#endif  // HV_TESTS_INTEGRATION_DYNMEM_DYNMEM_VM_H_
