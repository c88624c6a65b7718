#include "hypervisor-shim/partition.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "wire/boot_info.h"

namespace hv::shim {

// Brackets a memory-map change with the backend's Begin/EndMemoryChange.
class Partition::ChangeScope {
 public:
  explicit ChangeScope(Partition* p) : p_(p) { p_->BeginMemoryChange(); }
  ~ChangeScope() { p_->EndMemoryChange(); }

 private:
  Partition* p_;
};

std::string_view ToString(BackendKind kind) {
  switch (kind) {
    case BackendKind::kTcg: return "tcg";
    case BackendKind::kKvm: return "kvm";
  }
  return "unknown";
}

Partition::Partition(PartitionOptions options)
    : options_(std::move(options)), map_(options_.max_gpa, options_.max_regions) {}

Partition::~Partition() {
  vcpus_.clear();
  if (host_base_ != nullptr) munmap(host_base_, options_.max_gpa);
}

absl::Status Partition::Init() {
  constexpr uint64_t k2M = 2ull << 20;
  if (options_.vcpu_count == 0 || options_.vcpu_count > kMaxVcpus) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "partition '%s': vcpu_count %u is not in 1..%u", name(), options_.vcpu_count, kMaxVcpus));
  }
  if (options_.max_gpa < k2M || options_.max_gpa % k2M != 0 || options_.max_gpa > (1ull << 39)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "partition '%s': max_gpa 0x%x is not a multiple of 2 MiB in [2 MiB, 512 GiB]", name(),
        options_.max_gpa));
  }
  void* p = mmap(nullptr, options_.max_gpa, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "partition '%s': cannot reserve 0x%x bytes of host address space: %s", name(),
        options_.max_gpa, strerror(errno)));
  }
  host_base_ = static_cast<uint8_t*>(p);
  RETURN_IF_ERROR(MapRam(HV_BOOT_PAGE_TABLES_GPA, HV_BOOT_IMAGE_GPA - HV_BOOT_PAGE_TABLES_GPA));
  return WriteBootArea();
}

absl::Status Partition::Apply(absl::StatusOr<RegionChanges> changes, std::string_view op,
                              uint64_t gpa, uint64_t size) {
  if (!changes.ok()) {
    return absl::Status(changes.status().code(),
                        absl::StrFormat("partition '%s': %s: %s", name(), op,
                                        changes.status().message()));
  }
  absl::Status s = ApplyRegionChanges(*changes);
  if (!s.ok()) {
    return absl::InternalError(absl::StrFormat("partition '%s': %s [0x%x, +0x%x): backend: %s",
                                               name(), op, gpa, size, s.message()));
  }
  return absl::OkStatus();
}

absl::Status Partition::MapRam(uint64_t gpa, uint64_t size, uint8_t prot) {
  ChangeScope scope(this);
  absl::MutexLock lock(&mu_);
  for (const MemoryRegion& m : mmio_) {
    if (gpa < m.end() && m.gpa < gpa + size) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "partition '%s': map [0x%x, +0x%x) overlaps MMIO at 0x%x", name(), gpa, size, m.gpa));
    }
  }
  return Apply(map_.Map(gpa, size, prot), "map", gpa, size);
}

absl::Status Partition::Unmap(uint64_t gpa, uint64_t size) {
  ChangeScope scope(this);
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(Apply(map_.Unmap(gpa, size), "unmap", gpa, size));
  // Release the host pages; the reservation stays, so the range reads as zeros.
  if (madvise(host_base_ + gpa, size, MADV_DONTNEED) != 0) {
    return absl::InternalError(absl::StrFormat("partition '%s': madvise(DONTNEED) 0x%x: %s",
                                               name(), gpa, strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status Partition::Protect(uint64_t gpa, uint64_t size, uint8_t prot) {
  ChangeScope scope(this);
  absl::MutexLock lock(&mu_);
  return Apply(map_.Protect(gpa, size, prot), "protect", gpa, size);
}

absl::Status Partition::RegisterMmio(uint64_t gpa, uint64_t size) {
  ChangeScope scope(this);
  absl::MutexLock lock(&mu_);
  if (size == 0 || gpa % kPageSize || size % kPageSize || gpa + size < gpa ||
      gpa + size > options_.max_gpa) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "partition '%s': MMIO range [0x%x, +0x%x) is not page aligned inside max_gpa", name(),
        gpa, size));
  }
  for (uint64_t at = gpa; at < gpa + size; at += kPageSize) {
    if (map_.Find(at)) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "partition '%s': MMIO range [0x%x, +0x%x) overlaps RAM", name(), gpa, size));
    }
  }
  for (const MemoryRegion& m : mmio_) {
    if (gpa < m.end() && m.gpa < gpa + size) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "partition '%s': MMIO range [0x%x, +0x%x) overlaps MMIO", name(), gpa, size));
    }
  }
  RETURN_IF_ERROR(ApplyMmio(gpa, size));
  mmio_.push_back({gpa, size, kProtNone});
  return absl::OkStatus();
}

absl::Status Partition::CheckedRange(uint64_t gpa, uint64_t size) const {
  if (!map_.IsMapped(gpa, size)) {
    return absl::OutOfRangeError(absl::StrFormat(
        "partition '%s': GPA range [0x%x, +0x%x) is not RAM", name(), gpa, size));
  }
  return absl::OkStatus();
}

absl::Status Partition::ReadGpa(uint64_t gpa, void* dst, uint64_t size) const {
  absl::ReaderMutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckedRange(gpa, size));
  if (size) memcpy(dst, host_base_ + gpa, size);
  return absl::OkStatus();
}

absl::Status Partition::WriteGpa(uint64_t gpa, const void* src, uint64_t size) {
  absl::ReaderMutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckedRange(gpa, size));
  if (size) memcpy(host_base_ + gpa, src, size);
  return absl::OkStatus();
}

absl::Status Partition::CopyGpa(uint64_t dst_gpa, uint64_t src_gpa, uint64_t size) {
  absl::ReaderMutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckedRange(dst_gpa, size));
  RETURN_IF_ERROR(CheckedRange(src_gpa, size));
  if (size) memmove(host_base_ + dst_gpa, host_base_ + src_gpa, size);
  return absl::OkStatus();
}

absl::StatusOr<uint8_t*> Partition::HostPointer(uint64_t gpa, uint64_t size) {
  absl::ReaderMutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckedRange(gpa, size));
  return host_base_ + gpa;
}

absl::Status Partition::NotifyCodeWritten(uint64_t gpa, uint64_t size) {
  ChangeScope scope(this);
  absl::MutexLock lock(&mu_);
  return InvalidateCode(gpa, size);
}

std::vector<MemoryRegion> Partition::Regions() const {
  absl::ReaderMutexLock lock(&mu_);
  return map_.Regions();
}

uint64_t Partition::MappedBytes() const {
  absl::ReaderMutexLock lock(&mu_);
  return map_.mapped_bytes();
}

uint64_t Partition::ResidentBytes() const {
  absl::ReaderMutexLock lock(&mu_);
  constexpr uint64_t kChunk = 64ull << 20;
  std::vector<unsigned char> vec(kChunk / kPageSize);
  uint64_t resident_pages = 0;
  for (const MemoryRegion& r : map_.Regions()) {
    for (uint64_t off = 0; off < r.size; off += kChunk) {
      uint64_t len = std::min(kChunk, r.size - off);
      if (mincore(host_base_ + r.gpa + off, len, vec.data()) != 0) continue;
      for (uint64_t i = 0; i < len / kPageSize; ++i) resident_pages += vec[i] & 1;
    }
  }
  return resident_pages * kPageSize;
}

std::optional<MemoryRegion> Partition::FindRegion(uint64_t gpa) const {
  absl::ReaderMutexLock lock(&mu_);
  return map_.Find(gpa);
}

bool Partition::IsMmio(uint64_t gpa) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const MemoryRegion& m : mmio_) {
    if (gpa >= m.gpa && gpa < m.end()) return true;
  }
  return false;
}

}  // namespace hv::shim
