#include "hypervisor-shim/kvm/kvm_vcpu.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "hypervisor-shim/hypercall.h"
#include "hypervisor-shim/kvm/kvm_ioctls.h"
#include "wire/tlfs.h"

namespace hv::shim::kvm {
namespace {

// The kick signal: interrupts KVM_RUN (EINTR). Its handler does nothing.
int KickSignal() { return SIGRTMIN + 5; }

void InstallKickHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = [](int) {};
    sa.sa_flags = SA_RESTART;  // other syscalls restart; KVM_RUN returns EINTR
    sigemptyset(&sa.sa_mask);
    sigaction(KickSignal(), &sa, nullptr);
  });
}

uint32_t SizeMask(uint8_t size) { return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1; }

}  // namespace

KvmVcpu::KvmVcpu(KvmPartition& partition, uint32_t index)
    : Vcpu(partition, index, partition.clock()), kvm_(partition) {}

KvmVcpu::~KvmVcpu() {
  if (run_ != nullptr) munmap(run_, run_size_);
  if (fd_ >= 0) close(fd_);
}

absl::Status KvmVcpu::Errno(const char* what) const {
  return absl::InternalError(absl::StrFormat("partition '%s' vcpu %u: %s: %s", kvm_.name(),
                                             index(), what, strerror(errno)));
}

absl::StatusOr<std::unique_ptr<KvmVcpu>> KvmVcpu::Create(KvmPartition& partition,
                                                          uint32_t index) {
  InstallKickHandler();
  std::unique_ptr<KvmVcpu> v(new KvmVcpu(partition, index));
  RETURN_IF_ERROR(v->Setup());
  return v;
}

absl::Status KvmVcpu::Setup() {
  fd_ = ioctl(kvm_.vm_fd(), KVM_CREATE_VCPU, static_cast<unsigned long>(index()));
  if (fd_ < 0) return Errno("KVM_CREATE_VCPU");
  int size = ioctl(kvm_.kvm_fd(), KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size < static_cast<int>(sizeof(kvm_run))) return Errno("KVM_GET_VCPU_MMAP_SIZE");
  run_size_ = static_cast<size_t>(size);
  void* p = mmap(nullptr, run_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) return Errno("mmap kvm_run");
  run_ = static_cast<kvm_run*>(p);
  const auto& entries = kvm_.cpuid();
  std::vector<uint8_t> buf(kKvmCpuid2HeaderBytes + entries.size() * sizeof(kvm_cpuid_entry2));
  auto* c = reinterpret_cast<kvm_cpuid2*>(buf.data());
  c->nent = static_cast<uint32_t>(entries.size());
  memcpy(CpuidEntries(buf.data()), entries.data(), entries.size() * sizeof(kvm_cpuid_entry2));
  if (ioctl(fd_, kKvmSetCpuid2, c) < 0) return Errno("KVM_SET_CPUID2");
  return SetLongMode();
}

absl::Status KvmVcpu::SetLongMode() {
  kvm_sregs s;
  if (ioctl(fd_, KVM_GET_SREGS, &s) < 0) return Errno("KVM_GET_SREGS");
  kvm_segment code;
  memset(&code, 0, sizeof(code));
  code.limit = 0xFFFFFFFF;
  code.selector = kCodeSelector;
  code.present = 1;
  code.type = 11;  // execute/read, accessed
  code.s = 1;
  code.l = 1;
  code.g = 1;
  kvm_segment data = code;
  data.selector = kDataSelector;
  data.type = 3;  // read/write, accessed
  data.l = 0;
  data.db = 1;
  s.cs = code;
  s.ds = s.es = s.fs = s.gs = s.ss = data;
  s.gdt.base = kGdtGpa;
  s.gdt.limit = 3 * 8 - 1;
  s.idt.base = 0;
  s.idt.limit = 0;  // no IDT: an exception escalates to a triple fault
  s.cr3 = kPml4Gpa;
  s.cr4 = 1u << 5 | 1u << 9 | 1u << 10;  // PAE, OSFXSR, OSXMMEXCPT
  s.cr0 = 0x80050033;  // PG WP NE ET MP PE
  s.efer = 0x500;      // LME | LMA
  if (ioctl(fd_, KVM_SET_SREGS, &s) < 0) return Errno("KVM_SET_SREGS");
  return absl::OkStatus();
}

void KvmVcpu::Kick() {
  kick_pending_.store(true);
  absl::MutexLock lock(&mu_);
  if (running_) {
    run_->immediate_exit = 1;
    pthread_kill(thread_, KickSignal());
  }
}

void KvmVcpu::InterruptRun() {
  absl::MutexLock lock(&mu_);
  if (running_ && !pthread_equal(thread_, pthread_self())) {
    run_->immediate_exit = 1;
    pthread_kill(thread_, KickSignal());
  }
}

absl::StatusOr<VmExit> KvmVcpu::Run(ExitHandler& handler) {
  if (!alive()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "partition '%s' vcpu %u: cannot run after a fatal exit", kvm_.name(), index()));
  }
  {
    absl::MutexLock lock(&mu_);
    running_ = true;
    thread_ = pthread_self();
  }
  absl::StatusOr<VmExit> out = VmExit{};
  for (;;) {
    if (kick_pending_.exchange(false)) {
      VmExit exit;
      exit.reason = ExitReason::kExternalInterrupt;
      exit.rip = Rip();
      handler.HandleExit(*this, exit);
      out = exit;
      break;
    }
    // Never inside KVM_RUN while the partition changes its memory slots (a
    // split region is deleted and re-added: a vCPU running in between would
    // fault on RAM that is only momentarily absent).
    kvm_.EnterRun();
    const int rc = ioctl(fd_, KVM_RUN, 0);
    const int err = errno;
    kvm_.LeaveRun();
    if (rc < 0) {
      errno = err;
      if (errno == EINTR || errno == EAGAIN) {
        run_->immediate_exit = 0;
        continue;  // a kick: the loop top turns it into an exit
      }
      out = Errno("KVM_RUN");
      break;
    }
    if (!HandleExit(handler, &out)) break;
  }
  absl::MutexLock lock(&mu_);
  running_ = false;
  run_->immediate_exit = 0;
  return out;
}

bool KvmVcpu::HandleExit(ExitHandler& handler, absl::StatusOr<VmExit>* out) {
  VmExit exit;
  switch (run_->exit_reason) {
    case KVM_EXIT_IO:
      if (run_->io.port == HV_HYPERCALL_IO_PORT && run_->io.direction == KVM_EXIT_IO_OUT) {
        return HandleHypercall(handler, out);
      }
      return HandleIo(handler, out);
    case KVM_EXIT_MMIO:
      return HandleMmio(handler, out);
    case KVM_EXIT_HLT:
      exit.reason = ExitReason::kHlt;
      exit.rip = Rip();
      if (handler.HandleExit(*this, exit) == ExitAction::kResume) return true;
      *out = exit;
      return false;
    case KVM_EXIT_INTR:
      return true;  // a signal: the loop top checks the kick
    case KVM_EXIT_X86_RDMSR:
    case KVM_EXIT_X86_WRMSR:
      return HandleMsr(handler, out);
    case KVM_EXIT_SHUTDOWN:
      exit.reason = ExitReason::kTripleFault;
      exit.rip = Rip();
      return Fatal(handler, exit, out);
    case KVM_EXIT_INTERNAL_ERROR: {
      // Typically an instruction fetch from a GPA without RAM (KVM cannot
      // emulate it): report the EPT violation at RIP.
      exit.rip = Rip();
      if (!kvm_.FindRegion(exit.rip)) {
        exit.reason = ExitReason::kEptViolation;
        exit.ept.gpa = exit.rip;
        exit.ept.access = kAccessExecute;
      } else {
        exit.reason = ExitReason::kInvalidGuestState;
      }
      return Fatal(handler, exit, out);
    }
    default:
      exit.reason = ExitReason::kInvalidGuestState;
      exit.rip = Rip();
      return Fatal(handler, exit, out);
  }
}

bool KvmVcpu::Fatal(ExitHandler& handler, VmExit exit, absl::StatusOr<VmExit>* out) {
  handler.HandleExit(*this, exit);  // statistics and logging; the vCPU is dead anyway
  alive_.store(false);
  *out = exit;
  return false;
}

bool KvmVcpu::HandleIo(ExitHandler& handler, absl::StatusOr<VmExit>* out) {
  auto* data = reinterpret_cast<uint8_t*>(run_) + run_->io.data_offset;
  const uint8_t size = run_->io.size;
  bool ret = false;
  VmExit exit;
  exit.reason = ExitReason::kIoInstruction;
  for (uint32_t i = 0; i < run_->io.count; ++i) {
    exit.io = IoExit{};
    exit.io.port = run_->io.port;
    exit.io.size = size;
    exit.io.in = run_->io.direction == KVM_EXIT_IO_IN;
    exit.io.string = exit.io.rep = run_->io.count > 1;
    uint32_t value = 0;
    if (!exit.io.in) memcpy(&value, data + i * size, size);
    exit.io.value = value;
    if (handler.HandleExit(*this, exit) == ExitAction::kReturn) ret = true;
    if (exit.io.in) {
      value = exit.io.value & SizeMask(size);
      memcpy(data + i * size, &value, size);
    }
  }
  if (!ret) return true;
  exit.rip = Rip();
  *out = exit;
  return false;
}

bool KvmVcpu::HandleMsr(ExitHandler& handler, absl::StatusOr<VmExit>* out) {
  VmExit exit;
  const bool write = run_->exit_reason == KVM_EXIT_X86_WRMSR;
  exit.reason = write ? ExitReason::kMsrWrite : ExitReason::kMsrRead;
  exit.msr.index = run_->msr.index;
  exit.msr.value = write ? run_->msr.data : 0;
  ExitAction action = handler.HandleExit(*this, exit);
  // error = 1 makes KVM inject #GP into the guest (KVM API, KVM_EXIT_X86_RDMSR).
  run_->msr.error = exit.msr.fault ? 1 : 0;
  if (!write) run_->msr.data = exit.msr.value;
  if (action == ExitAction::kResume) return true;
  exit.rip = Rip();
  *out = exit;
  return false;
}

bool KvmVcpu::HandleHypercall(ExitHandler& handler, absl::StatusOr<VmExit>* out) {
  kvm_regs regs;
  if (ioctl(fd_, KVM_GET_REGS, &regs) < 0) {
    *out = Errno("KVM_GET_REGS");
    return false;
  }
  VmExit exit;
  exit.reason = ExitReason::kVmcall;
  exit.rip = regs.rip;
  exit.hypercall.input = regs.rcx;
  exit.hypercall.input_param = regs.rdx;
  exit.hypercall.output_param = regs.r8;
  exit.hypercall.result = HypercallResult(HV_STATUS_INVALID_HYPERCALL_CODE);
  ExitAction action = handler.HandleExit(*this, exit);
  // RIP stays at the OUT, so KVM completes (skips) it on the next KVM_RUN.
  regs.rax = exit.hypercall.result;
  if (ioctl(fd_, KVM_SET_REGS, &regs) < 0) {
    *out = Errno("KVM_SET_REGS");
    return false;
  }
  if (action == ExitAction::kResume) return true;
  *out = exit;
  return false;
}

bool KvmVcpu::HandleMmio(ExitHandler& handler, absl::StatusOr<VmExit>* out) {
  VmExit exit;
  exit.reason = ExitReason::kEptViolation;
  exit.ept.gpa = run_->mmio.phys_addr;
  exit.ept.access = run_->mmio.is_write ? kAccessWrite : kAccessRead;
  exit.ept.size = static_cast<uint8_t>(run_->mmio.len);
  if (run_->mmio.is_write) memcpy(&exit.ept.value, run_->mmio.data, std::min(8u, run_->mmio.len));
  exit.ept.mmio = kvm_.IsMmio(exit.ept.gpa);
  const uint8_t need = run_->mmio.is_write ? kProtWrite : kProtRead;
  if (!exit.ept.mmio) exit.ept.mapped = kvm_.FindRegion(exit.ept.gpa).has_value();
  ExitAction action = handler.HandleExit(*this, exit);
  if (exit.ept.mmio) {
    if (!run_->mmio.is_write) memcpy(run_->mmio.data, &exit.ept.value, std::min(8u, run_->mmio.len));
    if (action == ExitAction::kResume) return true;
    exit.rip = Rip();
    *out = exit;
    return false;
  }
  // RAM fault: resume only if the handler made the access legal; then
  // complete the access here (KVM finishes the instruction with our data).
  std::optional<MemoryRegion> r = kvm_.FindRegion(exit.ept.gpa);
  if (action == ExitAction::kResume && r && (r->prot & need)) {
    uint8_t* host = kvm_.host_base() + exit.ept.gpa;
    if (run_->mmio.is_write) {
      memcpy(host, run_->mmio.data, run_->mmio.len);
    } else {
      memcpy(run_->mmio.data, host, run_->mmio.len);
    }
    return true;
  }
  exit.rip = Rip();
  alive_.store(false);
  *out = exit;
  return false;
}

uint64_t KvmVcpu::Rip() {
  kvm_regs regs;
  if (ioctl(fd_, KVM_GET_REGS, &regs) < 0) return 0;
  return regs.rip;
}

absl::StatusOr<VcpuRegisters> KvmVcpu::GetRegisters() {
  kvm_regs r;
  kvm_sregs s;
  if (ioctl(fd_, KVM_GET_REGS, &r) < 0) return Errno("KVM_GET_REGS");
  if (ioctl(fd_, KVM_GET_SREGS, &s) < 0) return Errno("KVM_GET_SREGS");
  VcpuRegisters v;
  v.rax = r.rax; v.rbx = r.rbx; v.rcx = r.rcx; v.rdx = r.rdx;
  v.rsi = r.rsi; v.rdi = r.rdi; v.rbp = r.rbp; v.rsp = r.rsp;
  v.r8 = r.r8; v.r9 = r.r9; v.r10 = r.r10; v.r11 = r.r11;
  v.r12 = r.r12; v.r13 = r.r13; v.r14 = r.r14; v.r15 = r.r15;
  v.rip = r.rip;
  v.rflags = r.rflags;
  v.fs_base = s.fs.base;
  v.gs_base = s.gs.base;
  return v;
}

absl::Status KvmVcpu::SetRegisters(const VcpuRegisters& v) {
  kvm_regs r;
  memset(&r, 0, sizeof(r));
  r.rax = v.rax; r.rbx = v.rbx; r.rcx = v.rcx; r.rdx = v.rdx;
  r.rsi = v.rsi; r.rdi = v.rdi; r.rbp = v.rbp; r.rsp = v.rsp;
  r.r8 = v.r8; r.r9 = v.r9; r.r10 = v.r10; r.r11 = v.r11;
  r.r12 = v.r12; r.r13 = v.r13; r.r14 = v.r14; r.r15 = v.r15;
  r.rip = v.rip;
  r.rflags = v.rflags | 0x2;
  if (ioctl(fd_, KVM_SET_REGS, &r) < 0) return Errno("KVM_SET_REGS");
  kvm_sregs s;
  if (ioctl(fd_, KVM_GET_SREGS, &s) < 0) return Errno("KVM_GET_SREGS");
  s.fs.base = v.fs_base;
  s.gs.base = v.gs_base;
  if (ioctl(fd_, KVM_SET_SREGS, &s) < 0) return Errno("KVM_SET_SREGS");
  return absl::OkStatus();
}

}  // namespace hv::shim::kvm
