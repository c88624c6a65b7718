// A vmms daemon owned by the scale benchmark: the built binary started as a
// child on a private temporary state directory, gRPC and /metrics on
// loopback ports chosen by the kernel (read back from vmms's "started" log
// line), VMs turned off when it stops (--on_exit=stop). Also the process
// facts the benchmark reads from /proc (its workers and their PSS), which are
// host measurements, not API calls.
// Not thread-safe; one owner.
#ifndef HV_TESTS_BENCH_SCALE_VMMS_DAEMON_H_
#define HV_TESTS_BENCH_SCALE_VMMS_DAEMON_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hv::bench::scale {

struct VmmsDaemonOptions {
  // The build tree (vmms/vmms, worker/vmwp, guest/hv_guest.bin under it). Required.
  std::string binary_dir;
  // Memory budget for VMs, MiB. 0 (default): vmms's own default (MemAvailable minus reserve).
  uint64_t budget_mib = 0;
  // How long start-up may take before failing. Default 60 s.
  absl::Duration start_timeout = absl::Seconds(60);
};

class VmmsDaemon {
 public:
  // What is missing for a run under `binary_dir` ("" when vmms, vmwp and the guest exist).
  static std::string Missing(const std::string& binary_dir);
  // Starts vmms and waits for its "started" line; fails with the log on exit or timeout.
  static absl::StatusOr<std::unique_ptr<VmmsDaemon>> Start(const VmmsDaemonOptions& options);
  // Stop(), then removes the state directory.
  ~VmmsDaemon();

  // SIGTERM (vmms turns every VM off), waiting up to `timeout`; then SIGKILL
  // for vmms and any worker it left. Idempotent.
  void Stop(absl::Duration timeout);

  pid_t pid() const { return pid_; }
  const std::string& grpc_address() const { return grpc_address_; }  // "127.0.0.1:<port>"
  int metrics_port() const { return metrics_port_; }
  uint64_t budget_mib() const { return budget_mib_; }
  const std::string& state_dir() const { return dir_; }
  std::string Log() const;

  // Live worker processes (children of vmms), from /proc.
  std::vector<pid_t> WorkerPids() const;

 private:
  VmmsDaemon() = default;

  pid_t pid_ = -1;
  std::string dir_, grpc_address_;
  int metrics_port_ = 0;
  uint64_t budget_mib_ = 0;
  std::vector<pid_t> seen_workers_;  // for the SIGKILL sweep
};

// A process's memory from /proc/<pid>/smaps: total PSS, and the PSS of its
// anonymous mappings exactly `guest_mapping_bytes` long (a vmwp's guest RAM
// reservation; see GuestMappingBytes). 0 matches nothing.
struct ProcessMemory {
  uint64_t pss_bytes = 0;
  uint64_t guest_pss_bytes = 0;
};
absl::StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid, uint64_t guest_mapping_bytes);

// The size of the guest RAM reservation vmwp maps for a VM (the partition's
// max_gpa, worker/guest_loader.cc): max(maximum, startup) rounded up to
// 128 MiB, plus one 128 MiB hot-add block.
uint64_t GuestMappingBytes(uint64_t startup_mib, uint64_t maximum_mib);

// MemAvailable from /proc/meminfo, MiB (0 if unreadable).
uint64_t HostMemAvailableMib();

}  // namespace hv::bench::scale

#endif  // HV_TESTS_BENCH_SCALE_VMMS_DAEMON_H_
