// Hyper-V hypercall ABI (TLFS; hyperv.md §3): the call-code table and the
// decode of the x64 register ABI, separate from any handling (OpenVMM
// hv1_hypercall style) so it is unit-tested without a CPU.
#ifndef HV_HYPERVISOR_SHIM_HYPERCALL_H_
#define HV_HYPERVISOR_SHIM_HYPERCALL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "hypervisor-shim/vm_exit.h"

namespace hv::shim {

// One row of the call-code table (codes from wire/tlfs.h HVCALL_*).
struct HypercallCodeInfo {
  uint16_t code;
  std::string_view name;  // TLFS name, e.g. "HvCallPostMessage"
  bool rep;               // a rep hypercall (uses rep count/start)
};
std::span<const HypercallCodeInfo> HypercallCodeTable();
// "HvCallPostMessage", or "HvCallUnknown(0x1234)"-style text for other codes.
std::string HypercallCodeName(uint16_t code);

// TLFS status names ("HV_STATUS_INVALID_HYPERCALL_CODE"); table in .cc.
std::string_view HvStatusName(uint16_t status);
std::span<const uint16_t> HvStatusTable();

// The decoded input value (RCX) plus the parameter registers.
struct HypercallInput {
  uint16_t code = 0;
  bool fast = false;
  uint16_t var_header_qwords = 0;
  bool nested = false;
  uint16_t rep_count = 0;
  uint16_t rep_start = 0;
  uint64_t input_param = 0;   // RDX: input GPA, or fast data
  uint64_t output_param = 0;  // R8: output GPA, or fast data
};

// Decodes the exit's registers. Returns HV_STATUS_SUCCESS, or
// HV_STATUS_INVALID_HYPERCALL_INPUT when a reserved bit is set or rep_start
// exceeds rep_count (TLFS "Hypercall Inputs").
uint16_t DecodeHypercall(const HypercallExit& exit, HypercallInput* input);

// RAX value: status in bits 0-15, reps completed in bits 32-43.
uint64_t HypercallResult(uint16_t status, uint16_t reps_completed = 0);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_HYPERCALL_H_
