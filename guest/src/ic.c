#include "guest/src/ic.h"

#include "guest/src/hv.h"
#include "guest/src/lib.h"
#include "guest/src/workload.h"
#include "wire/boot_info.h"

static vmbus_channel *hb, *wl, *sd;
static uint8_t buf[512] __attribute__((aligned(8)));
/* A shutdown request is 2088 bytes (vmbus_shutdown_msg). */
static uint8_t sd_buf[sizeof(vmbus_shutdown_msg)] __attribute__((aligned(8)));
static uint64_t next_status, reported_held;

/* The IC versions this guest speaks, most preferred first (Linux hv_utils:
 * framework 3.0 and 1.0, heartbeat 3.0 and 1.0). */
static const vmbus_ic_version fw_versions[] = {{3, 0}, {1, 0}};
static const vmbus_ic_version hb_versions[] = {{3, 0}, {1, 0}};
/* Shutdown messages 3.0 (SD_VERSION) and 1.0 (SD_VERSION_1). */
static const vmbus_ic_version sd_versions[] = {{3, 0}, {1, 0}};

/* Our most preferred version among the host's `n` offers; 0 if none. */
static int pick_version(const vmbus_ic_version* offered, uint32_t n, const vmbus_ic_version* ours,
                        uint32_t ours_n, vmbus_ic_version* out) {
  for (uint32_t i = 0; i < ours_n; ++i) {
    for (uint32_t j = 0; j < n; ++j) {
      if (offered[j].major == ours[i].major && offered[j].minor == ours[i].minor) {
        *out = ours[i];
        return 1;
      }
    }
  }
  return 0;
}

/* Answers ICMSGTYPE_NEGOTIATE (`n` bytes in `b`) in place on `ch` (as Linux
 * vmbus_prep_negotiate_resp): counts 1/1 with the chosen framework and
 * message (`msg_versions`, 2 of them) versions, or counts 0 and HV_IC_E_FAIL.
 * A request whose version lists overrun the packet is dropped. */
static void answer_negotiate(vmbus_channel* ch, uint8_t* b, int n,
                             const vmbus_ic_version* msg_versions) {
  vmbus_ic_negotiate_msg* m = (vmbus_ic_negotiate_msg*)b;
  const uint32_t fixed = (uint32_t)((uint8_t*)m->versions - b);
  if (n < (int)fixed) return;
  const uint32_t fc = m->negotiate.icframe_vercnt, mc = m->negotiate.icmsg_vercnt;
  if (fc + mc > HV_IC_NEGOTIATE_MAX_VERSIONS ||
      fixed + (fc + mc) * sizeof(vmbus_ic_version) > (uint32_t)n) {
    return;
  }
  vmbus_ic_version offered[HV_IC_NEGOTIATE_MAX_VERSIONS], fw, msg;
  memcpy(offered, m->versions, (fc + mc) * sizeof(vmbus_ic_version));
  const int ok = pick_version(offered, fc, fw_versions, 2, &fw) &&
                 pick_version(offered + fc, mc, msg_versions, 2, &msg);
  m->negotiate.icframe_vercnt = ok ? 1 : 0;
  m->negotiate.icmsg_vercnt = ok ? 1 : 0;
  if (ok) {
    m->versions[0] = fw;
    m->versions[1] = msg;
  }
  m->ic.status = ok ? HV_IC_S_OK : HV_IC_E_FAIL;
  m->ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  vmbus_send(ch, m, fixed + 2 * sizeof(vmbus_ic_version));
}

void ic_heartbeat_start(vmbus_channel* ch, uint8_t* ring_pages) {
  if (vmbus_open(ch, ring_pages) == 0) hb = ch;
}

void ic_shutdown_start(vmbus_channel* ch, uint8_t* ring_pages) {
  if (vmbus_open(ch, ring_pages) == 0) sd = ch;
}

/* Powers the machine off the way the worker recognises as clean: a write of
 * HV_POWER_OFF_VALUE to HV_POWER_OFF_PORT (wire/boot_info.h); never returns. */
static void power_off(void) {
  outw(HV_POWER_OFF_PORT, HV_POWER_OFF_VALUE);
  for (;;) __asm__ volatile("cli; hlt");
}

/* Handles the shutdown channel (Linux hv_util.c shutdown_onchannelcallback):
 * answers a shutdown request (flags 0 or 1) with HV_IC_S_OK, anything else
 * with HV_IC_E_FAIL, in the request's buffer; after a success it powers
 * off. */
static void shutdown_poll(void) {
  int n;
  while (sd && (n = vmbus_recv(sd, sd_buf, sizeof(sd_buf))) != 0) {
    if (n < (int)(sizeof(vmbus_pipe_hdr) + sizeof(vmbus_icmsg_hdr))) continue;
    vmbus_shutdown_msg* m = (vmbus_shutdown_msg*)sd_buf;
    if (!(m->ic.icflags & ICMSGHDRFLAG_REQUEST)) continue;
    if (m->ic.icmsgtype == ICMSGTYPE_NEGOTIATE) {
      answer_negotiate(sd, sd_buf, n, sd_versions);
      continue;
    }
    if (m->ic.icmsgtype != ICMSGTYPE_SHUTDOWN) continue;
    const int ok = n >= (int)sizeof(vmbus_shutdown_msg) &&
                   (m->body.flags == HV_SHUTDOWN_FLAG_SHUTDOWN ||
                    m->body.flags == HV_SHUTDOWN_FLAG_SHUTDOWN_FORCED);
    m->ic.status = ok ? HV_IC_S_OK : HV_IC_E_FAIL;
    m->ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
    vmbus_send(sd, m, (uint32_t)n);
    if (!ok) {
      serial_puts("shutdown: request refused\n");
      continue;
    }
    serial_puts("shutdown: requested by host\n");
    power_off();
  }
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
  shutdown_poll();
  while (hb && (n = vmbus_recv(hb, buf, sizeof(buf))) != 0) {
    if (n < (int)(sizeof(vmbus_pipe_hdr) + sizeof(vmbus_icmsg_hdr))) continue;
    vmbus_heartbeat_msg* m = (vmbus_heartbeat_msg*)buf;
    if (m->ic.icmsgtype == ICMSGTYPE_NEGOTIATE && (m->ic.icflags & ICMSGHDRFLAG_REQUEST)) {
      answer_negotiate(hb, buf, n, hb_versions);
      continue;
    }
    if (n < (int)sizeof(vmbus_heartbeat_msg)) continue;
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
