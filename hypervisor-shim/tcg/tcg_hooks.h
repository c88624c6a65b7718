// The Unicorn hook callbacks of a TcgPartition. They run on the engine thread
// inside uc_emu_start, turn each event into a VmExit and call the vCPU's
// ExitHandler there (IN/OUT, CPUID, MMIO, memory faults), or record why the
// engine must stop (VMCALL, #UD, exceptions) for TcgPartition::Step.
#ifndef HV_HYPERVISOR_SHIM_TCG_TCG_HOOKS_H_
#define HV_HYPERVISOR_SHIM_TCG_TCG_HOOKS_H_

#include <unicorn/unicorn.h>

#include "absl/status/status.h"
#include "hypervisor-shim/tcg/tcg_partition.h"

namespace hv::shim::tcg {

class TcgHooks {
 public:
  // Adds every hook to p.uc(); Internal on failure.
  static absl::Status Install(TcgPartition& p);
  // uc_mmio_map with the MMIO callbacks; `range` must outlive the mapping.
  static uc_err MapMmio(TcgPartition& p, uint64_t gpa, uint64_t size, void* range);

 private:
  static void Block(uc_engine* uc, uint64_t address, uint32_t size, void* user);
  static uint32_t In(uc_engine* uc, uint32_t port, int size, void* user);
  static void Out(uc_engine* uc, uint32_t port, int size, uint32_t value, void* user);
  static int Cpuid(uc_engine* uc, void* user);
  static bool InvalidInsn(uc_engine* uc, void* user);
  static void Interrupt(uc_engine* uc, uint32_t intno, void* user);
  static bool MemFault(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                       void* user);
  static uint64_t MmioRead(uc_engine* uc, uint64_t offset, unsigned size, void* user);
  static void MmioWrite(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value,
                        void* user);
  // Delivers an in-hook exit; a kReturn stops the engine at the next block.
  static void DeliverInHook(TcgPartition& p, VmExit& exit);
};

}  // namespace hv::shim::tcg

#endif  // HV_HYPERVISOR_SHIM_TCG_TCG_HOOKS_H_
