#include "hypervisor-shim/vm_exit.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hv::shim {

std::string VmExit::DebugString() const {
  std::string s(ToString(reason));
  switch (reason) {
    case ExitReason::kIoInstruction:
      absl::StrAppendFormat(&s, " port=0x%x %s size=%u value=0x%x%s%s", io.port,
                            io.in ? "in" : "out", io.size, io.value, io.string ? " string" : "",
                            io.rep ? " rep" : "");
      break;
    case ExitReason::kEptViolation:
      absl::StrAppendFormat(&s, " gpa=0x%x access=%s%s%s %s", ept.gpa,
                            (ept.access & kAccessRead) ? "r" : "",
                            (ept.access & kAccessWrite) ? "w" : "",
                            (ept.access & kAccessExecute) ? "x" : "",
                            ept.mmio ? "mmio" : (ept.mapped ? "protected" : "unmapped"));
      if (ept.mmio) absl::StrAppendFormat(&s, " size=%u value=0x%x", ept.size, ept.value);
      break;
    case ExitReason::kCpuid:
      absl::StrAppendFormat(&s, " leaf=0x%x subleaf=0x%x", cpuid.leaf, cpuid.subleaf);
      break;
    case ExitReason::kVmcall:
      absl::StrAppendFormat(&s, " rcx=0x%x rdx=0x%x r8=0x%x result=0x%x", hypercall.input,
                            hypercall.input_param, hypercall.output_param, hypercall.result);
      break;
    case ExitReason::kMsrRead:
    case ExitReason::kMsrWrite:
      absl::StrAppendFormat(&s, " msr=0x%x value=0x%x", msr.index, msr.value);
      break;
    case ExitReason::kExceptionNmi:
      absl::StrAppendFormat(&s, " vector=%u", exception.vector);
      break;
    default:
      break;
  }
  absl::StrAppendFormat(&s, " rip=0x%x", rip);
  return s;
}

bool IsFatal(const VmExit& exit) {
  switch (exit.reason) {
    case ExitReason::kTripleFault:
    case ExitReason::kExceptionNmi:
    case ExitReason::kInvalidGuestState:
    case ExitReason::kMceDuringVmentry:
    case ExitReason::kEptMisconfig:
      return true;
    case ExitReason::kEptViolation:
      return !exit.ept.mmio;
    default:
      return false;
  }
}

}  // namespace hv::shim
