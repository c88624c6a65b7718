// RecordingSink: a PacketSink for device tests that keeps every in-band
// packet a device sends, or refuses them all with a chosen status (a full
// ring, a closed channel). Not thread-safe; tests drive devices from one
// thread.
#ifndef HV_WORKER_VMBUS_TESTING_RECORDING_SINK_H_
#define HV_WORKER_VMBUS_TESTING_RECORDING_SINK_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "worker/vmbus/vmbus_device.h"

namespace hv::worker::testing {

class RecordingSink : public PacketSink {
 public:
  // Appends `payload` to `sent`, or returns `refuse` (sending nothing) when
  // that is not OK.
  absl::Status SendInband(absl::Span<const uint8_t> payload) override;

  std::vector<std::vector<uint8_t>> sent;
  absl::Status refuse;  // OK: accept every packet
};

}  // namespace hv::worker::testing

#endif  // HV_WORKER_VMBUS_TESTING_RECORDING_SINK_H_
