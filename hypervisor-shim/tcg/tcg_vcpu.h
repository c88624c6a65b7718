// A vCPU of a TcgPartition: its saved uc_context and its Run() hand-off to
// the partition's engine thread.
#ifndef HV_HYPERVISOR_SHIM_TCG_TCG_VCPU_H_
#define HV_HYPERVISOR_SHIM_TCG_TCG_VCPU_H_

#include <unicorn/unicorn.h>

#include <atomic>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/tcg/tcg_partition.h"
#include "hypervisor-shim/vcpu.h"

namespace hv::shim::tcg {

class TcgVcpu : public Vcpu {
 public:
  enum class State { kIdle, kRunnable, kDone };

  TcgVcpu(TcgPartition& partition, uint32_t index, uc_context* initial);
  ~TcgVcpu() override;

  absl::StatusOr<VmExit> Run(ExitHandler& handler) override;
  void Kick() override;
  absl::StatusOr<VcpuRegisters> GetRegisters() override;
  absl::Status SetRegisters(const VcpuRegisters& regs) override;
  bool alive() const override { return alive_.load(); }

  // ---- engine side (TcgPartition) ----
  uc_context* context() { return ctx_; }
  ExitHandler* handler() { return handler_; }
  bool TakeKick() { return kick_pending_.exchange(false); }
  bool kick_pending() const { return kick_pending_.load(); }
  void MarkDead() { alive_.store(false); }
  // Guarded by the partition's sched_mu().
  State state = State::kIdle;
  std::optional<absl::StatusOr<VmExit>> result;

 private:
  TcgPartition& tcg_;
  uc_context* ctx_;
  ExitHandler* handler_ = nullptr;  // valid while state != kIdle
  std::atomic<bool> kick_pending_{false};
  std::atomic<bool> alive_{true};
};

// Register <-> Unicorn helpers (engine or context).
absl::StatusOr<VcpuRegisters> ReadRegisters(uc_engine* uc);
absl::Status WriteRegisters(uc_engine* uc, const VcpuRegisters& regs);
absl::StatusOr<VcpuRegisters> ReadRegisters(uc_context* ctx);
absl::Status WriteRegisters(uc_context* ctx, const VcpuRegisters& regs);

}  // namespace hv::shim::tcg

#endif  // HV_HYPERVISOR_SHIM_TCG_TCG_VCPU_H_
