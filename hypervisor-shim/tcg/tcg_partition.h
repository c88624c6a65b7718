// A TCG partition: one Unicorn engine (UC_MODE_64, paging off, identity GPA =
// linear address) shared by all vCPUs, driven by ONE engine thread that runs
// the runnable vCPUs round-robin, switching per-vCPU uc_context (LOCK is not
// atomic across engines; software-cpu.md §4). A persistent kicker thread ends
// time slices while two or more vCPUs compete for the engine, and sleeps
// otherwise; the timeout/count arguments of uc_emu_start are never used
// (count>0 triggers a 1 GiB TB flush on 2.0.1, §7.5).
//
// Preemption is precise only at a block start: measured here, a uc_emu_stop
// from another thread on 2.0.1 can leave the engine mid-block after a store,
// with RIP and registers at the block start, so the block's stores run again
// on restart (a loop of 1,000,000 INC [mem] stopped ~470 times ended with
// ~1,000,380 in memory). So kicks, time slices and memory changes only set
// `preempt_`; a UC_HOOK_BLOCK callback on the engine thread sees it at the
// next block start and calls uc_emu_stop there (exact: 1,000,000).
//
// Exits: IN/OUT, CPUID (leaves 0x40000000-0x4000FFFF), MMIO and memory faults
// are handled inside the Unicorn hooks (the handler runs there, on the engine
// thread); memory faults are resolved in the hook or are fatal, because EIP is
// imprecise after a fault stop (§7.1). VMCALL (#UD hook) and HLT stop the
// engine and are handled between uc_emu_start calls with a precise RIP.
#ifndef HV_HYPERVISOR_SHIM_TCG_TCG_PARTITION_H_
#define HV_HYPERVISOR_SHIM_TCG_TCG_PARTITION_H_

#include <unicorn/unicorn.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/partition.h"

namespace hv::shim::tcg {

class TcgVcpu;

class TcgPartition : public Partition {
 public:
  // Opens the engine, creates the vCPUs, maps the boot area, starts the
  // engine and kicker threads.
  static absl::StatusOr<std::unique_ptr<Partition>> Create(const PartitionOptions& options);
  ~TcgPartition() override;

  BackendKind kind() const override { return BackendKind::kTcg; }
  uint64_t unmap_granularity() const override { return 2ull << 20; }

  // ---- used by TcgVcpu ----
  // Queues `v` (already marked runnable) and wakes the engine.
  void Schedule();
  // Kick support: the engine stops at the next block start (a kick of a
  // vCPU that is not on the engine is seen before its next entry).
  void RequestStop() { preempt_.store(true); }
  bool OnEngineThread() const { return std::this_thread::get_id() == engine_thread_id_; }
  bool IsLoaded(const TcgVcpu* v) const { return loaded_ == v; }
  uc_engine* uc() const { return uc_; }
  // Time slices the kicker has timed so far (each one a host timer wake-up).
  // Zero while at most one vCPU is runnable. Thread-safe.
  uint64_t slice_timers() const { return slice_timers_.load(); }
  absl::Mutex& sched_mu() ABSL_LOCK_RETURNED(sched_mu_) { return sched_mu_; }

 protected:
  void BeginMemoryChange() override;
  void EndMemoryChange() override;
  absl::Status ApplyRegionChanges(const RegionChanges& changes) override;
  absl::Status ApplyMmio(uint64_t gpa, uint64_t size) override;
  absl::Status InvalidateCode(uint64_t gpa, uint64_t size) override;
  absl::Status WriteBootArea() override;

 private:
  friend class TcgHooks;
  struct MmioRange {
    TcgPartition* partition;
    uint64_t base;
  };
  // Why the engine stopped, as set by hooks on the engine thread.
  enum class HookStop { kNone, kHypercall, kInvalidOpcode, kException, kFatal, kReturn };

  explicit TcgPartition(const PartitionOptions& options);
  absl::Status OpenEngine();
  absl::Status InstallHooks();
  void EngineLoop();
  void KickerLoop();
  TcgVcpu* PickNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sched_mu_);
  bool HasRunnable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sched_mu_);
  // Runs `v` until it finishes, its slice ends or memory waiters appear.
  void RunSlice(TcgVcpu* v) ABSL_EXCLUSIVE_LOCKS_REQUIRED(engine_mu_);
  // One uc_emu_start and the classification of its stop; true = keep going.
  bool Step(TcgVcpu* v, absl::StatusOr<VmExit>* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(engine_mu_);
  bool HandleHypercall(TcgVcpu* v, absl::StatusOr<VmExit>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(engine_mu_);
  // A stop with no hook reason: HLT, unless a kick/slice/memory stop raced.
  bool HandleQuietStop(TcgVcpu* v, absl::StatusOr<VmExit>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(engine_mu_);
  absl::Status ProbeLeaf1();
  ExitAction Deliver(TcgVcpu* v, VmExit& exit);
  VmExit FaultExit(uint8_t vector) ABSL_EXCLUSIVE_LOCKS_REQUIRED(engine_mu_);
  void Finish(TcgVcpu* v, absl::StatusOr<VmExit> result);

  // uc_emu_start's `until` address: never reached, so only a hook's
  // uc_emu_stop or a fault ends a run.
  static constexpr uint64_t kNoUntil = ~0ull;

  uc_engine* uc_ = nullptr;
  std::vector<uc_hook> hooks_;
  std::vector<std::unique_ptr<MmioRange>> mmio_ranges_;

  // Held by the engine thread while it drives uc_, and by memory changes.
  absl::Mutex engine_mu_ ABSL_ACQUIRED_BEFORE(sched_mu_);
  // Scheduling state; the condition variable of Run() waiters.
  absl::Mutex sched_mu_;
  bool shutdown_ ABSL_GUARDED_BY(sched_mu_) = false;
  uint32_t next_ ABSL_GUARDED_BY(sched_mu_) = 0;  // round-robin cursor
  std::atomic<int> mem_waiters_{0};
  std::atomic<int> runnable_{0};            // vCPUs inside Run()
  std::atomic<bool> slice_expired_{false};
  std::atomic<bool> preempt_{false};        // stop at the next block start
  bool preempted_ = false;                  // the block hook stopped (engine thread)
  std::atomic<TcgVcpu*> current_{nullptr};  // vCPU inside uc_emu_start
  TcgVcpu* loaded_ = nullptr;               // vCPU whose context is in uc_ (engine thread)

  // Set by hooks during one uc_emu_start (engine thread only).
  HookStop hook_stop_ = HookStop::kNone;
  VmExit hook_exit_;

  // The kicker's stop request (partition teardown). Schedule() also takes
  // kick_mu_ when it makes a second vCPU runnable, which wakes the kicker.
  absl::Mutex kick_mu_;
  bool kicker_stop_ ABSL_GUARDED_BY(kick_mu_) = false;
  std::atomic<uint64_t> slice_timers_{0};

  // Leaf 1 of the engine's CPU model, measured at creation (the hook adds the
  // hypervisor-present bit).
  uint32_t leaf1_[4] = {0, 0, 0, 0};
  bool probing_ = false;

  std::thread::id engine_thread_id_;
  std::thread engine_;
  std::thread kicker_;
};

}  // namespace hv::shim::tcg

#endif  // HV_HYPERVISOR_SHIM_TCG_TCG_PARTITION_H_
