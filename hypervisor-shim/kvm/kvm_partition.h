// A KVM partition: a KVM VM (no in-kernel irqchip, so HLT exits to us), one
// memory slot per memory-map region (read-only regions use KVM_MEM_READONLY;
// kProtNone regions get no slot), identity page tables and a flat GDT written
// into the boot area, the Hyper-V CPUID leaves in KVM_SET_CPUID2, and
// KVM_CAP_X86_USER_SPACE_MSR so that unknown MSRs exit to userspace.
// vCPUs run on their callers' threads (one thread per vCPU).
#ifndef HV_HYPERVISOR_SHIM_KVM_KVM_PARTITION_H_
#define HV_HYPERVISOR_SHIM_KVM_KVM_PARTITION_H_

#include <linux/kvm.h>

#include <map>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/partition.h"

namespace hv::shim::kvm {

// Boot-area layout (inside [HV_BOOT_PAGE_TABLES_GPA, HV_BOOT_PAGE_TABLES_END)).
inline constexpr uint64_t kPml4Gpa = 0x1000;
inline constexpr uint64_t kPdptGpa = 0x2000;
inline constexpr uint64_t kPdGpa = 0x3000;   // up to 4 page directories (4 GiB, 2 MiB pages)
inline constexpr uint64_t kGdtGpa = 0x7000;
inline constexpr uint16_t kCodeSelector = 0x08;
inline constexpr uint16_t kDataSelector = 0x10;

class KvmPartition : public Partition {
 public:
  static absl::StatusOr<std::unique_ptr<Partition>> Create(int kvm_fd,
                                                           const PartitionOptions& options);
  ~KvmPartition() override;

  BackendKind kind() const override { return BackendKind::kKvm; }
  uint64_t unmap_granularity() const override { return kPageSize; }

  // For KvmVcpu.
  int kvm_fd() const { return kvm_fd_; }
  int vm_fd() const { return vm_fd_; }
  const std::vector<kvm_cpuid_entry2>& cpuid() const { return cpuid_; }
  // True when unknown-MSR accesses exit to userspace (KVM_CAP_X86_USER_SPACE_MSR).
  bool user_space_msr() const { return user_space_msr_; }
  // The memory-change gate, vCPU side: EnterRun blocks while a memory-map
  // change is in flight and then counts the caller as inside KVM_RUN;
  // LeaveRun undoes it. KVM cannot replace a memory slot atomically, so a
  // change (BeginMemoryChange) interrupts every vCPU out of KVM_RUN and holds
  // them out until EndMemoryChange. Thread-safe.
  void EnterRun();
  void LeaveRun();
  using Partition::FindRegion;
  using Partition::IsMmio;
  using Partition::host_base;

 protected:
  absl::Status ApplyRegionChanges(const RegionChanges& changes) override;
  absl::Status ApplyMmio(uint64_t gpa, uint64_t size) override { return absl::OkStatus(); }
  absl::Status InvalidateCode(uint64_t gpa, uint64_t size) override { return absl::OkStatus(); }
  absl::Status WriteBootArea() override;
  void BeginMemoryChange() override;
  void EndMemoryChange() override;

 private:
  KvmPartition(int kvm_fd, const PartitionOptions& options);
  absl::Status CreateVm();
  absl::Status BuildCpuid();
  absl::Status SetSlot(uint32_t slot, const MemoryRegion& r, uint64_t size);

  int kvm_fd_;  // not owned (the backend's)
  int vm_fd_ = -1;
  uint32_t max_slots_ = 32;
  bool user_space_msr_ = false;
  absl::Mutex gate_mu_;
  int changing_ ABSL_GUARDED_BY(gate_mu_) = 0;  // memory changes in flight
  int in_run_ ABSL_GUARDED_BY(gate_mu_) = 0;    // vCPUs inside KVM_RUN
  std::map<uint64_t, uint32_t> slot_by_gpa_;  // guarded by the base class mutex
  std::vector<uint32_t> free_slots_;
  std::vector<kvm_cpuid_entry2> cpuid_;
};

}  // namespace hv::shim::kvm

#endif  // HV_HYPERVISOR_SHIM_KVM_KVM_PARTITION_H_
