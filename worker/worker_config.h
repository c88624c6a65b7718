// WorkerConfig loading and validation: the text-proto file vmms writes for one
// VM (hv.worker.v1.WorkerConfig), plus the command-line overrides vmwp accepts.
//
// Thread-safe (pure functions).
#ifndef HV_WORKER_WORKER_CONFIG_H_
#define HV_WORKER_WORKER_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv::worker {

// Largest guest (maximum memory) a worker accepts, MiB.
inline constexpr uint64_t kMaxGuestMib = 64 * 1024;
// Longest unix socket path (sun_path is 108 bytes including the NUL).
inline constexpr size_t kMaxSocketPathBytes = 107;

// Parses `text` as a WorkerConfig text proto. InvalidArgument naming the
// line for a syntax error or an unknown field.
absl::StatusOr<hv::worker::v1::WorkerConfig> ParseWorkerConfig(const std::string& text);

// Reads and parses the file. NotFound / PermissionDenied (with errno text) if
// it cannot be read; InvalidArgument as ParseWorkerConfig.
absl::StatusOr<hv::worker::v1::WorkerConfig> LoadWorkerConfig(const std::string& path);

// Fills defaults: vm_name from vm_id, backend "auto", vcpu_count 1, buffer
// 20 %, weight 5000; for static memory minimum = maximum = startup.
void ApplyConfigDefaults(hv::worker::v1::WorkerConfig& config);

// Checks every field: vm_id non-empty, 1 <= vcpu_count <= 4, backend in
// {auto, kvm, tcg}, startup >= 16 MiB, minimum <= startup <= maximum <=
// kMaxGuestMib, buffer 5..2000, weight <= 10000, guest_image set unless
// restoring, socket_path absolute and short enough, state_dir set.
// InvalidArgument naming the VM and the field.
absl::Status ValidateWorkerConfig(const hv::worker::v1::WorkerConfig& config);

// Name used in error messages: vm_name, else vm_id, else "vm".
std::string VmDisplayName(const hv::worker::v1::WorkerConfig& config);

}  // namespace hv::worker

#endif  // HV_WORKER_WORKER_CONFIG_H_
