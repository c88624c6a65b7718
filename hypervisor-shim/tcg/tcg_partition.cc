#include "hypervisor-shim/tcg/tcg_partition.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "hypervisor-shim/tcg/tcg_hooks.h"
#include "hypervisor-shim/tcg/tcg_vcpu.h"
#include "wire/boot_info.h"

namespace hv::shim::tcg {
namespace {

// VMCALL; RET: the TCG hypercall trampoline (hyperv.md §3; tlfs.h).
constexpr uint8_t kTrampoline[] = {0x0F, 0x01, 0xC1, 0xC3};

absl::Status UcError(const TcgPartition& p, std::string_view what, uc_err e) {
  return absl::InternalError(
      absl::StrFormat("partition '%s': tcg: %s: %s", p.name(), what, uc_strerror(e)));
}

}  // namespace

TcgPartition::TcgPartition(const PartitionOptions& options) : Partition(options) {}

absl::StatusOr<std::unique_ptr<Partition>> TcgPartition::Create(const PartitionOptions& options) {
  std::unique_ptr<TcgPartition> p(new TcgPartition(options));
  RETURN_IF_ERROR(p->OpenEngine());
  RETURN_IF_ERROR(p->Init());
  RETURN_IF_ERROR(p->ProbeLeaf1());
  for (uint32_t i = 0; i < options.vcpu_count; ++i) {
    uc_context* ctx = nullptr;
    if (uc_err e = uc_context_alloc(p->uc_, &ctx); e != UC_ERR_OK) {
      return UcError(*p, "uc_context_alloc", e);
    }
    if (uc_err e = uc_context_save(p->uc_, ctx); e != UC_ERR_OK) {
      uc_context_free(ctx);
      return UcError(*p, "uc_context_save", e);
    }
    p->vcpus().push_back(std::make_unique<TcgVcpu>(*p, i, ctx));
  }
  p->engine_ = std::thread([raw = p.get()] { raw->EngineLoop(); });
  p->kicker_ = std::thread([raw = p.get()] { raw->KickerLoop(); });
  return p;
}

TcgPartition::~TcgPartition() {
  {
    absl::MutexLock lock(&sched_mu_);
    shutdown_ = true;
  }
  {
    absl::MutexLock lock(&kick_mu_);
    kicker_stop_ = true;
  }
  preempt_.store(true);
  if (engine_.joinable()) engine_.join();
  if (kicker_.joinable()) kicker_.join();
  vcpus().clear();  // frees the contexts before the engine goes
  if (uc_ != nullptr) uc_close(uc_);
}

absl::Status TcgPartition::OpenEngine() {
  if (uc_err e = uc_open(UC_ARCH_X86, UC_MODE_64, &uc_); e != UC_ERR_OK) {
    uc_ = nullptr;
    return UcError(*this, "uc_open", e);
  }
  return TcgHooks::Install(*this);
}

absl::Status TcgPartition::ProbeLeaf1() {
  // Run "CPUID; HLT" once with the hook passing leaf 1 through, to learn the
  // engine model's answer (the hook later adds the hypervisor-present bit).
  const uint64_t at = HV_BOOT_HYPERCALL_PAGE_GPA + 0x800;
  const uint8_t code[] = {0x0F, 0xA2, 0xF4};
  RETURN_IF_ERROR(WriteGpa(at, code, sizeof(code)));
  uc_ctl_remove_cache(uc_, at, at + sizeof(code));
  uint64_t rax = 1, rcx = 0;
  uc_reg_write(uc_, UC_X86_REG_RAX, &rax);
  uc_reg_write(uc_, UC_X86_REG_RCX, &rcx);
  probing_ = true;
  uc_err e = uc_emu_start(uc_, at, kNoUntil, 0, 0);
  probing_ = false;
  if (e != UC_ERR_OK) return UcError(*this, "CPUID probe", e);
  const int ids[4] = {UC_X86_REG_EAX, UC_X86_REG_EBX, UC_X86_REG_ECX, UC_X86_REG_EDX};
  for (int i = 0; i < 4; ++i) uc_reg_read(uc_, ids[i], &leaf1_[i]);
  const uint8_t zero[sizeof(code)] = {};
  RETURN_IF_ERROR(WriteGpa(at, zero, sizeof(zero)));
  uc_ctl_remove_cache(uc_, at, at + sizeof(code));
  return absl::OkStatus();
}

absl::Status TcgPartition::WriteBootArea() {
  RETURN_IF_ERROR(WriteGpa(HV_BOOT_HYPERCALL_PAGE_GPA, kTrampoline, sizeof(kTrampoline)));
  uc_ctl_remove_cache(uc_, HV_BOOT_HYPERCALL_PAGE_GPA, HV_BOOT_HYPERCALL_PAGE_GPA + kPageSize);
  return absl::OkStatus();
}

// ---- memory ----

void TcgPartition::BeginMemoryChange() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (OnEngineThread()) return;  // a handler on the engine thread already owns uc_
  mem_waiters_.fetch_add(1);
  preempt_.store(true);
  while (!engine_mu_.TryLock()) {
    preempt_.store(true);  // in case the engine consumed it for another stop
    absl::SleepFor(absl::Microseconds(20));
  }
}

void TcgPartition::EndMemoryChange() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (OnEngineThread()) return;
  engine_mu_.Unlock();
  absl::MutexLock lock(&sched_mu_);
  mem_waiters_.fetch_sub(1);
}

absl::Status TcgPartition::ApplyRegionChanges(const RegionChanges& changes) {
  for (const MemoryRegion& r : changes.removed) {
    if (uc_err e = uc_mem_unmap(uc_, r.gpa, r.size); e != UC_ERR_OK) {
      return UcError(*this, absl::StrFormat("uc_mem_unmap 0x%x+0x%x", r.gpa, r.size), e);
    }
  }
  for (const MemoryRegion& r : changes.added) {
    if (uc_err e = uc_mem_map_ptr(uc_, r.gpa, r.size, r.prot, host_base() + r.gpa);
        e != UC_ERR_OK) {
      return UcError(*this, absl::StrFormat("uc_mem_map_ptr 0x%x+0x%x", r.gpa, r.size), e);
    }
  }
  return absl::OkStatus();
}

absl::Status TcgPartition::ApplyMmio(uint64_t gpa, uint64_t size) {
  auto range = std::make_unique<MmioRange>(MmioRange{this, gpa});
  if (uc_err e = TcgHooks::MapMmio(*this, gpa, size, range.get()); e != UC_ERR_OK) {
    return UcError(*this, absl::StrFormat("uc_mmio_map 0x%x+0x%x", gpa, size), e);
  }
  mmio_ranges_.push_back(std::move(range));
  return absl::OkStatus();
}

absl::Status TcgPartition::InvalidateCode(uint64_t gpa, uint64_t size) {
  // software-cpu.md §7.8: host writes do not invalidate translations.
  if (uc_err e = uc_ctl_remove_cache(uc_, gpa, gpa + size); e != UC_ERR_OK) {
    return UcError(*this, "uc_ctl_remove_cache", e);
  }
  return absl::OkStatus();
}

// ---- scheduling ----

void TcgPartition::Schedule() {
  if (runnable_.fetch_add(1) >= 1) {
    absl::MutexLock kick(&kick_mu_);  // a competitor: wakes the kicker's Await
  }
  absl::MutexLock lock(&sched_mu_);  // wakes the engine's Await
}

TcgVcpu* TcgPartition::PickNext() {
  const uint32_t n = vcpu_count();
  for (uint32_t k = 0; k < n; ++k) {
    uint32_t i = (next_ + k) % n;
    auto* v = static_cast<TcgVcpu*>(&vcpu(i));
    if (v->state == TcgVcpu::State::kRunnable && !v->result.has_value()) {
      next_ = (i + 1) % n;
      return v;
    }
  }
  return nullptr;
}

bool TcgPartition::HasRunnable() {
  for (uint32_t i = 0; i < vcpu_count(); ++i) {
    if (static_cast<TcgVcpu*>(&vcpu(i))->state == TcgVcpu::State::kRunnable) return true;
  }
  return false;
}

void TcgPartition::EngineLoop() {
  engine_thread_id_ = std::this_thread::get_id();
  struct Ready {
    TcgPartition* p;
    static bool Check(Ready* r) ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return r->p->shutdown_ ||
             (r->p->mem_waiters_.load() == 0 && r->p->HasRunnable());
    }
  };
  for (;;) {
    TcgVcpu* v = nullptr;
    {
      absl::MutexLock lock(&sched_mu_);
      Ready ready{this};
      sched_mu_.Await(absl::Condition(&Ready::Check, &ready));
      if (shutdown_) break;
      v = PickNext();
    }
    if (v == nullptr) continue;
    absl::MutexLock engine(&engine_mu_);
    RunSlice(v);
  }
  // Shutdown: release every waiter.
  for (uint32_t i = 0; i < vcpu_count(); ++i) {
    auto* v = static_cast<TcgVcpu*>(&vcpu(i));
    bool waiting;
    {
      absl::MutexLock lock(&sched_mu_);
      waiting = v->state == TcgVcpu::State::kRunnable && !v->result.has_value();
    }
    if (waiting) Finish(v, absl::CancelledError("tcg: partition is shutting down"));
  }
}

void TcgPartition::KickerLoop() {
  // A slice only matters while vCPUs compete for the engine. A timer that
  // fired every slice regardless cost an idle one-vCPU VM ~500 futex
  // wake-ups a second (docs/scale/README.md, finding 3), so the kicker
  // sleeps until Schedule() makes a second vCPU runnable.
  struct Contended {
    TcgPartition* p;
    static bool Check(Contended* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return c->p->kicker_stop_ || c->p->runnable_.load() > 1;
    }
  } contended{this};
  absl::MutexLock lock(&kick_mu_);
  while (!kicker_stop_) {
    kick_mu_.Await(absl::Condition(&Contended::Check, &contended));
    if (kicker_stop_) break;
    kick_mu_.AwaitWithTimeout(absl::Condition(&kicker_stop_), options().tcg_time_slice);
    if (kicker_stop_) break;
    slice_timers_.fetch_add(1);
    if (current_.load() != nullptr && runnable_.load() > 1) {
      slice_expired_.store(true);
      preempt_.store(true);
    }
  }
}

void TcgPartition::Finish(TcgVcpu* v, absl::StatusOr<VmExit> result) {
  runnable_.fetch_sub(1);
  absl::MutexLock lock(&sched_mu_);
  v->result = std::move(result);
  v->state = TcgVcpu::State::kDone;
}

}  // namespace hv::shim::tcg
