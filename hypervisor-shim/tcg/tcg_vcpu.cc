#include "hypervisor-shim/tcg/tcg_vcpu.h"

#include <iterator>

#include "absl/strings/str_format.h"

namespace hv::shim::tcg {
namespace {

struct RegMap {
  int id;
  uint64_t VcpuRegisters::*field;
};
constexpr RegMap kRegs[] = {
    {UC_X86_REG_RAX, &VcpuRegisters::rax},       {UC_X86_REG_RBX, &VcpuRegisters::rbx},
    {UC_X86_REG_RCX, &VcpuRegisters::rcx},       {UC_X86_REG_RDX, &VcpuRegisters::rdx},
    {UC_X86_REG_RSI, &VcpuRegisters::rsi},       {UC_X86_REG_RDI, &VcpuRegisters::rdi},
    {UC_X86_REG_RBP, &VcpuRegisters::rbp},       {UC_X86_REG_RSP, &VcpuRegisters::rsp},
    {UC_X86_REG_R8, &VcpuRegisters::r8},         {UC_X86_REG_R9, &VcpuRegisters::r9},
    {UC_X86_REG_R10, &VcpuRegisters::r10},       {UC_X86_REG_R11, &VcpuRegisters::r11},
    {UC_X86_REG_R12, &VcpuRegisters::r12},       {UC_X86_REG_R13, &VcpuRegisters::r13},
    {UC_X86_REG_R14, &VcpuRegisters::r14},       {UC_X86_REG_R15, &VcpuRegisters::r15},
    {UC_X86_REG_RIP, &VcpuRegisters::rip},       {UC_X86_REG_RFLAGS, &VcpuRegisters::rflags},
    {UC_X86_REG_FS_BASE, &VcpuRegisters::fs_base}, {UC_X86_REG_GS_BASE, &VcpuRegisters::gs_base},
};

template <typename Source, typename Fn>
absl::StatusOr<VcpuRegisters> ReadAll(Source* src, Fn read) {
  VcpuRegisters regs;
  for (const RegMap& r : kRegs) {
    if (uc_err e = read(src, r.id, &(regs.*r.field)); e != UC_ERR_OK) {
      return absl::InternalError(absl::StrFormat("tcg: read register %d: %s", r.id, uc_strerror(e)));
    }
  }
  return regs;
}

template <typename Target, typename Fn>
absl::Status WriteAll(Target* dst, const VcpuRegisters& regs, Fn write) {
  for (const RegMap& r : kRegs) {
    if (uc_err e = write(dst, r.id, &(regs.*r.field)); e != UC_ERR_OK) {
      return absl::InternalError(
          absl::StrFormat("tcg: write register %d: %s", r.id, uc_strerror(e)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VcpuRegisters> ReadRegisters(uc_engine* uc) {
  return ReadAll(uc, [](uc_engine* u, int id, uint64_t* v) { return uc_reg_read(u, id, v); });
}
absl::Status WriteRegisters(uc_engine* uc, const VcpuRegisters& regs) {
  return WriteAll(uc, regs,
                  [](uc_engine* u, int id, const uint64_t* v) { return uc_reg_write(u, id, v); });
}
absl::StatusOr<VcpuRegisters> ReadRegisters(uc_context* ctx) {
  return ReadAll(ctx, [](uc_context* c, int id, uint64_t* v) {
    return uc_context_reg_read(c, id, v);
  });
}
absl::Status WriteRegisters(uc_context* ctx, const VcpuRegisters& regs) {
  return WriteAll(ctx, regs, [](uc_context* c, int id, const uint64_t* v) {
    return uc_context_reg_write(c, id, v);
  });
}

TcgVcpu::TcgVcpu(TcgPartition& partition, uint32_t index, uc_context* initial)
    : Vcpu(partition, index, partition.clock()), tcg_(partition), ctx_(initial) {}

TcgVcpu::~TcgVcpu() { uc_context_free(ctx_); }

absl::StatusOr<VmExit> TcgVcpu::Run(ExitHandler& handler) {
  {
    absl::MutexLock lock(&tcg_.sched_mu());
    if (!alive()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "partition '%s' vcpu %u: cannot run after a fatal exit", tcg_.name(), index()));
    }
    if (state != State::kIdle) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "partition '%s' vcpu %u: Run() is already in progress", tcg_.name(), index()));
    }
    handler_ = &handler;
    result.reset();
    state = State::kRunnable;
  }
  tcg_.Schedule();
  absl::MutexLock lock(&tcg_.sched_mu());
  tcg_.sched_mu().Await(absl::Condition(
      +[](TcgVcpu* v) { return v->state == State::kDone; }, this));
  state = State::kIdle;
  handler_ = nullptr;
  absl::StatusOr<VmExit> out = std::move(*result);
  result.reset();
  return out;
}

void TcgVcpu::Kick() {
  kick_pending_.store(true);
  tcg_.RequestStop();
}

absl::StatusOr<VcpuRegisters> TcgVcpu::GetRegisters() {
  if (tcg_.OnEngineThread()) {
    return tcg_.IsLoaded(this) ? ReadRegisters(tcg_.uc()) : ReadRegisters(ctx_);
  }
  absl::MutexLock lock(&tcg_.sched_mu());
  if (state != State::kIdle) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "partition '%s' vcpu %u: registers are busy while it runs", tcg_.name(), index()));
  }
  return ReadRegisters(ctx_);
}

absl::Status TcgVcpu::SetRegisters(const VcpuRegisters& regs) {
  if (tcg_.OnEngineThread()) {
    return tcg_.IsLoaded(this) ? WriteRegisters(tcg_.uc(), regs) : WriteRegisters(ctx_, regs);
  }
  absl::MutexLock lock(&tcg_.sched_mu());
  if (state != State::kIdle) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "partition '%s' vcpu %u: registers are busy while it runs", tcg_.name(), index()));
  }
  return WriteRegisters(ctx_, regs);
}

}  // namespace hv::shim::tcg
