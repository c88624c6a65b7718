#include "hypervisor-shim/tcg/tcg_hooks.h"

#include "absl/strings/str_format.h"
#include "hypervisor-shim/hyperv_cpuid.h"
#include "hypervisor-shim/tcg/tcg_vcpu.h"

namespace hv::shim::tcg {
namespace {

uint64_t Rip(uc_engine* uc) {
  uint64_t rip = 0;
  uc_reg_read(uc, UC_X86_REG_RIP, &rip);
  return rip;
}

uint32_t SizeMask(int size) {
  return size >= 4 ? 0xFFFFFFFFu : ((1u << (8 * size)) - 1);
}

}  // namespace

absl::Status TcgHooks::Install(TcgPartition& p) {
  uc_engine* uc = p.uc();
  uc_hook h;
  struct Added {
    uc_err err;
    const char* what;
  } added[] = {
      {uc_hook_add(uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&In), &p, 1, 0,
                   UC_X86_INS_IN), "IN"},
      {uc_hook_add(uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&Out), &p, 1, 0,
                   UC_X86_INS_OUT), "OUT"},
      {uc_hook_add(uc, &h, UC_HOOK_INSN, reinterpret_cast<void*>(&Cpuid), &p, 1, 0,
                   UC_X86_INS_CPUID), "CPUID"},
      {uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, reinterpret_cast<void*>(&InvalidInsn), &p, 1,
                   0), "INSN_INVALID"},
      {uc_hook_add(uc, &h, UC_HOOK_BLOCK, reinterpret_cast<void*>(&Block), &p, 1, 0), "BLOCK"},
      {uc_hook_add(uc, &h, UC_HOOK_INTR, reinterpret_cast<void*>(&Interrupt), &p, 1, 0), "INTR"},
      {uc_hook_add(uc, &h, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&MemFault), &p, 1, 0),
       "MEM_INVALID"},
  };
  for (const Added& a : added) {
    if (a.err != UC_ERR_OK) {
      return absl::InternalError(absl::StrFormat("partition '%s': tcg: hook %s: %s", p.name(),
                                                 a.what, uc_strerror(a.err)));
    }
  }
  return absl::OkStatus();
}

uc_err TcgHooks::MapMmio(TcgPartition& p, uint64_t gpa, uint64_t size, void* range) {
  return uc_mmio_map(p.uc(), gpa, size, &MmioRead, range, &MmioWrite, range);
}

void TcgHooks::DeliverInHook(TcgPartition& p, VmExit& exit) {
  TcgVcpu* v = p.current_.load();
  if (v == nullptr) return;  // cannot happen: hooks run inside uc_emu_start
  if (p.Deliver(v, exit) == ExitAction::kReturn && p.hook_stop_ == TcgPartition::HookStop::kNone) {
    // Stop at the next block start (see tcg_partition.h on precision); the
    // rest of this block runs first.
    p.hook_stop_ = TcgPartition::HookStop::kReturn;
    p.hook_exit_ = exit;
    p.preempt_.store(true);
  }
}

void TcgHooks::Block(uc_engine* uc, uint64_t address, uint32_t size, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  if (p.preempt_.load(std::memory_order_relaxed) && p.preempt_.exchange(false)) {
    p.preempted_ = true;
    uc_emu_stop(uc);
  }
}

uint32_t TcgHooks::In(uc_engine* uc, uint32_t port, int size, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  VmExit exit;
  exit.reason = ExitReason::kIoInstruction;
  exit.rip = Rip(uc);
  exit.io.port = static_cast<uint16_t>(port);
  exit.io.size = static_cast<uint8_t>(size);
  exit.io.in = true;
  DeliverInHook(p, exit);
  return exit.io.value & SizeMask(size);
}

void TcgHooks::Out(uc_engine* uc, uint32_t port, int size, uint32_t value, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  VmExit exit;
  exit.reason = ExitReason::kIoInstruction;
  exit.rip = Rip(uc);
  exit.io.port = static_cast<uint16_t>(port);
  exit.io.size = static_cast<uint8_t>(size);
  exit.io.value = value & SizeMask(size);
  DeliverInHook(p, exit);
}

int TcgHooks::Cpuid(uc_engine* uc, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  if (p.probing_) return 0;  // let the engine model answer (ProbeLeaf1)
  uint64_t leaf = 0, subleaf = 0;
  uc_reg_read(uc, UC_X86_REG_RAX, &leaf);
  uc_reg_read(uc, UC_X86_REG_RCX, &subleaf);
  leaf &= 0xFFFFFFFFu;
  const bool ours = leaf == 1 || (leaf >= 0x40000000u && leaf <= 0x4000FFFFu);
  if (!ours) return 0;  // the engine's CPU model answers; no exit
  VmExit exit;
  exit.reason = ExitReason::kCpuid;
  exit.rip = Rip(uc);
  exit.cpuid.leaf = static_cast<uint32_t>(leaf);
  exit.cpuid.subleaf = static_cast<uint32_t>(subleaf);
  if (leaf == 1) {
    exit.cpuid.eax = p.leaf1_[0];
    exit.cpuid.ebx = p.leaf1_[1];
    exit.cpuid.ecx = p.leaf1_[2] | kCpuid1EcxHypervisorPresent;
    exit.cpuid.edx = p.leaf1_[3];
  } else if (std::optional<CpuidLeaf> l = HypervCpuidLeaf(exit.cpuid.leaf)) {
    exit.cpuid.eax = l->eax;
    exit.cpuid.ebx = l->ebx;
    exit.cpuid.ecx = l->ecx;
    exit.cpuid.edx = l->edx;
  }
  DeliverInHook(p, exit);
  uint64_t out[4] = {exit.cpuid.eax, exit.cpuid.ebx, exit.cpuid.ecx, exit.cpuid.edx};
  const int ids[4] = {UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX, UC_X86_REG_RDX};
  for (int i = 0; i < 4; ++i) uc_reg_write(uc, ids[i], &out[i]);
  return 1;  // skip the engine's own CPUID
}

bool TcgHooks::InvalidInsn(uc_engine* uc, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  const uint64_t rip = Rip(uc);
  uint8_t bytes[3] = {0, 0, 0};
  bool vmcall = p.ReadGpa(rip, bytes, sizeof(bytes)).ok() && bytes[0] == 0x0F &&
                bytes[1] == 0x01 && bytes[2] == 0xC1;
  if (vmcall) {
    p.hook_stop_ = TcgPartition::HookStop::kHypercall;
  } else {
    p.hook_stop_ = TcgPartition::HookStop::kInvalidOpcode;
    p.hook_exit_ = p.FaultExit(6);  // #UD
  }
  // 2.0.1 stops on `true`; 2.1 would continue, so stop explicitly (§7.12).
  uc_emu_stop(uc);
  return true;
}

void TcgHooks::Interrupt(uc_engine* uc, uint32_t intno, void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  if (p.hook_stop_ != TcgPartition::HookStop::kNone) return;
  p.hook_stop_ = TcgPartition::HookStop::kException;
  p.hook_exit_ = p.FaultExit(static_cast<uint8_t>(intno));
  uc_emu_stop(uc);
}

bool TcgHooks::MemFault(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                        void* user) {
  auto& p = *static_cast<TcgPartition*>(user);
  TcgVcpu* v = p.current_.load();
  VmExit exit;
  exit.reason = ExitReason::kEptViolation;
  exit.rip = Rip(uc);  // imprecise: the translation block's start (§4)
  exit.ept.gpa = addr;
  exit.ept.size = static_cast<uint8_t>(size);
  exit.ept.value = static_cast<uint64_t>(value);
  uint8_t need = kProtRead;
  switch (type) {
    case UC_MEM_WRITE_UNMAPPED: case UC_MEM_WRITE_PROT:
      exit.ept.access = kAccessWrite; need = kProtWrite; break;
    case UC_MEM_FETCH_UNMAPPED: case UC_MEM_FETCH_PROT:
      exit.ept.access = kAccessExecute; need = kProtExecute; break;
    default:
      exit.ept.access = kAccessRead; break;
  }
  exit.ept.mapped = type == UC_MEM_READ_PROT || type == UC_MEM_WRITE_PROT ||
                    type == UC_MEM_FETCH_PROT;
  if (v != nullptr && p.Deliver(v, exit) == ExitAction::kResume) {
    // The handler may have mapped or unprotected the page: retry the access.
    std::optional<MemoryRegion> r = p.FindRegion(addr);
    if (r && (r->prot & need)) return true;
  }
  if (p.hook_stop_ == TcgPartition::HookStop::kNone) {
    p.hook_stop_ = TcgPartition::HookStop::kFatal;
    p.hook_exit_ = exit;
  }
  return false;  // uc_emu_start fails with UC_ERR_*_UNMAPPED / *_PROT
}

uint64_t TcgHooks::MmioRead(uc_engine* uc, uint64_t offset, unsigned size, void* user) {
  auto* range = static_cast<TcgPartition::MmioRange*>(user);
  VmExit exit;
  exit.reason = ExitReason::kEptViolation;
  exit.rip = Rip(uc);
  exit.ept.gpa = range->base + offset;
  exit.ept.access = kAccessRead;
  exit.ept.mmio = true;
  exit.ept.size = static_cast<uint8_t>(size);
  DeliverInHook(*range->partition, exit);
  return exit.ept.value;
}

void TcgHooks::MmioWrite(uc_engine* uc, uint64_t offset, unsigned size, uint64_t value,
                         void* user) {
  auto* range = static_cast<TcgPartition::MmioRange*>(user);
  VmExit exit;
  exit.reason = ExitReason::kEptViolation;
  exit.rip = Rip(uc);
  exit.ept.gpa = range->base + offset;
  exit.ept.access = kAccessWrite;
  exit.ept.mmio = true;
  exit.ept.size = static_cast<uint8_t>(size);
  exit.ept.value = value;
  DeliverInHook(*range->partition, exit);
}

}  // namespace hv::shim::tcg
