// The engine thread's inner loop: one vCPU slice, one uc_emu_start, and the
// classification of why Unicorn stopped (software-cpu.md §4, §7).
#include "absl/strings/str_format.h"
#include "hypervisor-shim/hypercall.h"
#include "hypervisor-shim/tcg/tcg_partition.h"
#include "hypervisor-shim/tcg/tcg_vcpu.h"
#include "wire/tlfs.h"

namespace hv::shim::tcg {
namespace {
constexpr uint64_t kVmcallLength = 3;  // 0F 01 C1

uint64_t Reg(uc_engine* uc, int id) {
  uint64_t v = 0;
  uc_reg_read(uc, id, &v);
  return v;
}
}  // namespace

ExitAction TcgPartition::Deliver(TcgVcpu* v, VmExit& exit) {
  return v->handler()->HandleExit(*v, exit);
}

VmExit TcgPartition::FaultExit(uint8_t vector) {
  // Unicorn never delivers through the IDT. With no IDT the architecture
  // escalates to a triple fault (SDM 6.15 "Double Fault"), which is what we
  // report; with an IDT we report the undeliverable vector.
  VmExit exit;
  exit.rip = Reg(uc_, UC_X86_REG_RIP);
  uc_x86_mmr idtr{};
  uc_reg_read(uc_, UC_X86_REG_IDTR, &idtr);
  if (idtr.limit == 0) {
    exit.reason = ExitReason::kTripleFault;
  } else {
    exit.reason = ExitReason::kExceptionNmi;
    exit.exception.vector = vector;
  }
  return exit;
}

void TcgPartition::RunSlice(TcgVcpu* v) {
  uc_context_restore(uc_, v->context());
  loaded_ = v;
  absl::StatusOr<VmExit> out = VmExit{};
  bool finished = false;
  for (;;) {
    if (!Step(v, &out)) {
      finished = true;
      break;
    }
    if (slice_expired_.exchange(false) || mem_waiters_.load() > 0) break;
  }
  uc_context_save(uc_, v->context());
  if (finished) Finish(v, std::move(out));
}

bool TcgPartition::Step(TcgVcpu* v, absl::StatusOr<VmExit>* out) {
  if (v->TakeKick()) {
    VmExit exit;
    exit.reason = ExitReason::kExternalInterrupt;
    exit.rip = Reg(uc_, UC_X86_REG_RIP);
    Deliver(v, exit);  // for statistics; a kick always returns
    *out = exit;
    return false;
  }
  hook_stop_ = HookStop::kNone;
  preempted_ = false;
  const uint64_t rip = Reg(uc_, UC_X86_REG_RIP);
  current_.store(v);
  // A kick before this point is caught here; a later one has set preempt_,
  // which the block hook honours at the first block start.
  if (v->kick_pending()) {
    current_.store(nullptr);
    return true;
  }
  uc_err err = uc_emu_start(uc_, rip, kNoUntil, 0, 0);
  current_.store(nullptr);
  switch (hook_stop_) {
    case HookStop::kHypercall:
      return HandleHypercall(v, out);
    case HookStop::kInvalidOpcode:
    case HookStop::kException:
      Deliver(v, hook_exit_);
      [[fallthrough]];
    case HookStop::kFatal:
      v->MarkDead();
      *out = hook_exit_;
      return false;
    case HookStop::kReturn:
      *out = hook_exit_;
      return false;
    case HookStop::kNone:
      break;
  }
  if (err != UC_ERR_OK) {
    VmExit exit;
    exit.reason = ExitReason::kInvalidGuestState;
    exit.rip = Reg(uc_, UC_X86_REG_RIP);
    Deliver(v, exit);
    v->MarkDead();
    *out = absl::InternalError(absl::StrFormat("partition '%s' vcpu %u: tcg stopped: %s at 0x%x",
                                               name(), v->index(), uc_strerror(err), exit.rip));
    return false;
  }
  return HandleQuietStop(v, out);
}

bool TcgPartition::HandleQuietStop(TcgVcpu* v, absl::StatusOr<VmExit>* out) {
  // The block hook stopped us for a kick, a time slice or a memory change;
  // the outer loops act. Otherwise uc_emu_start returned because of HLT (it
  // is not hookable; RIP is past it).
  if (preempted_) return true;
  VmExit exit;
  exit.reason = ExitReason::kHlt;
  exit.rip = Reg(uc_, UC_X86_REG_RIP);
  if (Deliver(v, exit) == ExitAction::kReturn) {
    *out = exit;
    return false;
  }
  return true;
}

bool TcgPartition::HandleHypercall(TcgVcpu* v, absl::StatusOr<VmExit>* out) {
  VmExit exit;
  exit.reason = ExitReason::kVmcall;
  exit.rip = Reg(uc_, UC_X86_REG_RIP);
  exit.hypercall.input = Reg(uc_, UC_X86_REG_RCX);
  exit.hypercall.input_param = Reg(uc_, UC_X86_REG_RDX);
  exit.hypercall.output_param = Reg(uc_, UC_X86_REG_R8);
  exit.hypercall.result = HypercallResult(HV_STATUS_INVALID_HYPERCALL_CODE);
  ExitAction action = Deliver(v, exit);
  // The hook stopped with RIP at the VMCALL (2.0.1: `return true` stops);
  // complete the instruction here.
  uint64_t rip = exit.rip + kVmcallLength;
  uc_reg_write(uc_, UC_X86_REG_RAX, &exit.hypercall.result);
  uc_reg_write(uc_, UC_X86_REG_RIP, &rip);
  if (action == ExitAction::kReturn) {
    *out = exit;
    return false;
  }
  return true;
}

}  // namespace hv::shim::tcg
