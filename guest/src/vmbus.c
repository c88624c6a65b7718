#include "guest/src/vmbus.h"

#include "guest/src/hv.h"
#include "guest/src/lib.h"

#define MAX_CHANNELS 8
static vmbus_channel channels[MAX_CHANNELS];
static uint8_t offer_guids[MAX_CHANNELS][16];
static int channel_count;
static uint32_t next_gpadl = 0x1000;
static uint8_t msg[HV_MESSAGE_PAYLOAD_BYTES] __attribute__((aligned(8)));

/* Waits up to `ms` for a channel message of `type`; offers seen meanwhile
 * are recorded. Returns the payload size or -1 on timeout. */
static void record_offer(void) {
  const vmbus_channel_offer_channel* o = (const vmbus_channel_offer_channel*)msg;
  if (channel_count >= MAX_CHANNELS) return;
  vmbus_channel* ch = &channels[channel_count];
  memcpy(offer_guids[channel_count], o->offer.if_type.b, 16);
  ch->offered = 1;
  ch->relid = o->child_relid;
  ch->connection_id = o->connection_id;
  ++channel_count;
}

static int wait_message(uint32_t type, uint64_t ms) {
  const uint64_t deadline = hv_now() + ms * HV_MS;
  for (;;) {
    int n = hv_take_message(msg);
    if (n >= (int)sizeof(vmbus_channel_message_header)) {
      const uint32_t t = ((vmbus_channel_message_header*)msg)->msgtype;
      if (t == CHANNELMSG_OFFERCHANNEL) record_offer();
      if (t == type) return n;
      continue;
    }
    const uint64_t now = hv_now();
    if (now >= deadline) return -1;
    hv_sleep_until(now + HV_MS < deadline ? now + HV_MS : deadline);
  }
}

int vmbus_connect(void) {
  vmbus_channel_initiate_contact c;
  memset(&c, 0, sizeof(c));
  c.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
  c.vmbus_version_requested = VMBUS_VERSION_WIN10;
  if (hv_post_message(VMBUS_MESSAGE_CONNECTION_ID, &c, sizeof(c)) != HV_STATUS_SUCCESS) return -1;
  if (wait_message(CHANNELMSG_VERSION_RESPONSE, 5000) < 0) return -2;
  if (!((vmbus_channel_version_response*)msg)->version_supported) return -3;
  vmbus_channel_request_offers r;
  memset(&r, 0, sizeof(r));
  r.header.msgtype = CHANNELMSG_REQUESTOFFERS;
  hv_post_message(VMBUS_MESSAGE_CONNECTION_ID, &r, sizeof(r));
  if (wait_message(CHANNELMSG_ALLOFFERS_DELIVERED, 5000) < 0) return -4;
  kprintf("vmbus: connected, %d offers\n", channel_count);
  return 0;
}

vmbus_channel* vmbus_find(const uint8_t guid[16]) {
  for (int i = 0; i < channel_count; ++i) {
    if (memcmp(offer_guids[i], guid, 16) == 0) return &channels[i];
  }
  return 0;
}

static void ring_init(vmbus_ring* r, uint8_t* pages) {
  r->hdr = (vmbus_ring_header*)pages;
  r->data = pages + 4096;
  r->size = (VMBUS_RING_PAGES - 1) * 4096;
  memset(pages, 0, 4096);
}

int vmbus_open(vmbus_channel* ch, uint8_t* pages) {
  const uint32_t npages = 2 * VMBUS_RING_PAGES;
  uint8_t buf[HV_MESSAGE_PAYLOAD_BYTES];
  vmbus_channel_gpadl_header h;
  memset(&h, 0, sizeof(h));
  h.header.msgtype = CHANNELMSG_GPADL_HEADER;
  h.child_relid = ch->relid;
  h.gpadl = next_gpadl++;
  h.range_buflen = (uint16_t)(sizeof(vmbus_gpa_range) + 8 * npages);
  h.rangecount = 1;
  vmbus_gpa_range range = {npages * 4096u, 0};
  memcpy(buf, &h, sizeof(h));
  memcpy(buf + sizeof(h), &range, sizeof(range));
  for (uint32_t i = 0; i < npages; ++i) {
    const uint64_t pfn = ((uint64_t)pages >> 12) + i;
    memcpy(buf + sizeof(h) + sizeof(range) + 8 * i, &pfn, 8);
  }
  ring_init(&ch->out, pages);
  ring_init(&ch->in, pages + VMBUS_RING_PAGES * 4096);
  hv_post_message(VMBUS_MESSAGE_CONNECTION_ID, buf,
                  (uint32_t)(sizeof(h) + sizeof(range) + 8 * npages));
  if (wait_message(CHANNELMSG_GPADL_CREATED, 5000) < 0) return -1;
  if (((vmbus_channel_gpadl_created*)msg)->creation_status != 0) return -2;
  vmbus_channel_open_channel o;
  memset(&o, 0, sizeof(o));
  o.header.msgtype = CHANNELMSG_OPENCHANNEL;
  o.child_relid = ch->relid;
  o.openid = ch->relid;
  o.ringbuffer_gpadlhandle = h.gpadl;
  o.downstream_ringbuffer_pageoffset = VMBUS_RING_PAGES;
  hv_post_message(VMBUS_MESSAGE_CONNECTION_ID, &o, sizeof(o));
  if (wait_message(CHANNELMSG_OPENCHANNEL_RESULT, 5000) < 0) return -3;
  if (((vmbus_channel_open_result*)msg)->status != 0) return -4;
  ch->gpadl = h.gpadl;
  ch->pages = pages;
  ch->open = 1;
  return 0;
}

static void ring_copy_in(vmbus_ring* r, uint32_t off, const void* src, uint32_t len) {
  const uint8_t* s = src;
  for (uint32_t i = 0; i < len; ++i) r->data[(off + i) % r->size] = s[i];
}

static void ring_copy_out(vmbus_ring* r, uint32_t off, void* dst, uint32_t len) {
  uint8_t* d = dst;
  for (uint32_t i = 0; i < len; ++i) d[i] = r->data[(off + i) % r->size];
}

int vmbus_send(vmbus_channel* ch, const void* payload, uint32_t len) {
  vmbus_ring* r = &ch->out;
  const uint32_t aligned = (len + 7) & ~7u;
  const uint32_t packet = sizeof(vmpacket_descriptor) + aligned;
  const uint32_t needed = packet + VMBUS_PACKET_TRAILER_BYTES;
  const uint64_t deadline = hv_now() + 1000 * HV_MS;
  for (;;) {
    const uint32_t w = r->hdr->write_index, rd = r->hdr->read_index;
    const uint32_t used = w >= rd ? w - rd : r->size - rd + w;
    if (r->size - used > needed) {
      vmpacket_descriptor d = {VM_PKT_DATA_INBAND, sizeof(d) / 8, (uint16_t)(packet / 8), 0, 0};
      ring_copy_in(r, w, &d, sizeof(d));
      ring_copy_in(r, w + sizeof(d), payload, len);
      const uint8_t zeros[8] = {0};
      ring_copy_in(r, w + sizeof(d) + len, zeros, aligned - len);
      const uint64_t trailer = (uint64_t)w << 32;
      ring_copy_in(r, w + packet, &trailer, 8);
      mfence();
      r->hdr->write_index = (w + needed) % r->size;
      mfence();
      hv_signal_event(ch->connection_id);
      return 0;
    }
    hv_signal_event(ch->connection_id);  /* make sure the host drains */
    const uint64_t now = hv_now();
    if (now >= deadline) return -1;
    hv_sleep_until(now + HV_MS);
  }
}

int vmbus_recv(vmbus_channel* ch, void* buf, uint32_t max) {
  vmbus_ring* r = &ch->in;
  const uint32_t w = r->hdr->write_index, rd = r->hdr->read_index;
  if (w == rd) return 0;
  barrier();
  const uint32_t avail = w >= rd ? w - rd : r->size - rd + w;
  vmpacket_descriptor d;
  ring_copy_out(r, rd, &d, sizeof(d));
  const uint32_t total = (uint32_t)d.len8 * 8;
  int result = -1;
  if (d.offset8 >= 2 && d.offset8 <= d.len8 && total + 8 <= avail) {
    uint32_t n = total - d.offset8 * 8u;
    if (n > max) n = max;
    ring_copy_out(r, rd + d.offset8 * 8u, buf, n);
    result = (int)n;
    r->hdr->read_index = (rd + total + 8) % r->size;
  } else {
    r->hdr->read_index = w; /* host sent garbage: drop everything */
  }
  mfence();
  return result;
}

void vmbus_poll_messages(void) {
  while (hv_take_message(msg) >= 0) {
  }
}
