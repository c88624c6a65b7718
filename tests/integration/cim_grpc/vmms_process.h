// A real `vmms` daemon for integration tests: the built binary
// ($HV_BINARY_DIR/vmms/vmms) started as a child process on a private state
// directory, listening only on a unix socket there, with its default worker
// ($HV_BINARY_DIR/worker/vmwp) and guest image. Stopped with SIGTERM (VMs
// stopped: on_exit=stop) when the object goes away.
#ifndef HV_TESTS_INTEGRATION_CIM_GRPC_VMMS_PROCESS_H_
#define HV_TESTS_INTEGRATION_CIM_GRPC_VMMS_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hv/cim/v1/cim.grpc.pb.h"

namespace hv::testing {

class VmmsProcess {
 public:
  // What is missing for a real run ("" when the vmms binary, vmwp and the
  // guest image all exist).
  static std::string Missing();
  // Starts vmms with `budget_mib` and waits (up to 30 s) until hv.cim.v1 answers.
  static absl::StatusOr<std::unique_ptr<VmmsProcess>> Start(const std::string& name,
                                                            uint64_t budget_mib);
  ~VmmsProcess();
  // Stops vmms (SIGTERM; its VMs are turned off) and starts it again on the
  // same state directory and socket; waits as Start() does.
  absl::Status Restart();

  const std::string& address() const { return address_; }  // "unix:/.../vmms.sock"
  const std::string& dir() const { return dir_; }
  hv::cim::v1::CimService::Stub& stub() { return *stub_; }
  std::string Log() const;

 private:
  absl::Status Launch();  // starts the binary on dir_/address_ and waits for hv.cim.v1
  void Terminate();       // SIGTERM, then SIGKILL after 30 s
  pid_t pid_ = -1;
  uint64_t budget_mib_ = 0;
  std::string dir_, address_;
  std::unique_ptr<hv::cim::v1::CimService::Stub> stub_;
};

std::string BinaryDir();

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_CIM_GRPC_VMMS_PROCESS_H_
