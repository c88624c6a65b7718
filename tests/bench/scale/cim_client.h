// The scale benchmark's view of vmms: the few hv.cim.v1 calls it makes
// (DefineSystem, RequestStateChange, job polling, GetInstance and
// EnumerateInstances of Msvm_ComputerSystem, DestroySystem) plus the
// standard grpc.health.v1 Check as the "empty unary call" baseline, all on
// one channel to one vmms. Nothing but the public API is used.
// Every call has a deadline (CimClientOptions) and fails naming the call.
// Thread-safe (gRPC stubs are).
#ifndef HV_TESTS_BENCH_SCALE_CIM_CLIENT_H_
#define HV_TESTS_BENCH_SCALE_CIM_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "hv/cim/v1/cim.grpc.pb.h"

namespace hv::bench::scale {

// Parses a DSP0004 timestamp ("yyyymmddhhmmss.mmmmmm+ooo") to ms since the
// epoch. Fails on anything else (intervals, wildcards).
absl::StatusOr<int64_t> ParseCimTimestampMs(const std::string& text);

// The fields of one Msvm_ComputerSystem the benchmark reads.
struct VmInfo {
  hv::cim::v1::ObjectPath path;
  std::string id;            // Name (the GUID)
  std::string element_name;
  uint32_t enabled_state = 0;
  int64_t last_status_ms = 0;      // TimeOfLastStatusReport (vmms extension); 0 = NULL
  int64_t first_dm_status_ms = 0;  // TimeOfFirstDynamicMemoryStatus (vmms extension); 0 = NULL
};

// A Msvm_ConcreteJob's outcome.
struct JobInfo {
  uint32_t job_state = 0;   // 4 Running, 7 Completed, 8.. failures
  int64_t changed_ms = 0;   // TimeOfLastStateChange (the finish time once done)
  std::string error;        // ErrorDescription
};

struct MemorySpec {
  uint64_t startup_mib = 32;  // VirtualQuantity
  uint64_t minimum_mib = 32;  // Reservation
  uint64_t maximum_mib = 256; // Limit
};

class CimClient {
 public:
  // `address` is a gRPC target ("127.0.0.1:5990"). `deadline` bounds each call.
  CimClient(const std::string& address, absl::Duration deadline);

  // grpc.health.v1.Health/Check with an empty request on the same channel.
  absl::Status HealthCheck();
  // DefineSystem with Dynamic Memory on; returns the Msvm_ComputerSystem path.
  absl::StatusOr<hv::cim::v1::ObjectPath> DefineVm(const std::string& name, const MemorySpec& m);
  // RequestStateChange(state); returns the job path (return value 4096).
  absl::StatusOr<hv::cim::v1::ObjectPath> RequestStateChange(const hv::cim::v1::ObjectPath& vm,
                                                             uint32_t state);
  absl::StatusOr<JobInfo> GetJob(const hv::cim::v1::ObjectPath& job);
  // Polls the job (every `poll`) until it leaves Starting/Running, or fails
  // after `timeout`.
  absl::StatusOr<JobInfo> WaitJob(const hv::cim::v1::ObjectPath& job, absl::Duration poll,
                                  absl::Duration timeout);
  absl::StatusOr<VmInfo> GetVm(const hv::cim::v1::ObjectPath& vm);
  absl::StatusOr<std::vector<VmInfo>> EnumerateVms();
  absl::Status DestroyVm(const hv::cim::v1::ObjectPath& vm);

 private:
  absl::StatusOr<hv::cim::v1::InvokeMethodResponse> Invoke(const hv::cim::v1::ObjectPath& target,
                                                          const std::string& method,
                                                          std::vector<hv::cim::v1::ParamValue> in);

  const absl::Duration deadline_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<hv::cim::v1::CimService::Stub> stub_;
};

}  // namespace hv::bench::scale

#endif  // HV_TESTS_BENCH_SCALE_CIM_CLIENT_H_
