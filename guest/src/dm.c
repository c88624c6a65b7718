#include "guest/src/dm.h"

#include "guest/src/hv.h"
#include "guest/src/lib.h"
#include "guest/src/pmm.h"
#include "guest/src/workload.h"
#include "wire/dynmem.h"

#define FLOOR_PAGES 2048 /* keep 8 MiB free when ballooning */

static vmbus_channel* dm;
static uint32_t trans_id;
static uint64_t next_report, max_page_count;
static int hibernate_quirk;

void dm_set_hibernate_quirk(int on) { hibernate_quirk = on; }
static uint8_t rx[DM_MAX_MESSAGE_BYTES] __attribute__((aligned(8)));
static uint8_t tx[DM_MAX_MESSAGE_BYTES] __attribute__((aligned(8)));

static void header(dm_header* h, uint16_t type, uint16_t size) {
  h->type = type;
  h->size = size;
  h->trans_id = ++trans_id;
}

/* Waits up to 5 s for a message of `type` from the host. */
static int wait_for(uint16_t type) {
  const uint64_t deadline = hv_now() + 5000 * HV_MS;
  for (;;) {
    const int n = vmbus_recv(dm, rx, sizeof(rx));
    if (n >= (int)sizeof(dm_header) && ((dm_header*)rx)->type == type) return n;
    if (n != 0) continue;
    const uint64_t now = hv_now();
    if (now >= deadline) return -1;
    hv_sleep_until(now + HV_MS);
  }
}

int dm_start(vmbus_channel* ch, uint8_t* ring_pages, uint32_t first_report_delay_s) {
  if (vmbus_open(ch, ring_pages) != 0) return -1;
  dm = ch;
  static const uint32_t versions[3] = {DYNMEM_PROTOCOL_VERSION_3, DYNMEM_PROTOCOL_VERSION_2,
                                       DYNMEM_PROTOCOL_VERSION_1};
  int accepted = 0;
  for (int i = 0; i < 3 && !accepted; ++i) {
    dm_version_request v;
    header(&v.hdr, DM_VERSION_REQUEST, sizeof(v));
    v.version = versions[i];
    v.flags = i == 2 ? DM_VERSION_IS_LAST_ATTEMPT : 0;
    vmbus_send(dm, &v, sizeof(v));
    if (wait_for(DM_VERSION_RESPONSE) < 0) return -2;
    accepted = (((dm_version_response*)rx)->flags & DM_VERSION_ACCEPTED) != 0;
    if (accepted) kprintf("dm: version %u.%u accepted\n", versions[i] >> 16, versions[i] & 0xFFFF);
  }
  if (!accepted) return -3;
  dm_capabilities c;
  header(&c.hdr, DM_CAPABILITIES_REPORT, sizeof(c));
  c.caps = DM_CAP_BALLOON | DM_CAP_HOT_ADD | (7ull << DM_CAP_ALIGNMENT_SHIFT);
  c.min_page_cnt = 0;
  c.max_page_number = ~0ull;
  vmbus_send(dm, &c, sizeof(c));
  if (wait_for(DM_CAPABILITIES_RESPONSE) < 0) return -4;
  if (!(((dm_capabilities_resp_msg*)rx)->flags & DM_CAPS_ACCEPTED)) return -5;
  next_report = hv_now() + (uint64_t)first_report_delay_s * 1000 * HV_MS;
  return 0;
}

static void send_status(void) {
  dm_status s;
  memset(&s, 0, sizeof(s));
  header(&s.hdr, DM_STATUS_REPORT, sizeof(s));
  s.num_avail = pmm_free_pages();
  /* Committed: what the workload wants (held, or more while the guest is
   * short) + kernel + ballooned pages (Linux counts ballooned pages as
   * committed; hyperv.md §1). A guest short of memory thus reports a pressure
   * above 100, as a Linux guest's Committed_AS does. */
  s.num_committed = workload_demand_pages() + pmm_kernel_pages() + pmm_ballooned_pages();
  vmbus_send(dm, &s, sizeof(s));
}

static void send_balloon_response(uint32_t nranges, int more) {
  dm_balloon_response* r = (dm_balloon_response*)tx;
  header(&r->hdr, DM_BALLOON_RESPONSE, (uint16_t)(sizeof(*r) + 8 * nranges));
  r->reservedz = 0;
  r->more_and_count = DM_BALLOON_RESP_MAKE(more, nranges);
  vmbus_send(dm, tx, r->hdr.size);
}

static void balloon(uint32_t num_pages) {
  dm_page_range* ranges = (dm_page_range*)(tx + sizeof(dm_balloon_response));
  uint32_t n = 0;
  uint64_t got = 0;
  while (got < num_pages && pmm_free_pages() > FLOOR_PAGES) {
    uint64_t pfn = 0, count = 0;
    if (num_pages - got >= PMM_CHUNK_PAGES && pmm_free_pages() >= FLOOR_PAGES + PMM_CHUNK_PAGES) {
      pfn = pmm_alloc_chunk();
      count = PMM_CHUNK_PAGES;
    }
    if (!pfn) {
      pfn = pmm_alloc_page();
      count = 1;
    }
    if (!pfn) break;
    pmm_mark_ballooned(pfn, count);
    got += count;
    if (n > 0 && DM_RANGE_PFN(ranges[n - 1]) + DM_RANGE_COUNT(ranges[n - 1]) == pfn &&
        DM_RANGE_COUNT(ranges[n - 1]) + count <= DM_RANGE_MAX_PAGES) {
      ranges[n - 1] = DM_RANGE_MAKE(DM_RANGE_PFN(ranges[n - 1]), DM_RANGE_COUNT(ranges[n - 1]) + count);
      continue;
    }
    if (n == DM_MAX_RANGES_PER_MESSAGE) {
      send_balloon_response(n, 1);
      n = 0;
    }
    ranges[n++] = DM_RANGE_MAKE(pfn, count);
  }
  send_balloon_response(n, 0);
  kprintf("dm: ballooned %lu of %u pages\n", got, num_pages);
}

static void handle(const uint8_t* m, uint32_t len) {
  const dm_header* h = (const dm_header*)m;
  if (hibernate_quirk && (h->type == DM_BALLOON_REQUEST || h->type == DM_UNBALLOON_REQUEST)) {
    return; /* no reply at all */
  }
  if (hibernate_quirk && h->type == DM_MEM_HOT_ADD_REQUEST) {
    dm_hot_add_response resp;
    header(&resp.hdr, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp));
    resp.page_count = 0;
    resp.result = 1;
    vmbus_send(dm, &resp, sizeof(resp));
    return;
  }
  switch (h->type) {
    case DM_BALLOON_REQUEST:
      balloon(((const dm_balloon*)m)->num_pages);
      send_status();
      break;
    case DM_UNBALLOON_REQUEST: {
      const dm_unballoon_request* u = (const dm_unballoon_request*)m;
      const dm_page_range* r = (const dm_page_range*)(m + sizeof(*u));
      uint32_t count = u->range_count;
      if (sizeof(*u) + 8ull * count > len) count = (uint32_t)((len - sizeof(*u)) / 8);
      uint64_t pages = 0;
      for (uint32_t i = 0; i < count; ++i) pages += pmm_unballoon(DM_RANGE_PFN(r[i]), DM_RANGE_COUNT(r[i]));
      kprintf("dm: unballooned %lu pages\n", pages);
      if (!(u->more_pages & 1)) {
        dm_unballoon_response resp;
        header(&resp.hdr, DM_UNBALLOON_RESPONSE, sizeof(resp));
        vmbus_send(dm, &resp, sizeof(resp));
      }
      break;
    }
    case DM_MEM_HOT_ADD_REQUEST: {
      const dm_hot_add* a = (const dm_hot_add*)m;
      /* 16-byte form: region = range aligned to 128 MiB (only the range is
       * backed, so only the range is onlined either way). */
      const uint64_t added = pmm_hot_add(DM_RANGE_PFN(a->range), DM_RANGE_COUNT(a->range));
      dm_hot_add_response resp;
      header(&resp.hdr, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp));
      resp.page_count = (uint32_t)added;
      resp.result = 1;
      vmbus_send(dm, &resp, sizeof(resp));
      kprintf("dm: hot-added %lu pages at pfn 0x%lx (%u-byte request)\n", added,
              DM_RANGE_PFN(a->range), h->size);
      send_status();
      break;
    }
    case DM_INFO_MESSAGE:
      if (len >= sizeof(dm_info_max_page_cnt)) {
        max_page_count = ((const dm_info_max_page_cnt*)m)->max_page_count;
      }
      break;
    default:
      break;
  }
}

uint64_t dm_poll(uint64_t now) {
  if (!dm) return ~0ull;
  int n;
  while ((n = vmbus_recv(dm, rx, sizeof(rx))) != 0) {
    if (n >= (int)sizeof(dm_header)) handle(rx, (uint32_t)n);
  }
  if (now >= next_report) {
    send_status();
    next_report = now + 1000 * HV_MS;
  }
  return next_report;
}
