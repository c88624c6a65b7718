// The optional format-2 sections of hv.worker.v1.WorkerSavedState that are
// not a device's own proto: the Shutdown IC (field 16, ShutdownVspState) and
// the cumulative VM counters (field 17, map<string, uint64> counters).
//
// Both are optional: a format-2 file written before them has neither (the
// Get* functions then return nullopt / an empty map). The bytes are
// untrusted: a value out of range is InvalidArgument naming the field
// ("shutdown.framework_version: ..."); the VSP's own Restore judges whether
// the values are a state it can be in. Pure functions; thread-compatible.
#ifndef HV_WORKER_SAVED_STATE_SECTIONS_H_
#define HV_WORKER_SAVED_STATE_SECTIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"
#include "worker/devices/shutdown/shutdown_vsp.h"

namespace hv::worker {

// Replaces the shutdown section of `saved` with `s`.
void SetShutdownSection(const ShutdownSavedState& s, hv::worker::v1::WorkerSavedState& saved);
// The shutdown section, nullopt when the file has none.
absl::StatusOr<std::optional<ShutdownSavedState>> GetShutdownSection(
    const hv::worker::v1::WorkerSavedState& saved);

// Replaces the counters section of `saved` with `counters` (name -> total).
void SetCountersSection(const std::map<std::string, uint64_t>& counters,
                        hv::worker::v1::WorkerSavedState& saved);
// The counters section (empty when the file has none). Names are not checked
// here (the caller knows which it carries); an empty name is InvalidArgument
// naming "counters".
absl::StatusOr<std::map<std::string, uint64_t>> GetCountersSection(
    const hv::worker::v1::WorkerSavedState& saved);

}  // namespace hv::worker

#endif  // HV_WORKER_SAVED_STATE_SECTIONS_H_
