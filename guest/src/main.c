/* Reference guest kernel: boots from hv_boot_info, brings up the page
 * allocator, SynIC and VMBus, then the DM VSC, heartbeat and workload
 * channels, and runs a poll loop that sleeps with STIMER0 + HLT.
 * Command line (space separated):
 *   dm=off        boot without the DM VSC (stays static with its startup memory)
 *   dmdelay=N     seconds before the first STATUS_REPORT (default 0)
 *   hb=off        no heartbeat IC
 *   sd=off        no shutdown IC (the host's Shutdown falls back to power-off)
 *   dmquirk=hibernate  ignore balloon requests like a hibernation-capable Linux
 *   wl=CMD        initial workload command, commas for spaces (wl=alloc,32) */
#include "guest/src/dm.h"
#include "guest/src/hv.h"
#include "guest/src/ic.h"
#include "guest/src/lib.h"
#include "guest/src/pmm.h"
#include "guest/src/vmbus.h"
#include "guest/src/workload.h"
#include "wire/boot_info.h"
#include "wire/dynmem.h"

extern char __kernel_end[];

static uint8_t dm_rings[2 * VMBUS_RING_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t hb_rings[2 * VMBUS_RING_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t sd_rings[2 * VMBUS_RING_PAGES * 4096] __attribute__((aligned(4096)));
static uint8_t wl_rings[2 * VMBUS_RING_PAGES * 4096] __attribute__((aligned(4096)));

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

void guest_main(const hv_boot_info* bi) {
  serial_puts("hv-guest: boot\n");
  if (bi->magic != HV_BOOT_INFO_MAGIC) {
    serial_puts("hv-guest: bad boot info\n");
    return;
  }
  char cmdline[HV_BOOT_COMMAND_LINE_BYTES];
  memcpy(cmdline, bi->command_line, sizeof(cmdline));
  cmdline[sizeof(cmdline) - 1] = 0;
  pmm_init(bi, ((uint64_t)__kernel_end + 4095) & ~4095ull);
  kprintf("hv-guest: %lu MiB RAM, %lu pages free, cmdline '%s'\n", pmm_total_pages() / 256,
          pmm_free_pages(), cmdline);
  hv_init();
  char value[128];
  const int dm_enabled = !(cmdline_get(cmdline, "dm", value, sizeof(value)) && value[0] == 'o' &&
                           value[1] == 'f');
  const int hb_enabled = !(cmdline_get(cmdline, "hb", value, sizeof(value)) && value[0] == 'o' &&
                           value[1] == 'f');
  const int sd_enabled = !(cmdline_get(cmdline, "sd", value, sizeof(value)) && value[0] == 'o' &&
                           value[1] == 'f');
  uint32_t delay = 0;
  if (cmdline_get(cmdline, "dmdelay", value, sizeof(value))) {
    const char* p = value;
    delay = (uint32_t)parse_u64(&p);
  }
  if (cmdline_get(cmdline, "dmquirk", value, sizeof(value)) && value[0] == 'h') {
    dm_set_hibernate_quirk(1);
  }
  int rc = vmbus_connect();
  if (rc != 0) kprintf("hv-guest: vmbus connect failed (%d)\n", rc);
  static const uint8_t dm_guid[16] = HV_DM_CLASS_GUID_BYTES;
  static const uint8_t hb_guid[16] = HV_HEARTBEAT_CLASS_GUID_BYTES;
  static const uint8_t wl_guid[16] = HV_WORKLOAD_CLASS_GUID_BYTES;
  static const uint8_t sd_guid[16] = HV_SHUTDOWN_CLASS_GUID_BYTES;
  vmbus_channel* ch;
  if (rc == 0 && dm_enabled && (ch = vmbus_find(dm_guid)) != 0) {
    rc = dm_start(ch, dm_rings, delay);
    kprintf(rc == 0 ? "dm: active\n" : "dm: not active (%d)\n", rc);
  } else {
    serial_puts("dm: VSC disabled\n");
  }
  if (hb_enabled && (ch = vmbus_find(hb_guid)) != 0) ic_heartbeat_start(ch, hb_rings);
  if (sd_enabled && (ch = vmbus_find(sd_guid)) != 0) ic_shutdown_start(ch, sd_rings);
  if ((ch = vmbus_find(wl_guid)) != 0) ic_workload_start(ch, wl_rings);
  if (cmdline_get(cmdline, "wl", value, sizeof(value))) workload_command(value);
  serial_puts("hv-guest: running\n");
  for (;;) {
    const uint64_t now = hv_now();
    vmbus_poll_messages();
    /* Every host message and channel signal kicks the vCPU, so this cap is
     * only a safety net; at 100 ms it was half of an idle worker's CPU
     * (docs/scale/README.md finding 3). */
    uint64_t next = now + 1000 * HV_MS;
    next = min_u64(next, dm_poll(now));
    next = min_u64(next, workload_step(now));
    next = min_u64(next, ic_poll(now));
    if (next > now) hv_sleep_until(next);
  }
}
