/* Boot protocol between the worker (host) and the reference guest.
 *
 * Guest physical layout at boot (all identity-mapped; x86-64 long mode):
 *   0x0000_0000 .. 0x0000_0FFF  never mapped: a null dereference is an EPT violation
 *   0x0000_1000 .. 0x0000_7FFF  host-reserved: KVM identity page tables (TCG: unused)
 *   0x0000_8000 .. 0x0000_8FFF  hv_boot_info (this struct + command line), RDI points here
 *   0x0000_9000 .. 0x0000_9FFF  hypercall page (host-written trampoline), see tlfs.h
 *   0x0001_0000 .. 0x0007_FFFF  initial stack, RSP = 0x8_0000 at entry
 *   0x0010_0000 ..              the flat guest image, entry = load address (RIP)
 *   .. startup size              RAM the guest may use (memory map below)
 * Hot-added memory appears later above the startup size, 128 MiB aligned, and is
 * announced only through the Dynamic Memory protocol (MEM_HOT_ADD_REQUEST).
 */
#ifndef HV_WIRE_BOOT_INFO_H_
#define HV_WIRE_BOOT_INFO_H_

#include "wire/wire_assert.h"

#define HV_BOOT_PAGE_TABLES_GPA 0x1000ull
#define HV_BOOT_PAGE_TABLES_END 0x8000ull
#define HV_BOOT_INFO_GPA 0x8000ull
#define HV_BOOT_HYPERCALL_PAGE_GPA 0x9000ull
#define HV_BOOT_STACK_TOP 0x80000ull
#define HV_BOOT_IMAGE_GPA 0x100000ull

#define HV_BOOT_INFO_MAGIC 0x4F464E49544F4F42ull /* "BOOTINFO" */
#define HV_BOOT_INFO_VERSION 1u
#define HV_BOOT_MAX_MEMORY_RANGES 16
#define HV_BOOT_COMMAND_LINE_BYTES 1024
/* Power-off port: the guest writes HV_POWER_OFF_VALUE (16 bits) to this I/O
 * port to power the machine off cleanly (the worker ends the VM Off, not
 * Crashed). The port and value are QEMU's ACPI PM1a control (SLP_EN | S5). */
#define HV_POWER_OFF_PORT 0x604
#define HV_POWER_OFF_VALUE 0x2000

/* Memory range types. */
#define HV_MEMORY_USABLE 1u     /* RAM the guest may allocate */
#define HV_MEMORY_RESERVED 2u   /* page tables, boot info, hypercall page, stack, image */

typedef struct hv_boot_memory_range {
  uint64_t base_gpa;
  uint64_t length;
  uint32_t type;
  uint32_t reserved;
} hv_boot_memory_range;
HV_WIRE_SIZE(hv_boot_memory_range, 24);
HV_WIRE_OFFSET(hv_boot_memory_range, type, 16);

typedef struct hv_boot_info {
  uint64_t magic;                 /* HV_BOOT_INFO_MAGIC */
  uint32_t version;               /* HV_BOOT_INFO_VERSION */
  uint32_t vcpu_count;            /* 1..4 */
  uint64_t startup_bytes;         /* RAM at boot (top of the usable map) */
  uint64_t maximum_bytes;         /* DM maximum; hot-add never goes above */
  uint64_t hypercall_page_gpa;    /* HV_BOOT_HYPERCALL_PAGE_GPA */
  uint32_t memory_range_count;
  uint32_t reserved0;
  hv_boot_memory_range memory_ranges[HV_BOOT_MAX_MEMORY_RANGES];
  char command_line[HV_BOOT_COMMAND_LINE_BYTES]; /* NUL-terminated */
} hv_boot_info;
HV_WIRE_OFFSET(hv_boot_info, version, 8);
HV_WIRE_OFFSET(hv_boot_info, startup_bytes, 16);
HV_WIRE_OFFSET(hv_boot_info, maximum_bytes, 24);
HV_WIRE_OFFSET(hv_boot_info, hypercall_page_gpa, 32);
HV_WIRE_OFFSET(hv_boot_info, memory_range_count, 40);
HV_WIRE_OFFSET(hv_boot_info, memory_ranges, 48);
HV_WIRE_OFFSET(hv_boot_info, command_line, 48 + 24 * HV_BOOT_MAX_MEMORY_RANGES);
HV_WIRE_SIZE(hv_boot_info, 48 + 24 * HV_BOOT_MAX_MEMORY_RANGES + HV_BOOT_COMMAND_LINE_BYTES);
HV_WIRE_ASSERT(sizeof(hv_boot_info) <= 4096, "boot info fits its page");

#endif /* HV_WIRE_BOOT_INFO_H_ */
