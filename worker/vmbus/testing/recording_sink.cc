#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker::testing {

absl::Status RecordingSink::SendInband(absl::Span<const uint8_t> payload) {
  if (!refuse.ok()) return refuse;
  sent.emplace_back(payload.begin(), payload.end());
  return absl::OkStatus();
}

}  // namespace hv::worker::testing
