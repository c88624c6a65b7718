#include "hypervisor-shim/snapshot.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "wire/boot_info.h"

namespace hv::shim {
namespace {

constexpr char kMagic[8] = {'H', 'V', 'S', 'N', 'A', 'P', '0', '1'};
constexpr uint32_t kMaxSyntheticValues = 64;

struct Header {
  char magic[8];
  uint32_t vcpu_count;
  uint32_t region_count;
  uint64_t time_ref_count;
};
struct RegionHeader {
  uint64_t gpa;
  uint64_t size;
  uint32_t prot;
  uint32_t reserved;
};
struct SyntheticValue {
  uint32_t name;
  uint32_t reserved;
  uint64_t value;
};

// Backend-owned guest memory the restore must not overwrite: the KVM page
// tables and the hypercall trampoline (each backend writes its own).
bool BackendOwned(uint64_t gpa) {
  return (gpa >= HV_BOOT_PAGE_TABLES_GPA && gpa < HV_BOOT_PAGE_TABLES_END) ||
         (gpa >= HV_BOOT_HYPERCALL_PAGE_GPA && gpa < HV_BOOT_HYPERCALL_PAGE_GPA + kPageSize);
}

bool IsZeroPage(const uint8_t* page) {
  static constexpr uint8_t kZero[kPageSize] = {};
  return memcmp(page, kZero, kPageSize) == 0;
}

// Which pages of [host, host+size) are resident (mincore(2)); a page it cannot
// tell about counts as resident, so the caller copies it.
std::vector<unsigned char> ResidentPages(uint8_t* host, uint64_t size) {
  std::vector<unsigned char> vec((size + kPageSize - 1) / kPageSize, 1);
  if (mincore(host, size, vec.data()) != 0) std::fill(vec.begin(), vec.end(), 1);
  return vec;
}

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

absl::Status Write(FILE* f, const void* data, size_t size, const std::string& path) {
  if (size != 0 && fwrite(data, 1, size, f) != size) {
    return absl::InternalError(absl::StrFormat("snapshot '%s': write: %s", path, strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status Read(FILE* f, void* data, size_t size, const std::string& path) {
  if (size != 0 && fread(data, 1, size, f) != size) {
    return absl::DataLossError(absl::StrFormat("snapshot '%s': truncated", path));
  }
  return absl::OkStatus();
}

// Copies one region's pages from the file. A zero page whose host page is not
// resident is skipped: a fresh mapping reads as zero already, and touching it
// would make the restored VM's whole RAM resident (only the pages the guest
// had dirtied cost host memory after a restore, as before the save).
absl::Status RestoreRegionPages(FILE* f, const MemoryRegion& r, uint8_t* host,
                                const std::string& path) {
  std::vector<unsigned char> resident = ResidentPages(host, r.size);
  for (uint64_t at = 0; at < r.size; at += kPageSize) {
    uint8_t page[kPageSize];
    RETURN_IF_ERROR(Read(f, page, kPageSize, path));
    if (BackendOwned(r.gpa + at)) continue;
    if (!(resident[at / kPageSize] & 1) && IsZeroPage(page)) continue;
    memcpy(host + at, page, kPageSize);
  }
  return absl::OkStatus();
}

// [lo, hi) minus every range in `cut`, as a list of ranges.
std::vector<MemoryRegion> Subtract(MemoryRegion r, const std::vector<MemoryRegion>& cut) {
  std::vector<MemoryRegion> out = {r};
  for (const MemoryRegion& c : cut) {
    std::vector<MemoryRegion> next;
    for (const MemoryRegion& o : out) {
      if (c.end() <= o.gpa || c.gpa >= o.end()) {
        next.push_back(o);
        continue;
      }
      if (o.gpa < c.gpa) next.push_back({o.gpa, c.gpa - o.gpa, o.prot});
      if (c.end() < o.end()) next.push_back({c.end(), o.end() - c.end(), o.prot});
    }
    out = std::move(next);
  }
  return out;
}

// Makes `p`'s memory map equal `want` without dropping RAM both have (the
// boot area, with its backend-written content, survives).
absl::Status ReshapeMemory(Partition& p, const std::vector<MemoryRegion>& want) {
  for (const MemoryRegion& have : p.Regions()) {
    for (const MemoryRegion& extra : Subtract(have, want)) {
      RETURN_IF_ERROR(p.Unmap(extra.gpa, extra.size));
    }
  }
  for (const MemoryRegion& w : want) {
    for (const MemoryRegion& gap : Subtract(w, p.Regions())) {
      RETURN_IF_ERROR(p.MapRam(gap.gpa, gap.size, w.prot));
    }
    RETURN_IF_ERROR(p.Protect(w.gpa, w.size, w.prot));
  }
  return absl::OkStatus();
}

absl::Status SaveVcpu(FILE* f, Vcpu& v, const std::string& path) {
  ASSIGN_OR_RETURN(VcpuRegisters regs, v.GetRegisters());
  RETURN_IF_ERROR(Write(f, &regs, sizeof(regs), path));
  auto stored = v.synthetic_registers().StoredValues();
  uint32_t n = static_cast<uint32_t>(stored.size());
  RETURN_IF_ERROR(Write(f, &n, sizeof(n), path));
  for (const auto& [name, value] : stored) {
    SyntheticValue sv{name, 0, value};
    RETURN_IF_ERROR(Write(f, &sv, sizeof(sv), path));
  }
  return absl::OkStatus();
}

absl::Status RestoreVcpu(FILE* f, Vcpu& v, const std::string& path) {
  VcpuRegisters regs;
  RETURN_IF_ERROR(Read(f, &regs, sizeof(regs), path));
  RETURN_IF_ERROR(v.SetRegisters(regs));
  uint32_t n = 0;
  RETURN_IF_ERROR(Read(f, &n, sizeof(n), path));
  if (n > kMaxSyntheticValues) {
    return absl::DataLossError(absl::StrFormat("snapshot '%s': %u synthetic registers", path, n));
  }
  for (uint32_t i = 0; i < n; ++i) {
    SyntheticValue sv;
    RETURN_IF_ERROR(Read(f, &sv, sizeof(sv), path));
    if (!v.synthetic_registers().HostSet(sv.name, sv.value).ok()) {
      return absl::DataLossError(
          absl::StrFormat("snapshot '%s': unknown synthetic register 0x%x", path, sv.name));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SaveSnapshot(Partition& partition, const std::string& path) {
  File f(fopen(path.c_str(), "wb"));
  if (!f) {
    return absl::InternalError(absl::StrFormat("snapshot '%s': open: %s", path, strerror(errno)));
  }
  std::vector<MemoryRegion> regions = partition.Regions();
  Header h;
  memcpy(h.magic, kMagic, sizeof(kMagic));
  h.vcpu_count = partition.vcpu_count();
  h.region_count = static_cast<uint32_t>(regions.size());
  h.time_ref_count = partition.clock().Now();
  RETURN_IF_ERROR(Write(f.get(), &h, sizeof(h), path));
  for (uint32_t i = 0; i < partition.vcpu_count(); ++i) {
    RETURN_IF_ERROR(SaveVcpu(f.get(), partition.vcpu(i), path));
  }
  for (const MemoryRegion& r : regions) {
    RegionHeader rh{r.gpa, r.size, r.prot, 0};
    RETURN_IF_ERROR(Write(f.get(), &rh, sizeof(rh), path));
    ASSIGN_OR_RETURN(uint8_t * host, partition.HostPointer(r.gpa, r.size));
    RETURN_IF_ERROR(Write(f.get(), host, r.size, path));
  }
  if (fflush(f.get()) != 0) {
    return absl::InternalError(absl::StrFormat("snapshot '%s': flush: %s", path, strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RestoreSnapshot(Partition& fresh, const std::string& path) {
  File f(fopen(path.c_str(), "rb"));
  if (!f) {
    return absl::NotFoundError(absl::StrFormat("snapshot '%s': open: %s", path, strerror(errno)));
  }
  Header h;
  RETURN_IF_ERROR(Read(f.get(), &h, sizeof(h), path));
  if (memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(absl::StrFormat("snapshot '%s': bad magic", path));
  }
  if (h.vcpu_count != fresh.vcpu_count()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("snapshot '%s': %u vCPUs, partition '%s' has %u", path, h.vcpu_count,
                        fresh.name(), fresh.vcpu_count()));
  }
  if (h.region_count > fresh.options().max_regions) {
    return absl::DataLossError(absl::StrFormat("snapshot '%s': %u regions", path, h.region_count));
  }
  for (uint32_t i = 0; i < h.vcpu_count; ++i) {
    RETURN_IF_ERROR(RestoreVcpu(f.get(), fresh.vcpu(i), path));
  }
  // Region headers and data are interleaved: read them all, reshaping as we go.
  std::vector<std::pair<MemoryRegion, long>> regions;
  for (uint32_t i = 0; i < h.region_count; ++i) {
    RegionHeader rh;
    RETURN_IF_ERROR(Read(f.get(), &rh, sizeof(rh), path));
    if (rh.size == 0 || rh.gpa + rh.size < rh.gpa || rh.gpa + rh.size > fresh.options().max_gpa) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "snapshot '%s': region 0x%x+0x%x does not fit partition '%s'", path, rh.gpa, rh.size,
          fresh.name()));
    }
    regions.push_back({{rh.gpa, rh.size, static_cast<uint8_t>(rh.prot)}, ftell(f.get())});
    if (fseek(f.get(), static_cast<long>(rh.size), SEEK_CUR) != 0) {
      return absl::DataLossError(absl::StrFormat("snapshot '%s': truncated", path));
    }
  }
  std::vector<MemoryRegion> want;
  for (const auto& [r, offset] : regions) want.push_back(r);
  RETURN_IF_ERROR(ReshapeMemory(fresh, want));
  for (const auto& [r, offset] : regions) {
    ASSIGN_OR_RETURN(uint8_t * host, fresh.HostPointer(r.gpa, r.size));
    fseek(f.get(), offset, SEEK_SET);
    RETURN_IF_ERROR(RestoreRegionPages(f.get(), r, host, path));
    RETURN_IF_ERROR(fresh.NotifyCodeWritten(r.gpa, r.size));
  }
  fresh.RestoreTimeRefCount(h.time_ref_count);
  return absl::OkStatus();
}

}  // namespace hv::shim
