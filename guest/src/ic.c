#include "guest/src/ic.h"

#include "guest/src/hv.h"
#include "guest/src/lib.h"
#include "guest/src/workload.h"

static vmbus_channel *hb, *wl;
static uint8_t buf[512] __attribute__((aligned(8)));
static uint64_t next_status, reported_held;

void ic_heartbeat_start(vmbus_channel* ch, uint8_t* ring_pages) {
  if (vmbus_open(ch, ring_pages) == 0) hb = ch;
}

void ic_workload_start(vmbus_channel* ch, uint8_t* ring_pages) {
  if (vmbus_open(ch, ring_pages) == 0) wl = ch;
}

static void send_workload_status(void) {
  hv_workload_status s;
  memset(&s, 0, sizeof(s));
  workload_fill_status(&s);
  reported_held = s.held_pages;
  vmbus_send(wl, &s, sizeof(s));
}

uint64_t ic_poll(uint64_t now) {
  int n;
  while (hb && (n = vmbus_recv(hb, buf, sizeof(buf))) != 0) {
    if (n < (int)sizeof(vmbus_heartbeat_msg)) continue;
    vmbus_heartbeat_msg* m = (vmbus_heartbeat_msg*)buf;
    if (m->ic.icmsgtype != ICMSGTYPE_HEARTBEAT || !(m->ic.icflags & ICMSGHDRFLAG_REQUEST)) continue;
    m->seq_num += 1;
    m->ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
    vmbus_send(hb, m, sizeof(*m));
  }
  while (wl && (n = vmbus_recv(wl, buf, sizeof(buf))) != 0) {
    if (n < (int)sizeof(hv_workload_command)) continue;
    hv_workload_command* c = (hv_workload_command*)buf;
    if (c->type != HV_WORKLOAD_MSG_COMMAND) continue;
    c->text[HV_WORKLOAD_COMMAND_BYTES - 1] = 0;
    if (c->length < HV_WORKLOAD_COMMAND_BYTES) c->text[c->length] = 0;
    workload_command(c->text);
    send_workload_status();
  }
  /* A change of held memory is reported at once, so a host sampling the
   * status sees every step of a pattern, not only the ones that happen to
   * fall on the periodic report. */
  if (wl && (now >= next_status || workload_held_pages() != reported_held)) {
    send_workload_status();
    next_status = now + 1000 * HV_MS;
  }
  return wl ? next_status : ~0ull;
}
