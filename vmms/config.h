// vmms configuration: defaults, then a config file (`key = value` lines, `#`
// comments), then command-line flags (`--key=value`), later ones winning.
// Every key is documented in VmmsConfig and printed by `vmms --help`.
#ifndef HV_VMMS_CONFIG_H_
#define HV_VMMS_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hv::vmms {

struct VmmsConfig {
  // Directory for the database and per-VM state. Default ./var.
  std::string state_dir = "var";
  // SQLite database. Default <state_dir>/vmms.db.
  std::string database;
  // gRPC (hv.cim.v1) listen addresses, comma-separated. Default loopback and a
  // unix socket: 127.0.0.1:5990 and unix:<state_dir>/vmms.sock. Nothing else
  // unless configured.
  std::vector<std::string> listen;
  // Prometheus /metrics on 127.0.0.1:<metrics_port>. Default 9182; 0 = any free port.
  int metrics_port = 9182;
  // The vmwp executable. Default: ../worker/vmwp next to the vmms binary.
  std::string worker_binary;
  // Guest image for VMs that name none. Default: ../guest/hv_guest.bin next to vmms.
  std::string guest_image;
  // Memory for VMs, MiB. Default: MemAvailable minus host_reserve_mib.
  uint64_t budget_mib = 0;
  // Memory kept for the host, MiB. Default: max(1024, 10 % of MemTotal).
  uint64_t host_reserve_mib = 0;
  // Dynamic Memory balancing interval. Default 1 s.
  absl::Duration balancer_interval = absl::Seconds(1);
  // On SIGTERM: "leave" VMs running for the next vmms (default) or "stop" them.
  std::string on_exit = "leave";
  // Config file read before the flags (itself only a flag).
  std::string config_file;
};

// Parses `args` (argv without argv[0]). `program_dir` resolves the default
// worker and guest paths. Fails naming the bad key or value.
absl::StatusOr<VmmsConfig> ParseConfig(const std::vector<std::string>& args,
                                       absl::string_view program_dir);

// Fills the defaults that depend on the host: budget from /proc/meminfo
// (`meminfo_text` is its content, passed in for tests).
absl::Status ResolveMemoryDefaults(VmmsConfig& config, absl::string_view meminfo_text);

std::string ConfigHelp();

}  // namespace hv::vmms

#endif  // HV_VMMS_CONFIG_H_
