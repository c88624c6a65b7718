#include "worker/saved_state_sections.h"

#include "absl/strings/str_cat.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;

uint32_t PackVersion(vmbus_ic_version v) { return uint32_t{v.major} << 16 | v.minor; }
vmbus_ic_version UnpackVersion(uint32_t v) {
  return {static_cast<uint16_t>(v >> 16), static_cast<uint16_t>(v & 0xFFFF)};
}

}  // namespace

void SetShutdownSection(const ShutdownSavedState& s, pb::WorkerSavedState& saved) {
  pb::ShutdownVspState& out = *saved.mutable_shutdown();
  out.Clear();
  out.set_negotiated(s.negotiated);
  out.set_negotiation_refused(s.negotiation_refused);
  out.set_framework_version(PackVersion(s.framework_version));
  out.set_message_version(PackVersion(s.message_version));
  out.set_opens(s.opens);
  out.set_closes(s.closes);
  out.set_negotiations_sent(s.negotiations_sent);
  out.set_requests_sent(s.requests_sent);
  out.set_responses(s.responses);
  out.set_accepted(s.accepted);
  out.set_refused(s.refused);
  out.set_bad_messages(s.bad_messages);
}

absl::StatusOr<std::optional<ShutdownSavedState>> GetShutdownSection(
    const pb::WorkerSavedState& saved) {
  if (!saved.has_shutdown()) return std::optional<ShutdownSavedState>();
  const pb::ShutdownVspState& in = saved.shutdown();
  ShutdownSavedState s;
  s.negotiated = in.negotiated();
  s.negotiation_refused = in.negotiation_refused();
  s.framework_version = UnpackVersion(in.framework_version());
  s.message_version = UnpackVersion(in.message_version());
  s.opens = in.opens();
  s.closes = in.closes();
  s.negotiations_sent = in.negotiations_sent();
  s.requests_sent = in.requests_sent();
  s.responses = in.responses();
  s.accepted = in.accepted();
  s.refused = in.refused();
  s.bad_messages = in.bad_messages();
  return std::optional<ShutdownSavedState>(s);
}

void SetCountersSection(const std::map<std::string, uint64_t>& counters,
                        pb::WorkerSavedState& saved) {
  saved.clear_counters();
  for (const auto& [name, value] : counters) (*saved.mutable_counters())[name] = value;
}

absl::StatusOr<std::map<std::string, uint64_t>> GetCountersSection(
    const pb::WorkerSavedState& saved) {
  std::map<std::string, uint64_t> out;
  for (const auto& [name, value] : saved.counters()) {
    if (name.empty()) return absl::InvalidArgumentError("counters: an entry has no name");
    out.emplace(name, value);
  }
  return out;
}

}  // namespace hv::worker
