// A partition (VM): its guest physical memory and its vCPUs.
//
// Guest memory: the partition reserves `max_gpa` bytes of host address space
// at creation (mmap MAP_NORESERVE, nothing committed), so GPA g always lives at
// host address base + g. MapRam/Unmap/Protect edit the EPT-like MemoryMap and
// the backend follows (Unicorn regions / KVM memory slots). Unmap releases the
// host pages (MADV_DONTNEED): ResidentBytes() drops, and the range reads as
// zeros if mapped again.
//
// At creation the partition maps the boot area [HV_BOOT_PAGE_TABLES_GPA,
// HV_BOOT_IMAGE_GPA) (page tables, boot info, hypercall page, stacks;
// wire/boot_info.h) and writes the backend's hypercall trampoline at
// HV_BOOT_HYPERCALL_PAGE_GPA (TCG: VMCALL; RET. KVM: OUT HV_HYPERCALL_IO_PORT; RET,
// plus identity page tables up to max_gpa). The guest's RAM above is mapped
// by the caller.
//
// Thread safety: every public method is thread-safe. Memory-map changes on TCG
// briefly stop the engine between translation blocks. Host pointers into
// guest memory stay valid (never fault) for the partition's lifetime; after an
// Unmap they read zeros.
#ifndef HV_HYPERVISOR_SHIM_PARTITION_H_
#define HV_HYPERVISOR_SHIM_PARTITION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hypervisor-shim/memory_map.h"
#include "hypervisor-shim/reference_clock.h"
#include "hypervisor-shim/vcpu.h"

namespace hv::shim {

enum class BackendKind { kTcg, kKvm };
std::string_view ToString(BackendKind kind);  // "tcg", "kvm"

inline constexpr uint32_t kMaxVcpus = 4;

struct PartitionOptions {
  // Names the partition in error messages ("partition 'web1': ...").
  std::string name = "vm";
  // Number of vCPUs, 1..kMaxVcpus.
  uint32_t vcpu_count = 1;
  // Size of the guest physical address space reserved on the host; every
  // mapping lies below it. Must be a multiple of 2 MiB, at least 2 MiB.
  uint64_t max_gpa = 4ull << 30;
  // Bound on memory-map regions (coalesced). Unicorn aborts at ~3,900.
  size_t max_regions = 512;
  // TCG only: round-robin time slice when more than one vCPU is runnable.
  absl::Duration tcg_time_slice = absl::Milliseconds(2);
};

class Partition {
 public:
  virtual ~Partition();
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  virtual BackendKind kind() const = 0;
  const PartitionOptions& options() const { return options_; }
  const std::string& name() const { return options_.name; }
  uint32_t vcpu_count() const { return static_cast<uint32_t>(vcpus_.size()); }
  // REQUIRES index < vcpu_count().
  Vcpu& vcpu(uint32_t index) { return *vcpus_[index]; }
  const ReferenceClock& clock() const { return clock_; }
  // Makes TIME_REF_COUNT continue from `count` (snapshot restore).
  void RestoreTimeRefCount(uint64_t count) { clock_.Restore(count); }

  // ---- guest physical memory (see the file comment) ----
  // Errors as MemoryMap (InvalidArgument, AlreadyExists, NotFound,
  // ResourceExhausted), or Internal if the backend refused the change.
  absl::Status MapRam(uint64_t gpa, uint64_t size, uint8_t prot = kProtAll);
  absl::Status Unmap(uint64_t gpa, uint64_t size);
  absl::Status Protect(uint64_t gpa, uint64_t size, uint8_t prot);
  // Declares [gpa, gpa+size) an MMIO range: guest accesses become
  // kEptViolation exits with mmio=true, size and value. The range must not be
  // RAM. (KVM traps every non-RAM GPA anyway; TCG needs the declaration.)
  absl::Status RegisterMmio(uint64_t gpa, uint64_t size);

  // Host access, bounds-checked against the memory map (protection is
  // ignored: the host may always access RAM). OutOfRange if any byte of the
  // range is not RAM; nothing is copied then.
  absl::Status ReadGpa(uint64_t gpa, void* dst, uint64_t size) const;
  absl::Status WriteGpa(uint64_t gpa, const void* src, uint64_t size);
  absl::Status CopyGpa(uint64_t dst_gpa, uint64_t src_gpa, uint64_t size);
  // Host pointer to [gpa, gpa+size), which must be RAM (OutOfRange otherwise).
  absl::StatusOr<uint8_t*> HostPointer(uint64_t gpa, uint64_t size);
  // The host wrote guest code at [gpa, gpa+size): TCG drops its translations
  // (uc_ctl_remove_cache, software-cpu.md §7.8). Call after loading images.
  absl::Status NotifyCodeWritten(uint64_t gpa, uint64_t size);

  std::vector<MemoryRegion> Regions() const;
  uint64_t MappedBytes() const;
  // Guest RAM actually resident on the host, measured with mincore(2).
  uint64_t ResidentBytes() const;
  // Granularity in which the balloon should unmap: 2 MiB on TCG (region
  // bound), 4 KiB on KVM.
  virtual uint64_t unmap_granularity() const = 0;

 protected:
  // Reserves the host range; subclasses then create vCPUs and call
  // InitBootArea().
  explicit Partition(PartitionOptions options);
  // Second-stage init: reservation + boot-area mapping. Called by the backend.
  absl::Status Init();

  // Called around every memory-map change, before mu_ is taken and after it
  // is released (lock order: backend engine, then mu_). TCG parks its engine
  // here, because Unicorn's map cannot change under a running engine.
  virtual void BeginMemoryChange() {}
  virtual void EndMemoryChange() {}

  // Backend hooks, called with mu_ held (no other memory change in flight).
  virtual absl::Status ApplyRegionChanges(const RegionChanges& changes) = 0;
  virtual absl::Status ApplyMmio(uint64_t gpa, uint64_t size) = 0;
  virtual absl::Status InvalidateCode(uint64_t gpa, uint64_t size) = 0;
  // Writes the hypercall trampoline (and, on KVM, page tables).
  virtual absl::Status WriteBootArea() = 0;

  uint8_t* host_base() const { return host_base_; }
  std::vector<std::unique_ptr<Vcpu>>& vcpus() { return vcpus_; }
  // Guest view of the map for a backend's fault path (takes a reader lock).
  std::optional<MemoryRegion> FindRegion(uint64_t gpa) const;
  bool IsMmio(uint64_t gpa) const;
  ReferenceClock clock_;

 private:
  class ChangeScope;
  absl::Status CheckedRange(uint64_t gpa, uint64_t size) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status Apply(absl::StatusOr<RegionChanges> changes, std::string_view op,
                     uint64_t gpa, uint64_t size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PartitionOptions options_;
  uint8_t* host_base_ = nullptr;
  mutable absl::Mutex mu_;
  MemoryMap map_ ABSL_GUARDED_BY(mu_);
  std::vector<MemoryRegion> mmio_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_PARTITION_H_
