// Sections of the Quick Migration state that hv.worker.v1.WorkerSavedState
// does not declare (yet): the proto is owned outside worker/, so this worker
// writes them as fields of WorkerSavedState with reserved numbers, in the
// protobuf wire format of the declarations they stand for:
//
//   message ShutdownVspState {            // kShutdownStateFields, by number
//     bool negotiated = 1; bool negotiation_refused = 2;
//     uint32 framework_version = 3; uint32 message_version = 4;  // major<<16|minor
//     uint64 opens = 5; ... uint64 bad_messages = 12; }
//   ShutdownVspState shutdown = 16;       // kSavedShutdownField
//   map<string, uint64> counters = 17;    // kSavedCountersField
//
// Declaring exactly these later reads the same bytes. Both sections are
// optional: a format-2 file written before them has neither (the Get*
// functions then return nullopt / an empty map), and protobuf keeps unknown
// fields through parse and serialize, so nothing else needs to know.
//
// Get* never trust the bytes: a wrong wire type, a duplicate or unknown
// field, or a value out of range is InvalidArgument naming the field
// ("shutdown.framework_version: ..."). Pure functions; thread-compatible.
#ifndef HV_WORKER_SAVED_STATE_EXTENSION_H_
#define HV_WORKER_SAVED_STATE_EXTENSION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"
#include "worker/devices/shutdown/shutdown_vsp.h"

namespace hv::worker {

inline constexpr int kSavedShutdownField = 16;
inline constexpr int kSavedCountersField = 17;

// Fields of the ShutdownVspState section are numbered 1..this.
inline constexpr int kShutdownStateFieldCount = 12;
// The proto name of ShutdownVspState field `number` ("framework_version" for
// 3); "" for a number outside 1..kShutdownStateFieldCount.
std::string_view ShutdownStateFieldName(int number);

// Replaces the shutdown section of `saved` with `s`.
void SetShutdownSection(const ShutdownSavedState& s, hv::worker::v1::WorkerSavedState& saved);
// The shutdown section, nullopt when the file has none. Errors: see above.
absl::StatusOr<std::optional<ShutdownSavedState>> GetShutdownSection(
    const hv::worker::v1::WorkerSavedState& saved);

// Replaces the counters section of `saved` with `counters` (name -> total).
void SetCountersSection(const std::map<std::string, uint64_t>& counters,
                        hv::worker::v1::WorkerSavedState& saved);
// The counters section (empty when the file has none). Names are not checked
// here (the caller knows which it carries); malformed entries and duplicate
// names are InvalidArgument naming "counters".
absl::StatusOr<std::map<std::string, uint64_t>> GetCountersSection(
    const hv::worker::v1::WorkerSavedState& saved);

}  // namespace hv::worker

#endif  // HV_WORKER_SAVED_STATE_EXTENSION_H_
