#include "hypervisor-shim/kvm/kvm_partition.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "hypervisor-shim/hyperv_cpuid.h"
#include "hypervisor-shim/kvm/kvm_ioctls.h"
#include "hypervisor-shim/kvm/kvm_vcpu.h"
#include "wire/boot_info.h"
#include "wire/tlfs.h"

namespace hv::shim::kvm {
namespace {

constexpr uint64_t kPtePresent = 1ull << 0;
constexpr uint64_t kPteWrite = 1ull << 1;
constexpr uint64_t kPteLarge = 1ull << 7;  // PS: 2 MiB (PDE) or 1 GiB (PDPTE)
constexpr uint64_t k1G = 1ull << 30;
constexpr uint64_t k2M = 2ull << 20;
constexpr uint32_t kMaxCpuidEntries = 256;
// Flat 64-bit GDT: null, code (L=1, P, S, type 0xA), data (P, S, type 2).
constexpr uint64_t kGdt[] = {0, 0x00AF9A000000FFFFull, 0x00CF92000000FFFFull};
// OUT imm8, AL; RET: the KVM hypercall trampoline (wire/tlfs.h).
constexpr uint8_t kTrampoline[] = {0xE6, HV_HYPERCALL_IO_PORT, 0xC3};

}  // namespace

KvmPartition::KvmPartition(int kvm_fd, const PartitionOptions& options)
    : Partition(options), kvm_fd_(kvm_fd) {}

KvmPartition::~KvmPartition() {
  vcpus().clear();
  if (vm_fd_ >= 0) close(vm_fd_);
}

absl::StatusOr<std::unique_ptr<Partition>> KvmPartition::Create(int kvm_fd,
                                                                const PartitionOptions& options) {
  std::unique_ptr<KvmPartition> p(new KvmPartition(kvm_fd, options));
  RETURN_IF_ERROR(p->CreateVm());
  RETURN_IF_ERROR(p->Init());
  RETURN_IF_ERROR(p->BuildCpuid());
  for (uint32_t i = 0; i < options.vcpu_count; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<KvmVcpu> v, KvmVcpu::Create(*p, i));
    p->vcpus().push_back(std::move(v));
  }
  return p;
}

absl::Status KvmPartition::CreateVm() {
  vm_fd_ = ioctl(kvm_fd_, KVM_CREATE_VM, 0UL);
  if (vm_fd_ < 0) {
    return absl::InternalError(
        absl::StrFormat("partition '%s': KVM_CREATE_VM: %s", name(), strerror(errno)));
  }
  int slots = ioctl(kvm_fd_, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
  if (slots > 0) max_slots_ = static_cast<uint32_t>(slots);
  for (uint32_t s = max_slots_; s > 0; --s) free_slots_.push_back(s - 1);
  // Intel needs a TSS area outside RAM for real-mode emulation; harmless on AMD.
  ioctl(vm_fd_, KVM_SET_TSS_ADDR, 0xFFFBD000ul);
  // RDMSR/WRMSR of MSRs KVM does not know exit to us (kMsrRead/kMsrWrite)
  // instead of a #GP inside KVM. Best effort: older kernels lack the cap.
  kvm_enable_cap cap;
  memset(&cap, 0, sizeof(cap));
  cap.cap = KVM_CAP_X86_USER_SPACE_MSR;
  cap.args[0] = KVM_MSR_EXIT_REASON_UNKNOWN;
  user_space_msr_ = ioctl(vm_fd_, KVM_ENABLE_CAP, &cap) == 0;
  return absl::OkStatus();
}

absl::Status KvmPartition::BuildCpuid() {
  std::vector<uint8_t> buf(kKvmCpuid2HeaderBytes + kMaxCpuidEntries * sizeof(kvm_cpuid_entry2));
  auto* c = reinterpret_cast<kvm_cpuid2*>(buf.data());
  c->nent = kMaxCpuidEntries;
  if (ioctl(kvm_fd_, kKvmGetSupportedCpuid, c) < 0) {
    return absl::InternalError(
        absl::StrFormat("partition '%s': KVM_GET_SUPPORTED_CPUID: %s", name(), strerror(errno)));
  }
  for (uint32_t i = 0; i < c->nent; ++i) {
    kvm_cpuid_entry2 e = CpuidEntries(buf.data())[i];
    if (e.function >= 0x40000000u && e.function <= 0x400000FFu) continue;  // KVM's own leaves
    if (e.function == 1) e.ecx |= kCpuid1EcxHypervisorPresent;
    cpuid_.push_back(e);
  }
  for (const CpuidLeaf& l : HypervCpuidLeaves()) {
    kvm_cpuid_entry2 e;
    memset(&e, 0, sizeof(e));
    e.function = l.leaf;
    e.eax = l.eax;
    e.ebx = l.ebx;
    e.ecx = l.ecx;
    e.edx = l.edx;
    cpuid_.push_back(e);
  }
  return absl::OkStatus();
}

void KvmPartition::EnterRun() {
  absl::MutexLock lock(&gate_mu_);
  gate_mu_.Await(absl::Condition(
      +[](int* changing) { return *changing == 0; }, &changing_));
  ++in_run_;
}

void KvmPartition::LeaveRun() {
  absl::MutexLock lock(&gate_mu_);
  --in_run_;
}

void KvmPartition::BeginMemoryChange() {
  absl::MutexLock lock(&gate_mu_);
  ++changing_;
  // A vCPU that passed EnterRun has immediate_exit set before (or is signalled
  // out of) KVM_RUN, so in_run_ drains. A handler changing memory on a vCPU
  // thread is not inside KVM_RUN and not counted.
  for (auto& v : vcpus()) static_cast<KvmVcpu*>(v.get())->InterruptRun();
  gate_mu_.Await(absl::Condition(+[](int* in_run) { return *in_run == 0; }, &in_run_));
}

void KvmPartition::EndMemoryChange() {
  absl::MutexLock lock(&gate_mu_);
  --changing_;
}

absl::Status KvmPartition::SetSlot(uint32_t slot, const MemoryRegion& r, uint64_t size) {
  kvm_userspace_memory_region m;
  memset(&m, 0, sizeof(m));
  m.slot = slot;
  m.flags = (r.prot & kProtWrite) ? 0 : KVM_MEM_READONLY;
  m.guest_phys_addr = r.gpa;
  m.memory_size = size;  // 0 deletes the slot
  m.userspace_addr = reinterpret_cast<uint64_t>(host_base() + r.gpa);
  if (ioctl(vm_fd_, KVM_SET_USER_MEMORY_REGION, &m) < 0) {
    return absl::InternalError(absl::StrFormat("KVM_SET_USER_MEMORY_REGION slot %u 0x%x+0x%x: %s",
                                               slot, r.gpa, size, strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status KvmPartition::ApplyRegionChanges(const RegionChanges& changes) {
  for (const MemoryRegion& r : changes.removed) {
    auto it = slot_by_gpa_.find(r.gpa);
    if (it == slot_by_gpa_.end()) continue;  // a kProtNone region has no slot
    RETURN_IF_ERROR(SetSlot(it->second, r, 0));
    free_slots_.push_back(it->second);
    slot_by_gpa_.erase(it);
  }
  for (const MemoryRegion& r : changes.added) {
    if ((r.prot & kProtRead) == 0) continue;  // no access: every touch exits
    if (free_slots_.empty()) {
      return absl::ResourceExhaustedError(
          absl::StrFormat("all %u KVM memory slots are in use", max_slots_));
    }
    uint32_t slot = free_slots_.back();
    RETURN_IF_ERROR(SetSlot(slot, r, r.size));
    free_slots_.pop_back();
    slot_by_gpa_[r.gpa] = slot;
  }
  return absl::OkStatus();
}

absl::Status KvmPartition::WriteBootArea() {
  const uint64_t max_gpa = options().max_gpa;
  uint64_t pml4 = kPdptGpa | kPtePresent | kPteWrite;
  RETURN_IF_ERROR(WriteGpa(kPml4Gpa, &pml4, sizeof(pml4)));
  if (max_gpa <= 4 * k1G) {
    // 2 MiB pages through up to four page directories.
    for (uint64_t g = 0; g < (max_gpa + k1G - 1) / k1G; ++g) {
      uint64_t pdpte = (kPdGpa + g * kPageSize) | kPtePresent | kPteWrite;
      RETURN_IF_ERROR(WriteGpa(kPdptGpa + g * 8, &pdpte, sizeof(pdpte)));
    }
    for (uint64_t a = 0; a < max_gpa; a += k2M) {
      uint64_t pde = a | kPtePresent | kPteWrite | kPteLarge;
      RETURN_IF_ERROR(WriteGpa(kPdGpa + (a / k2M) * 8, &pde, sizeof(pde)));
    }
  } else {
    // 1 GiB pages (pdpe1gb), up to 512 GiB.
    for (uint64_t a = 0; a < max_gpa; a += k1G) {
      uint64_t pdpte = a | kPtePresent | kPteWrite | kPteLarge;
      RETURN_IF_ERROR(WriteGpa(kPdptGpa + (a / k1G) * 8, &pdpte, sizeof(pdpte)));
    }
  }
  RETURN_IF_ERROR(WriteGpa(kGdtGpa, kGdt, sizeof(kGdt)));
  return WriteGpa(HV_BOOT_HYPERCALL_PAGE_GPA, kTrampoline, sizeof(kTrampoline));
}

}  // namespace hv::shim::kvm
