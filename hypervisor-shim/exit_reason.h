// VM-exit reasons, named and numbered after the Intel SDM basic exit reasons
// (SDM Vol. 3C Appendix C; names as in Linux arch/x86/include/uapi/asm/vmx.h,
// facts in ../shared/reference/hyperv.md §4). Both backends report their exits
// with these numbers, whatever the hardware (SVM) or software (Unicorn) below:
//
//   kExceptionNmi       guest exception the shim cannot deliver (TCG: no IDT delivery)
//   kExternalInterrupt  an external kick (Vcpu::Kick) ended the run
//   kTripleFault        shutdown: an exception with no IDT, KVM_EXIT_SHUTDOWN
//   kCpuid, kHlt, kVmcall (Hyper-V hypercall), kIoInstruction, kMsrRead, kMsrWrite
//   kEptViolation       access to an unmapped, protected or MMIO GPA
//   kInvalidGuestState  the backend refused to enter the guest
#ifndef HV_HYPERVISOR_SHIM_EXIT_REASON_H_
#define HV_HYPERVISOR_SHIM_EXIT_REASON_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace hv::shim {

// Basic exit reason (bits 15:0 of the VMCS exit-reason field).
enum class ExitReason : uint16_t {
  kExceptionNmi = 0x00,
  kExternalInterrupt = 0x01,
  kTripleFault = 0x02,
  kInitSignal = 0x03,
  kSipi = 0x04,
  kIoSmi = 0x05,
  kOtherSmi = 0x06,
  kInterruptWindow = 0x07,
  kNmiWindow = 0x08,
  kTaskSwitch = 0x09,
  kCpuid = 0x0A,
  kGetsec = 0x0B,
  kHlt = 0x0C,
  kInvd = 0x0D,
  kInvlpg = 0x0E,
  kRdpmc = 0x0F,
  kRdtsc = 0x10,
  kRsm = 0x11,
  kVmcall = 0x12,
  kVmclear = 0x13,
  kVmlaunch = 0x14,
  kVmptrld = 0x15,
  kVmptrst = 0x16,
  kVmread = 0x17,
  kVmresume = 0x18,
  kVmwrite = 0x19,
  kVmxoff = 0x1A,
  kVmxon = 0x1B,
  kCrAccess = 0x1C,
  kDrAccess = 0x1D,
  kIoInstruction = 0x1E,
  kMsrRead = 0x1F,
  kMsrWrite = 0x20,
  kInvalidGuestState = 0x21,
  kMsrLoadFail = 0x22,
  kMwaitInstruction = 0x24,
  kMonitorTrapFlag = 0x25,
  kMonitorInstruction = 0x27,
  kPauseInstruction = 0x28,
  kMceDuringVmentry = 0x29,
  kTprBelowThreshold = 0x2B,
  kApicAccess = 0x2C,
  kEoiInduced = 0x2D,
  kGdtrIdtr = 0x2E,
  kLdtrTr = 0x2F,
  kEptViolation = 0x30,
  kEptMisconfig = 0x31,
  kInvept = 0x32,
  kRdtscp = 0x33,
  kPreemptionTimer = 0x34,
  kInvvpid = 0x35,
  kWbinvd = 0x36,
  kXsetbv = 0x37,
  kApicWrite = 0x38,
  kRdrand = 0x39,
  kInvpcid = 0x3A,
  kVmfunc = 0x3B,
  kEncls = 0x3C,
  kRdseed = 0x3D,
  kPmlFull = 0x3E,
  kXsaves = 0x3F,
  kXrstors = 0x40,
  kSppEvent = 0x42,
  kUmwait = 0x43,
  kTpause = 0x44,
  kBusLock = 0x4A,
};

// One past the largest basic exit reason in the table; per-reason counter arrays
// are this long.
inline constexpr uint16_t kExitReasonLimit = 0x4B;

// One row of the exit-reason table: the SDM number and the SDM/Linux name.
struct ExitReasonInfo {
  ExitReason reason;
  std::string_view name;  // e.g. "EXIT_REASON_IO_INSTRUCTION"
};

// The whole table, in numeric order (gaps are reserved numbers in the SDM).
std::span<const ExitReasonInfo> ExitReasonTable();

// "EXIT_REASON_HLT"; "EXIT_REASON_RESERVED_<n>" for a number not in the table.
std::string_view ToString(ExitReason reason);

// The reason with that basic number, or nullopt for a reserved number.
std::optional<ExitReason> ExitReasonFromNumber(uint16_t number);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_EXIT_REASON_H_
