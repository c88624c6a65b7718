#include "hypervisor-shim/exit_reason.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"

namespace hv::shim {
namespace {

using R = ExitReason;
constexpr ExitReasonInfo kTable[] = {
    {R::kExceptionNmi, "EXIT_REASON_EXCEPTION_NMI"},
    {R::kExternalInterrupt, "EXIT_REASON_EXTERNAL_INTERRUPT"},
    {R::kTripleFault, "EXIT_REASON_TRIPLE_FAULT"},
    {R::kInitSignal, "EXIT_REASON_INIT_SIGNAL"},
    {R::kSipi, "EXIT_REASON_SIPI_SIGNAL"},
    {R::kIoSmi, "EXIT_REASON_IO_SMI"},
    {R::kOtherSmi, "EXIT_REASON_OTHER_SMI"},
    {R::kInterruptWindow, "EXIT_REASON_INTERRUPT_WINDOW"},
    {R::kNmiWindow, "EXIT_REASON_NMI_WINDOW"},
    {R::kTaskSwitch, "EXIT_REASON_TASK_SWITCH"},
    {R::kCpuid, "EXIT_REASON_CPUID"},
    {R::kGetsec, "EXIT_REASON_GETSEC"},
    {R::kHlt, "EXIT_REASON_HLT"},
    {R::kInvd, "EXIT_REASON_INVD"},
    {R::kInvlpg, "EXIT_REASON_INVLPG"},
    {R::kRdpmc, "EXIT_REASON_RDPMC"},
    {R::kRdtsc, "EXIT_REASON_RDTSC"},
    {R::kRsm, "EXIT_REASON_RSM"},
    {R::kVmcall, "EXIT_REASON_VMCALL"},
    {R::kVmclear, "EXIT_REASON_VMCLEAR"},
    {R::kVmlaunch, "EXIT_REASON_VMLAUNCH"},
    {R::kVmptrld, "EXIT_REASON_VMPTRLD"},
    {R::kVmptrst, "EXIT_REASON_VMPTRST"},
    {R::kVmread, "EXIT_REASON_VMREAD"},
    {R::kVmresume, "EXIT_REASON_VMRESUME"},
    {R::kVmwrite, "EXIT_REASON_VMWRITE"},
    {R::kVmxoff, "EXIT_REASON_VMOFF"},
    {R::kVmxon, "EXIT_REASON_VMON"},
    {R::kCrAccess, "EXIT_REASON_CR_ACCESS"},
    {R::kDrAccess, "EXIT_REASON_DR_ACCESS"},
    {R::kIoInstruction, "EXIT_REASON_IO_INSTRUCTION"},
    {R::kMsrRead, "EXIT_REASON_MSR_READ"},
    {R::kMsrWrite, "EXIT_REASON_MSR_WRITE"},
    {R::kInvalidGuestState, "EXIT_REASON_INVALID_STATE"},
    {R::kMsrLoadFail, "EXIT_REASON_MSR_LOAD_FAIL"},
    {R::kMwaitInstruction, "EXIT_REASON_MWAIT_INSTRUCTION"},
    {R::kMonitorTrapFlag, "EXIT_REASON_MONITOR_TRAP_FLAG"},
    {R::kMonitorInstruction, "EXIT_REASON_MONITOR_INSTRUCTION"},
    {R::kPauseInstruction, "EXIT_REASON_PAUSE_INSTRUCTION"},
    {R::kMceDuringVmentry, "EXIT_REASON_MCE_DURING_VMENTRY"},
    {R::kTprBelowThreshold, "EXIT_REASON_TPR_BELOW_THRESHOLD"},
    {R::kApicAccess, "EXIT_REASON_APIC_ACCESS"},
    {R::kEoiInduced, "EXIT_REASON_EOI_INDUCED"},
    {R::kGdtrIdtr, "EXIT_REASON_GDTR_IDTR"},
    {R::kLdtrTr, "EXIT_REASON_LDTR_TR"},
    {R::kEptViolation, "EXIT_REASON_EPT_VIOLATION"},
    {R::kEptMisconfig, "EXIT_REASON_EPT_MISCONFIG"},
    {R::kInvept, "EXIT_REASON_INVEPT"},
    {R::kRdtscp, "EXIT_REASON_RDTSCP"},
    {R::kPreemptionTimer, "EXIT_REASON_PREEMPTION_TIMER"},
    {R::kInvvpid, "EXIT_REASON_INVVPID"},
    {R::kWbinvd, "EXIT_REASON_WBINVD"},
    {R::kXsetbv, "EXIT_REASON_XSETBV"},
    {R::kApicWrite, "EXIT_REASON_APIC_WRITE"},
    {R::kRdrand, "EXIT_REASON_RDRAND"},
    {R::kInvpcid, "EXIT_REASON_INVPCID"},
    {R::kVmfunc, "EXIT_REASON_VMFUNC"},
    {R::kEncls, "EXIT_REASON_ENCLS"},
    {R::kRdseed, "EXIT_REASON_RDSEED"},
    {R::kPmlFull, "EXIT_REASON_PML_FULL"},
    {R::kXsaves, "EXIT_REASON_XSAVES"},
    {R::kXrstors, "EXIT_REASON_XRSTORS"},
    {R::kSppEvent, "EXIT_REASON_SPP"},
    {R::kUmwait, "EXIT_REASON_UMWAIT"},
    {R::kTpause, "EXIT_REASON_TPAUSE"},
    {R::kBusLock, "EXIT_REASON_BUS_LOCK"},
};

// Names for every number below the limit, reserved ones included.
const std::array<std::string, kExitReasonLimit>& Names() {
  static const auto* names = [] {
    auto* n = new std::array<std::string, kExitReasonLimit>;
    for (uint16_t i = 0; i < kExitReasonLimit; ++i) {
      (*n)[i] = absl::StrCat("EXIT_REASON_RESERVED_", i);
    }
    for (const ExitReasonInfo& info : kTable) {
      (*n)[static_cast<uint16_t>(info.reason)] = std::string(info.name);
    }
    return n;
  }();
  return *names;
}

}  // namespace

std::span<const ExitReasonInfo> ExitReasonTable() { return kTable; }

std::string_view ToString(ExitReason reason) {
  uint16_t n = static_cast<uint16_t>(reason);
  if (n >= kExitReasonLimit) return "EXIT_REASON_OUT_OF_RANGE";
  return Names()[n];
}

std::optional<ExitReason> ExitReasonFromNumber(uint16_t number) {
  for (const ExitReasonInfo& info : kTable) {
    if (static_cast<uint16_t>(info.reason) == number) return info.reason;
  }
  return std::nullopt;
}

}  // namespace hv::shim
