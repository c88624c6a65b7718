// The Quick Migration state file a worker writes on Save and a new worker
// reads on restore: "HVWPSAVE" magic, a little-endian u64 length, the
// hv.worker.v1.WorkerSavedState message (config, device states, counters),
// then the hypervisor-shim snapshot (vCPU and synthetic registers, reference
// clock, guest RAM) byte for byte.
//
// Written atomically (temp file + fsync + rename): a crash mid-save never
// leaves a half file under the final name.
//
// Thread-compatible. REQUIRES for Write: the partition's vCPUs are paused.
#ifndef HV_WORKER_SAVED_STATE_FILE_H_
#define HV_WORKER_SAVED_STATE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"
#include "hypervisor-shim/partition.h"

namespace hv::worker {

// The WorkerSavedState format this worker writes and the only one it reads.
// 1 (CPU and RAM only; the guest's VMBus channels died on restore) is refused
// with a message saying so; 2 adds the device states.
inline constexpr uint32_t kSavedStateFormatVersion = 2;
inline constexpr char kSavedStateMagic[8] = {'H', 'V', 'W', 'P', 'S', 'A', 'V', 'E'};
// The worker state message is small; anything larger is a corrupt file.
inline constexpr uint64_t kMaxWorkerStateBytes = 64ull << 20;

// Writes `state` and a snapshot of `partition` to `path`. Internal with errno
// text on an I/O failure; nothing is left under `path` then.
absl::Status WriteSavedState(const std::string& path, const hv::worker::v1::WorkerSavedState& state,
                             hv::shim::Partition& partition);

// Reads only the worker part (to learn the config before building the
// partition). NotFound, or DataLoss for a file that is not a state file;
// FailedPrecondition for a state file of another format version.
absl::StatusOr<hv::worker::v1::WorkerSavedState> ReadSavedStateHeader(const std::string& path);

// Restores the snapshot part into `fresh` (a new partition built from the
// saved config). Errors as ReadSavedStateHeader and hv::shim::RestoreSnapshot.
absl::Status RestorePartitionFromSavedState(const std::string& path, hv::shim::Partition& fresh);

}  // namespace hv::worker

#endif  // HV_WORKER_SAVED_STATE_FILE_H_
