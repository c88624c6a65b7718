#include "hypervisor-shim/boot_loader.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace hv::shim {

absl::Status LoadFlatImage(Partition& partition, std::span<const uint8_t> image, uint64_t gpa) {
  RETURN_IF_ERROR(partition.WriteGpa(gpa, image.data(), image.size()));
  return partition.NotifyCodeWritten(gpa & ~(kPageSize - 1),
                                     ((gpa + image.size() + kPageSize - 1) & ~(kPageSize - 1)) -
                                         (gpa & ~(kPageSize - 1)));
}

absl::Status WriteBootInfo(Partition& partition, const BootParams& params,
                           uint64_t image_bytes) {
  if (params.command_line.size() >= HV_BOOT_COMMAND_LINE_BYTES) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "partition '%s': command line of %u bytes exceeds %u", partition.name(),
        params.command_line.size(), HV_BOOT_COMMAND_LINE_BYTES - 1));
  }
  const uint64_t image_end =
      (params.image_gpa + image_bytes + kPageSize - 1) & ~(kPageSize - 1);
  if (image_end > params.startup_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "partition '%s': image ends at 0x%x above startup memory 0x%x", partition.name(),
        image_end, params.startup_bytes));
  }
  hv_boot_info info;
  memset(&info, 0, sizeof(info));
  info.magic = HV_BOOT_INFO_MAGIC;
  info.version = HV_BOOT_INFO_VERSION;
  info.vcpu_count = partition.vcpu_count();
  info.startup_bytes = params.startup_bytes;
  info.maximum_bytes = params.maximum_bytes;
  info.hypercall_page_gpa = HV_BOOT_HYPERCALL_PAGE_GPA;
  info.memory_ranges[0] = {HV_BOOT_PAGE_TABLES_GPA, image_end - HV_BOOT_PAGE_TABLES_GPA,
                           HV_MEMORY_RESERVED, 0};
  info.memory_range_count = 1;
  if (params.startup_bytes > image_end) {
    info.memory_ranges[1] = {image_end, params.startup_bytes - image_end, HV_MEMORY_USABLE, 0};
    info.memory_range_count = 2;
  }
  memcpy(info.command_line, params.command_line.data(), params.command_line.size());
  return partition.WriteGpa(HV_BOOT_INFO_GPA, &info, sizeof(info));
}

absl::Status SetEntryRegisters(Partition& partition, uint64_t entry) {
  for (uint32_t i = 0; i < partition.vcpu_count(); ++i) {
    VcpuRegisters regs;
    regs.rip = entry;
    regs.rdi = HV_BOOT_INFO_GPA;
    regs.rsi = i;
    regs.rsp = HV_BOOT_STACK_TOP - i * kBootStackPerVcpu;
    regs.rflags = 0x2;
    RETURN_IF_ERROR(partition.vcpu(i).SetRegisters(regs));
  }
  return absl::OkStatus();
}

absl::Status LoadGuest(Partition& partition, std::span<const uint8_t> image,
                       const BootParams& params) {
  RETURN_IF_ERROR(LoadFlatImage(partition, image, params.image_gpa));
  RETURN_IF_ERROR(WriteBootInfo(partition, params, image.size()));
  return SetEntryRegisters(partition, params.image_gpa);
}

}  // namespace hv::shim
