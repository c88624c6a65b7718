// What the Prometheus integration tests do to a real vmms over hv.cim.v1
// (gRPC): define a Dynamic Memory VM, start it and wait for its job, read
// instances of a class (the perf classes in root/cimv2), and find the
// /metrics port vmms chose (--metrics_port=0) in its "started" log line.
//
// Every call has a deadline; CIM failures come back as absl errors naming
// the VM or class and the CIM return value or job error. Thread-compatible.
#ifndef HV_TESTS_INTEGRATION_PROMETHEUS_VMMS_CIM_CLIENT_H_
#define HV_TESTS_INTEGRATION_PROMETHEUS_VMMS_CIM_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hv/cim/v1/cim.grpc.pb.h"
#include "tests/integration/cim_grpc/vmms_process.h"

namespace hv::testing {

struct DmVmSpec {
  std::string name;
  uint64_t startup_mib = 256;
  uint64_t minimum_mib = 128;
  uint64_t maximum_mib = 512;
  uint64_t buffer_percent = 20;
  std::string guest_command_line;  // vmms extension, e.g. "wl=alloc,64"; "" = idle guest
};

// DefineSystem (root/virtualization/v2) with Dynamic Memory enabled; returns
// the Msvm_ComputerSystem path.
absl::StatusOr<hv::cim::v1::ObjectPath> DefineDmVm(hv::cim::v1::CimService::Stub& stub,
                                                   const DmVmSpec& spec);

// RequestStateChange(2 = Enabled) and polls the job until it completes
// (JobState 7); any other end state or `timeout` is an error.
absl::Status StartVm(hv::cim::v1::CimService::Stub& stub, const hv::cim::v1::ObjectPath& vm,
                     absl::Duration timeout);

// EnumerateInstances of `class_name` in `name_space`.
absl::StatusOr<std::vector<hv::cim::v1::CimInstance>> Enumerate(hv::cim::v1::CimService::Stub& stub,
                                                                std::string_view name_space,
                                                                std::string_view class_name);

// The instance whose Name property is `name`, or nullptr.
const hv::cim::v1::CimInstance* FindByName(const std::vector<hv::cim::v1::CimInstance>& instances,
                                           std::string_view name);

// An unsigned scalar property; nullopt when absent, NULL or not unsigned.
std::optional<uint64_t> Unsigned(const hv::cim::v1::CimInstance& instance,
                                 std::string_view property);

// The port of "metrics=http://127.0.0.1:<port>/metrics" in a vmms log.
std::optional<int> MetricsPortFromLog(std::string_view log);

// Polls vmms's log until MetricsPortFromLog finds the port (vmms logs
// "started" just after its gRPC server answers).
absl::StatusOr<int> WaitMetricsPort(const VmmsProcess& vmms, absl::Duration timeout);

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_PROMETHEUS_VMMS_CIM_CLIENT_H_
