// Building a VM's partition from its WorkerConfig: the backend choice, the
// guest physical address space, the RAM at boot and the flat guest image
// with its boot info (wire/boot_info.h).
//
// Thread-compatible.
#ifndef HV_WORKER_GUEST_LOADER_H_
#define HV_WORKER_GUEST_LOADER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/partition.h"

namespace hv::worker {

// Hot-added memory comes in blocks of this alignment (DESIGN.md).
inline constexpr uint64_t kHotAddAlignment = 128ull << 20;
// Largest guest image accepted.
inline constexpr uint64_t kMaxGuestImageBytes = 64ull << 20;

// The backend kind a config's backend name stands for: "auto" (or empty) is
// the first of hv::shim::AvailableBackends(), "kvm"/"tcg" that kind (whether
// or not the host has it). InvalidArgument for another name.
absl::StatusOr<hv::shim::BackendKind> ResolveBackendKind(const std::string& name);

// The backend ResolveBackendKind(name) names (Unavailable if the host lacks
// it). InvalidArgument for another name.
absl::StatusOr<std::unique_ptr<hv::shim::Backend>> SelectBackend(const std::string& name);

// Partition options for the config: its name, vCPU count, and a GPA space
// covering the maximum memory plus one hot-add block of slack.
hv::shim::PartitionOptions PartitionOptionsFor(const hv::worker::v1::WorkerConfig& config);

// Reads the image file. NotFound, or InvalidArgument when empty or larger
// than kMaxGuestImageBytes.
absl::StatusOr<std::vector<uint8_t>> ReadGuestImage(const std::string& path);

// Maps the boot RAM [HV_BOOT_IMAGE_GPA, startup) and loads `image` with its
// boot info and entry registers. InvalidArgument if the image does not fit.
absl::Status BootGuest(hv::shim::Partition& partition, const hv::worker::v1::WorkerConfig& config,
                       const std::vector<uint8_t>& image);

}  // namespace hv::worker

#endif  // HV_WORKER_GUEST_LOADER_H_
