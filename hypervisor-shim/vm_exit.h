// The qualification data of one VM exit. A plain struct: the backend fills the
// part named by `reason`, a handler may fill the outputs (marked "out"), and the
// backend applies the outputs when the guest resumes.
#ifndef HV_HYPERVISOR_SHIM_VM_EXIT_H_
#define HV_HYPERVISOR_SHIM_VM_EXIT_H_

#include <cstdint>
#include <string>

#include "hypervisor-shim/exit_reason.h"

namespace hv::shim {

// kIoInstruction (SDM Table 28-5: size, direction, string, REP, port).
struct IoExit {
  uint16_t port = 0;
  uint8_t size = 1;          // 1, 2 or 4 bytes
  bool in = false;           // true: IN (guest reads `value`), false: OUT
  bool string = false;       // INS/OUTS (KVM only; TCG cannot tell and reports false)
  bool rep = false;          // REP prefix, more than one element (KVM only)
  uint32_t value = 0;        // OUT: the data. IN (out): what the guest reads; default 0
};

// Access type bits, as in the EPT-violation qualification bits 0-2.
enum MemoryAccess : uint8_t {
  kAccessRead = 1u << 0,
  kAccessWrite = 1u << 1,
  kAccessExecute = 1u << 2,
};

// kEptViolation: the guest touched `gpa` and the memory map had no RAM there
// (unmapped), or the RAM there forbids the access (protected), or it is an
// MMIO range registered with Partition::RegisterMmio (mmio == true).
struct EptViolationExit {
  uint64_t gpa = 0;
  uint8_t access = 0;        // MemoryAccess bits
  bool mapped = false;       // true: RAM is there but protection denies the access
  bool mmio = false;         // true: a registered MMIO range; size/value are valid
  uint8_t size = 0;          // access size in bytes (TCG splits 8-byte MMIO into two 4s)
  uint64_t value = 0;        // MMIO write: the data. MMIO read (out): what the guest reads
};

// kCpuid. Inputs leaf/subleaf; outputs (out) eax..edx, preset by the backend to
// its own answer (Hyper-V leaves included). KVM answers CPUID in the kernel, so
// this exit occurs on TCG only.
struct CpuidExit {
  uint32_t leaf = 0;
  uint32_t subleaf = 0;
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

// kVmcall: a Hyper-V hypercall through the hypercall page (wire/tlfs.h).
// x64 ABI: RCX input value, RDX input GPA or fast data, R8 output GPA or fast
// data; `result` (out) goes to RAX. Preset to HV_STATUS_INVALID_HYPERCALL_CODE.
struct HypercallExit {
  uint64_t input = 0;        // RCX
  uint64_t input_param = 0;  // RDX
  uint64_t output_param = 0; // R8
  uint64_t result = 0;       // RAX on return (out)
};

// kMsrRead / kMsrWrite (KVM only, for MSRs KVM hands to userspace).
struct MsrExit {
  uint32_t index = 0;
  uint64_t value = 0;        // write: data; read (out): the value returned
  bool fault = false;        // (out) inject #GP instead
};

// kExceptionNmi: an exception the shim could not deliver.
struct ExceptionExit {
  uint8_t vector = 0;        // 6 = #UD, 13 = #GP, 14 = #PF ...
};

// One VM exit. `rip` is the guest RIP at the exit. It is precise on KVM and
// for TCG's HLT, VMCALL, kick and fault exits; TCG's in-hook exits (I/O,
// CPUID, MMIO, memory faults) report the start of the translation block
// (Unicorn 2.0.1 does not sync RIP there; software-cpu.md §4).
struct VmExit {
  ExitReason reason = ExitReason::kExternalInterrupt;
  uint64_t rip = 0;
  IoExit io;
  EptViolationExit ept;
  CpuidExit cpuid;
  HypercallExit hypercall;
  MsrExit msr;
  ExceptionExit exception;

  // "EXIT_REASON_IO_INSTRUCTION port=0x3f8 out size=1 value=0x41 rip=0x100005".
  std::string DebugString() const;
};

// True for exits after which the vCPU cannot be resumed (triple fault, an
// undeliverable exception, an EPT violation no handler resolved, a failed
// entry). Run() returns these whatever the handler says.
bool IsFatal(const VmExit& exit);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_VM_EXIT_H_
