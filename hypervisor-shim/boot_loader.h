// Loads a flat 64-bit image per wire/boot_info.h and sets the entry state.
//
// Entry state of vCPU n (the boot protocol of wire/boot_info.h, extended for
// SMP): RIP = entry, RDI = HV_BOOT_INFO_GPA, RSI = n (the VP index),
// RSP = HV_BOOT_STACK_TOP - n * kBootStackPerVcpu, RFLAGS = 0x2. Long mode,
// paging identity (KVM) or off (TCG), interrupts off.
#ifndef HV_HYPERVISOR_SHIM_BOOT_LOADER_H_
#define HV_HYPERVISOR_SHIM_BOOT_LOADER_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "hypervisor-shim/partition.h"
#include "wire/boot_info.h"

namespace hv::shim {

inline constexpr uint64_t kBootStackPerVcpu = 0x10000;

struct BootParams {
  uint64_t image_gpa = HV_BOOT_IMAGE_GPA;  // where the flat image goes; entry = image_gpa
  uint64_t startup_bytes = 64ull << 20;    // RAM top at boot (hv_boot_info.startup_bytes)
  uint64_t maximum_bytes = 64ull << 20;    // DM maximum (hv_boot_info.maximum_bytes)
  std::string command_line;                // < HV_BOOT_COMMAND_LINE_BYTES
};

// Copies `image` to params.image_gpa (which must be mapped RAM, OutOfRange
// otherwise) and notifies the backend that code was written.
absl::Status LoadFlatImage(Partition& partition, std::span<const uint8_t> image,
                           uint64_t gpa);

// Fills hv_boot_info at HV_BOOT_INFO_GPA: magic, version, vcpu count, sizes,
// hypercall page, a memory map (reserved boot area + image, usable RAM up to
// startup_bytes) and the command line. InvalidArgument if the line is too long.
absl::Status WriteBootInfo(Partition& partition, const BootParams& params,
                           uint64_t image_bytes);

// Sets every vCPU's entry registers (see the file comment).
absl::Status SetEntryRegisters(Partition& partition, uint64_t entry);

// All three: maps nothing (the caller maps RAM [HV_BOOT_IMAGE_GPA, startup)).
absl::Status LoadGuest(Partition& partition, std::span<const uint8_t> image,
                       const BootParams& params);

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_BOOT_LOADER_H_
