// ShutdownVsp Save/Restore (Quick Migration): the negotiation and counters.
#include "absl/strings/str_format.h"
#include "worker/devices/ic/ic_negotiation.h"
#include "worker/devices/shutdown/shutdown_vsp.h"

namespace hv::worker {
namespace {

absl::Status BadField(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrFormat("shutdown saved state: %s: %s", field, why));
}

bool IsZero(vmbus_ic_version v) { return v.major == 0 && v.minor == 0; }

}  // namespace

ShutdownSavedState ShutdownVsp::Save() const {
  absl::MutexLock lock(&mu_);
  ShutdownSavedState s;
  s.negotiated = status_.negotiated;
  s.negotiation_refused = status_.negotiation_refused;
  s.framework_version = status_.framework_version;
  s.message_version = status_.message_version;
  s.opens = status_.opens;
  s.closes = status_.closes;
  s.negotiations_sent = status_.negotiations_sent;
  s.requests_sent = status_.requests_sent;
  s.responses = status_.responses;
  s.accepted = status_.accepted;
  s.refused = status_.refused;
  s.bad_messages = status_.bad_messages;
  return s;
}

absl::Status ShutdownVsp::Restore(const ShutdownSavedState& saved) {
  if (saved.negotiated && saved.negotiation_refused) {
    return BadField("negotiation_refused", "true on a negotiated channel");
  }
  if (saved.negotiated) {
    if (!IcVersionOffered(options_.framework_versions, saved.framework_version)) {
      return BadField("framework_version", absl::StrFormat("%u.%u is not offered by this host",
                                                           saved.framework_version.major,
                                                           saved.framework_version.minor));
    }
    if (!IcVersionOffered(options_.message_versions, saved.message_version)) {
      return BadField("message_version",
                      absl::StrFormat("%u.%u is not offered by this host",
                                      saved.message_version.major, saved.message_version.minor));
    }
  } else {
    if (!IsZero(saved.framework_version)) {
      return BadField("framework_version",
                      absl::StrFormat("%u.%u without a negotiation", saved.framework_version.major,
                                      saved.framework_version.minor));
    }
    if (!IsZero(saved.message_version)) {
      return BadField("message_version",
                      absl::StrFormat("%u.%u without a negotiation", saved.message_version.major,
                                      saved.message_version.minor));
    }
  }
  const bool answered = saved.negotiated || saved.negotiation_refused;
  if (answered && saved.negotiations_sent == 0) {
    return BadField("negotiations_sent", "0 but the guest answered a negotiation");
  }
  if (answered && saved.opens == 0) {
    return BadField("opens", "0 but the channel was negotiated");
  }
  if (saved.closes > saved.opens) {
    return BadField("closes", absl::StrFormat("%u exceeds opens %u", saved.closes, saved.opens));
  }
  if (saved.accepted > saved.responses || saved.refused != saved.responses - saved.accepted) {
    return BadField("responses", absl::StrFormat("%u is not accepted %u + refused %u",
                                                 saved.responses, saved.accepted, saved.refused));
  }
  if (saved.responses > saved.requests_sent) {
    return BadField("requests_sent", absl::StrFormat("%u is fewer than the %u responses",
                                                     saved.requests_sent, saved.responses));
  }
  absl::MutexLock lock(&mu_);
  status_ = ShutdownStatus{};
  status_.negotiated = saved.negotiated;
  status_.negotiation_refused = saved.negotiation_refused;
  status_.framework_version = saved.framework_version;
  status_.message_version = saved.message_version;
  status_.opens = saved.opens;
  status_.closes = saved.closes;
  status_.negotiations_sent = saved.negotiations_sent;
  status_.requests_sent = saved.requests_sent;
  status_.responses = saved.responses;
  status_.accepted = saved.accepted;
  status_.refused = saved.refused;
  status_.bad_messages = saved.bad_messages;
  restored_ = true;
  return absl::OkStatus();
}

void ShutdownVsp::OnRestore(PacketSink* sink) {
  {
    absl::MutexLock lock(&mu_);
    if (restored_) {
      // The channel the saved state was negotiated on, reopened by the VMBus
      // restore: not a new open, nothing to renegotiate once agreed.
      sink_ = sink;
      status_.open = true;
      status_.request_pending = false;
      next_negotiate_ = clock_->Now();
      return;
    }
  }
  OnOpen(sink);
}

absl::Status ShutdownVsp::CheckRestoredChannel() const {
  absl::MutexLock lock(&mu_);
  if (restored_ && status_.negotiated && !status_.open) {
    return BadField("negotiated", "true but the VMBus state has no open shutdown channel");
  }
  return absl::OkStatus();
}

}  // namespace hv::worker
