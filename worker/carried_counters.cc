#include "worker/carried_counters.h"

#include "absl/strings/str_cat.h"
#include "hypervisor-shim/exit_reason.h"

namespace hv::worker {
namespace {

uint64_t SaturatingAdd(uint64_t a, uint64_t b) { return a + b < a ? ~uint64_t{0} : a + b; }

bool IsExitReasonName(const std::string& name) {
  for (const hv::shim::ExitReasonInfo& info : hv::shim::ExitReasonTable()) {
    if (info.name == name) return true;
  }
  return false;
}

}  // namespace

absl::Status CarriedCounters::Restore(
    const google::protobuf::Map<std::string, uint64_t>& exit_counts,
    const std::map<std::string, uint64_t>& counters, uint64_t misbehaviour_restored) {
  std::map<std::string, uint64_t> exit_base;
  for (const auto& [name, n] : exit_counts) {
    if (!IsExitReasonName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("exit_counts['", name, "']: not an exit reason"));
    }
    if (n != 0) exit_base[name] = n;
  }
  uint64_t misbehaviour = 0;
  for (const auto& [name, n] : counters) {
    if (name != kCarriedMisbehaviourEvents) {
      return absl::InvalidArgumentError(
          absl::StrCat("counters['", name, "']: not a counter this vmwp carries"));
    }
    misbehaviour = n;
  }
  exit_base_ = std::move(exit_base);
  // The restored devices' share is counted by them again; a saved total
  // below it (a file edited by hand) carries nothing rather than wrapping.
  misbehaviour_base_ =
      misbehaviour > misbehaviour_restored ? misbehaviour - misbehaviour_restored : 0;
  return absl::OkStatus();
}

void CarriedCounters::Apply(hv::worker::v1::StatusReport& r) const {
  for (const auto& [name, base] : exit_base_) {
    uint64_t& n = (*r.mutable_exit_counts())[name];
    n = SaturatingAdd(n, base);
  }
  r.set_misbehaviour_events(SaturatingAdd(r.misbehaviour_events(), misbehaviour_base_));
}

std::map<std::string, uint64_t> CarriedCounters::SaveCounters(
    const hv::worker::v1::StatusReport& r) {
  return {{kCarriedMisbehaviourEvents, r.misbehaviour_events()}};
}

}  // namespace hv::worker
