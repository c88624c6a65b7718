#include "vmms/cim/state_mapping.h"

namespace hv::vmms::cim {

namespace {
struct StateRow {
  VmState state;
  uint16_t v2;
  uint16_t v1;
};
constexpr StateRow kStates[] = {
    {VmState::kUnknown, 0, 0},         {VmState::kRunning, 2, 2},
    {VmState::kOff, 3, 3},             {VmState::kShuttingDown, 4, 32774},
    {VmState::kSaved, 6, 32769},       {VmState::kPaused, 9, 32768},
    {VmState::kStarting, 10, 32770},   {VmState::kSaving, 32773, 32773},
    {VmState::kStopping, 32774, 32774}, {VmState::kPausing, 32776, 32776},
    {VmState::kResuming, 32777, 32777},
};
struct RequestRow {
  uint32_t v1;
  uint32_t v2;
};
constexpr RequestRow kRequests[] = {
    {2, 2},      // Enabled: start / resume / restore
    {3, 3},      // Disabled: turn off
    {10, 11},    // v1 "Reset" is a hard reset (v2 11)
    {32768, 9},  // Paused
    {32769, 6},  // Suspended = saved
};
}  // namespace

uint16_t EnabledStateFor(VmState state, bool v1) {
  for (const StateRow& r : kStates) {
    if (r.state == state) return v1 ? r.v1 : r.v2;
  }
  return 0;
}

std::optional<uint32_t> V1RequestToV2(uint32_t v1_request) {
  for (const RequestRow& r : kRequests) {
    if (r.v1 == v1_request) return r.v2;
  }
  return std::nullopt;
}

}  // namespace hv::vmms::cim
