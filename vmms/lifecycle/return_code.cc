#include "vmms/lifecycle/return_code.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"

namespace hv::vmms {
namespace {
constexpr char kPayloadUrl[] = "type.hv/vmms.ReturnCode";
}  // namespace

absl::Status WithReturnCode(absl::Status status, StateChangeReturn code) {
  status.SetPayload(kPayloadUrl, absl::Cord(std::to_string(static_cast<uint32_t>(code))));
  return status;
}

std::optional<StateChangeReturn> ReturnCodeOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  uint32_t value = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &value)) return std::nullopt;
  return static_cast<StateChangeReturn>(value);
}

}  // namespace hv::vmms
