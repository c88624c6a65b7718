#include "hypervisor-shim/hypercall.h"

#include <string>

#include "absl/strings/str_format.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

constexpr HypercallCodeInfo kCodes[] = {
    {HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, "HvCallFlushVirtualAddressSpace", false},
    {HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, "HvCallFlushVirtualAddressList", true},
    {HVCALL_NOTIFY_LONG_SPIN_WAIT, "HvCallNotifyLongSpinWait", false},
    {HVCALL_SEND_IPI, "HvCallSendSyntheticClusterIpi", false},
    {HVCALL_GET_VP_REGISTERS, "HvCallGetVpRegisters", true},
    {HVCALL_SET_VP_REGISTERS, "HvCallSetVpRegisters", true},
    {HVCALL_POST_MESSAGE, "HvCallPostMessage", false},
    {HVCALL_SIGNAL_EVENT, "HvCallSignalEvent", false},
};

struct StatusInfo {
  uint16_t status;
  std::string_view name;
};
constexpr StatusInfo kStatuses[] = {
    {HV_STATUS_SUCCESS, "HV_STATUS_SUCCESS"},
    {HV_STATUS_INVALID_HYPERCALL_CODE, "HV_STATUS_INVALID_HYPERCALL_CODE"},
    {HV_STATUS_INVALID_HYPERCALL_INPUT, "HV_STATUS_INVALID_HYPERCALL_INPUT"},
    {HV_STATUS_INVALID_ALIGNMENT, "HV_STATUS_INVALID_ALIGNMENT"},
    {HV_STATUS_INVALID_PARAMETER, "HV_STATUS_INVALID_PARAMETER"},
    {HV_STATUS_ACCESS_DENIED, "HV_STATUS_ACCESS_DENIED"},
    {HV_STATUS_INVALID_PARTITION_STATE, "HV_STATUS_INVALID_PARTITION_STATE"},
    {HV_STATUS_OPERATION_DENIED, "HV_STATUS_OPERATION_DENIED"},
    {HV_STATUS_INSUFFICIENT_MEMORY, "HV_STATUS_INSUFFICIENT_MEMORY"},
    {HV_STATUS_INVALID_VP_INDEX, "HV_STATUS_INVALID_VP_INDEX"},
    {HV_STATUS_NOT_FOUND, "HV_STATUS_NOT_FOUND"},
    {HV_STATUS_INVALID_PORT_ID, "HV_STATUS_INVALID_PORT_ID"},
    {HV_STATUS_INVALID_CONNECTION_ID, "HV_STATUS_INVALID_CONNECTION_ID"},
    {HV_STATUS_INSUFFICIENT_BUFFERS, "HV_STATUS_INSUFFICIENT_BUFFERS"},
    {HV_STATUS_NOT_ACKNOWLEDGED, "HV_STATUS_NOT_ACKNOWLEDGED"},
    {HV_STATUS_TIME_OUT, "HV_STATUS_TIME_OUT"},
};
constexpr uint16_t kStatusValues[] = {
    HV_STATUS_SUCCESS,           HV_STATUS_INVALID_HYPERCALL_CODE,
    HV_STATUS_INVALID_HYPERCALL_INPUT, HV_STATUS_INVALID_ALIGNMENT,
    HV_STATUS_INVALID_PARAMETER, HV_STATUS_ACCESS_DENIED,
    HV_STATUS_INVALID_PARTITION_STATE, HV_STATUS_OPERATION_DENIED,
    HV_STATUS_INSUFFICIENT_MEMORY, HV_STATUS_INVALID_VP_INDEX,
    HV_STATUS_NOT_FOUND,         HV_STATUS_INVALID_PORT_ID,
    HV_STATUS_INVALID_CONNECTION_ID, HV_STATUS_INSUFFICIENT_BUFFERS,
    HV_STATUS_NOT_ACKNOWLEDGED,  HV_STATUS_TIME_OUT,
};
static_assert(std::size(kStatuses) == std::size(kStatusValues));

}  // namespace

std::span<const HypercallCodeInfo> HypercallCodeTable() { return kCodes; }

std::string HypercallCodeName(uint16_t code) {
  for (const HypercallCodeInfo& c : kCodes) {
    if (c.code == code) return std::string(c.name);
  }
  return absl::StrFormat("HvCallUnknown(0x%04x)", code);
}

std::string_view HvStatusName(uint16_t status) {
  for (const StatusInfo& s : kStatuses) {
    if (s.status == status) return s.name;
  }
  return "HV_STATUS_UNKNOWN";
}

std::span<const uint16_t> HvStatusTable() { return kStatusValues; }

uint16_t DecodeHypercall(const HypercallExit& exit, HypercallInput* in) {
  const uint64_t v = exit.input;
  if (v & HV_HYPERCALL_RSVD_MASK) return HV_STATUS_INVALID_HYPERCALL_INPUT;
  in->code = static_cast<uint16_t>(v & HV_HYPERCALL_CODE_MASK);
  in->fast = (v & HV_HYPERCALL_FAST_BIT) != 0;
  in->var_header_qwords =
      static_cast<uint16_t>((v & HV_HYPERCALL_VARHEAD_MASK) >> HV_HYPERCALL_VARHEAD_SHIFT);
  in->nested = (v & HV_HYPERCALL_NESTED_BIT) != 0;
  in->rep_count =
      static_cast<uint16_t>((v & HV_HYPERCALL_REP_COUNT_MASK) >> HV_HYPERCALL_REP_COUNT_SHIFT);
  in->rep_start =
      static_cast<uint16_t>((v & HV_HYPERCALL_REP_START_MASK) >> HV_HYPERCALL_REP_START_SHIFT);
  in->input_param = exit.input_param;
  in->output_param = exit.output_param;
  // TLFS: a rep start index beyond the count is invalid input.
  if (in->rep_start > in->rep_count) return HV_STATUS_INVALID_HYPERCALL_INPUT;
  return HV_STATUS_SUCCESS;
}

uint64_t HypercallResult(uint16_t status, uint16_t reps_completed) {
  return static_cast<uint64_t>(status) |
         (static_cast<uint64_t>(reps_completed & 0xFFF) << HV_HYPERCALL_RESULT_REPS_SHIFT);
}

}  // namespace hv::shim
