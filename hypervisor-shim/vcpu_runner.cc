#include "hypervisor-shim/vcpu_runner.h"

#include "absl/strings/str_format.h"
#include "wire/tlfs.h"

namespace hv::shim {

std::string_view ToString(VcpuRunState state) {
  switch (state) {
    case VcpuRunState::kNotStarted: return "NotStarted";
    case VcpuRunState::kRunning: return "Running";
    case VcpuRunState::kHalted: return "Halted";
    case VcpuRunState::kPaused: return "Paused";
    case VcpuRunState::kStopped: return "Stopped";
  }
  return "Unknown";
}

struct VcpuRunner::PerVcpu {
  VcpuRunState state = VcpuRunState::kNotStarted;
  bool kick = false;  // pending wake-up, consumed by a HLT
  std::optional<absl::StatusOr<VmExit>> final_exit;
};

namespace {
// Makes every HLT come back to the loop, whatever the VMM's handler says.
class HaltReturns : public ExitHandler {
 public:
  explicit HaltReturns(ExitHandler& inner) : inner_(inner) {}
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override {
    ExitAction a = inner_.HandleExit(vcpu, exit);
    return exit.reason == ExitReason::kHlt ? ExitAction::kReturn : a;
  }

 private:
  ExitHandler& inner_;
};
}  // namespace

VcpuRunner::VcpuRunner(Partition& partition, ExitHandler& handler, VcpuRunnerOptions options)
    : partition_(partition), handler_(handler), options_(std::move(options)) {
  for (uint32_t i = 0; i < partition_.vcpu_count(); ++i) {
    vcpus_.push_back(std::make_unique<PerVcpu>());
  }
}

VcpuRunner::~VcpuRunner() { Stop(); }

absl::Status VcpuRunner::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) {
    return absl::FailedPreconditionError(
        absl::StrFormat("runner of partition '%s': already started", partition_.name()));
  }
  started_ = true;
  for (uint32_t i = 0; i < vcpus_.size(); ++i) {
    vcpus_[i]->state = VcpuRunState::kRunning;
    threads_.emplace_back([this, i] { Loop(i); });
  }
  return absl::OkStatus();
}

void VcpuRunner::Kick(uint32_t index) {
  if (index >= vcpus_.size()) return;
  absl::MutexLock lock(&mu_);
  vcpus_[index]->kick = true;
  if (vcpus_[index]->state == VcpuRunState::kRunning) partition_.vcpu(index).Kick();
}

void VcpuRunner::Pause() {
  absl::MutexLock lock(&mu_);
  if (!started_) return;
  paused_ = true;
  for (uint32_t i = 0; i < vcpus_.size(); ++i) {
    if (vcpus_[i]->state == VcpuRunState::kRunning) partition_.vcpu(i).Kick();
  }
  auto parked = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const auto& v : vcpus_) {
      if (v->state != VcpuRunState::kPaused && v->state != VcpuRunState::kStopped) return false;
    }
    return true;
  };
  while (!parked()) mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(1));
}

void VcpuRunner::Resume() {
  absl::MutexLock lock(&mu_);
  paused_ = false;
}

void VcpuRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!started_) return;
    stopping_ = true;
    for (uint32_t i = 0; i < vcpus_.size(); ++i) partition_.vcpu(i).Kick();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

bool VcpuRunner::WaitUntilStopped(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto all_stopped = [](VcpuRunner* r) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    for (const auto& v : r->vcpus_) {
      if (v->state != VcpuRunState::kStopped) return false;
    }
    return true;
  };
  return mu_.AwaitWithTimeout(absl::Condition(+all_stopped, this), timeout);
}

VcpuRunState VcpuRunner::state(uint32_t index) const {
  absl::MutexLock lock(&mu_);
  return index < vcpus_.size() ? vcpus_[index]->state : VcpuRunState::kNotStarted;
}

std::optional<absl::StatusOr<VmExit>> VcpuRunner::final_exit(uint32_t index) const {
  absl::MutexLock lock(&mu_);
  if (index >= vcpus_.size()) return std::nullopt;
  return vcpus_[index]->final_exit;
}

bool VcpuRunner::WaitWhilePaused(uint32_t index) {
  PerVcpu& p = *vcpus_[index];
  while (paused_ && !stopping_) {
    p.state = VcpuRunState::kPaused;
    mu_.Await(absl::Condition(
        +[](VcpuRunner* r) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !r->paused_ || r->stopping_; },
        this));
  }
  return !stopping_;
}

bool VcpuRunner::WaitWhileHalted(uint32_t index) {
  PerVcpu& p = *vcpus_[index];
  Vcpu& vcpu = partition_.vcpu(index);
  for (;;) {
    if (stopping_) return false;
    if (paused_) {
      if (!WaitWhilePaused(index)) return false;
      continue;
    }
    p.state = VcpuRunState::kHalted;
    if (p.kick) {
      p.kick = false;
      return true;
    }
    std::optional<uint64_t> deadline = vcpu.synthetic_registers().TimerDeadline();
    if (deadline && partition_.clock().Now() >= *deadline) {
      // One-shot expiry: clear the enable bit (TLFS synthetic timers).
      uint64_t config = vcpu.synthetic_registers().Get(HV_REGISTER_STIMER0_CONFIG).value_or(0);
      vcpu.synthetic_registers()
          .HostSet(HV_REGISTER_STIMER0_CONFIG, config & ~HV_STIMER_ENABLE)
          .IgnoreError();
      if (options_.on_timer_expired) {
        mu_.Unlock();
        options_.on_timer_expired(vcpu);
        mu_.Lock();
      }
      return !stopping_;
    }
    struct Wake {
      VcpuRunner* r;
      PerVcpu* v;
      static bool Check(Wake* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->v->kick || w->r->stopping_ || w->r->paused_;
      }
    } wake{this, &p};
    // The timeout without a deadline re-reads STIMER0, which another vCPU's
    // HvCallSetVpRegisters may have set meanwhile.
    absl::Time until = deadline ? partition_.clock().HostTimeOf(*deadline)
                                : absl::Now() + absl::Milliseconds(50);
    mu_.AwaitWithDeadline(absl::Condition(&Wake::Check, &wake), until);
  }
}

void VcpuRunner::Loop(uint32_t index) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  Vcpu& vcpu = partition_.vcpu(index);
  HaltReturns handler(handler_);
  absl::StatusOr<VmExit> last = VmExit{};
  mu_.Lock();
  for (;;) {
    if (!WaitWhilePaused(index)) break;
    vcpus_[index]->state = VcpuRunState::kRunning;
    mu_.Unlock();
    last = vcpu.Run(handler);
    mu_.Lock();
    if (!last.ok()) break;
    if (last->reason == ExitReason::kExternalInterrupt) continue;
    if (last->reason == ExitReason::kHlt) {
      if (!WaitWhileHalted(index)) break;
      continue;
    }
    break;  // fatal, or the handler asked Run() to return
  }
  // A Stop() ends the loop with the last (kick) exit as the final one.
  vcpus_[index]->final_exit = last;
  vcpus_[index]->state = VcpuRunState::kStopped;
  mu_.Unlock();
  if (options_.on_stopped) options_.on_stopped(vcpu, last);
}

}  // namespace hv::shim
