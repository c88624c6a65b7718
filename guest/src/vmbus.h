/* VMBus client subset (hyperv.md §2): connect (INITIATE_CONTACT), collect
 * offers (REQUESTOFFERS .. ALLOFFERS_DELIVERED), open a channel over a GPADL
 * of ring pages (GPADL_HEADER -> GPADL_CREATED, OPENCHANNEL ->
 * OPENCHANNEL_RESULT), send and receive in-band packets, signal the host with
 * HvSignalEvent. Polling only. */
#ifndef HV_GUEST_VMBUS_H_
#define HV_GUEST_VMBUS_H_

#include <stdint.h>

#include "wire/vmbus.h"

#define VMBUS_RING_PAGES 5 /* per direction: header + 16 KiB data */

typedef struct vmbus_ring {
  vmbus_ring_header* hdr;
  uint8_t* data;
  uint32_t size;
} vmbus_ring;

typedef struct vmbus_channel {
  int offered;
  int open;
  uint32_t relid;
  uint32_t connection_id;
  uint32_t gpadl;
  vmbus_ring out; /* guest -> host */
  vmbus_ring in;  /* host -> guest */
  uint8_t* pages; /* 2 * VMBUS_RING_PAGES pages, page aligned */
} vmbus_channel;

/* Connects and requests offers; returns 0 on success. */
int vmbus_connect(void);
/* The offer for a class GUID (wire byte order), or 0 if none was offered. */
vmbus_channel* vmbus_find(const uint8_t guid[16]);
/* Opens `ch` with ring pages `pages` (2*VMBUS_RING_PAGES pages). 0 on success. */
int vmbus_open(vmbus_channel* ch, uint8_t* pages);
/* Sends one in-band packet; waits (sleeping) while the ring is full, up to
 * ~1 s. 0 on success. */
int vmbus_send(vmbus_channel* ch, const void* payload, uint32_t len);
/* Receives one in-band packet payload into buf (max len). Returns the payload
 * length, 0 if the ring is empty, -1 on a bad packet (skipped). */
int vmbus_recv(vmbus_channel* ch, void* buf, uint32_t max);
/* Handles channel messages that arrive after connect (ignored, counted). */
void vmbus_poll_messages(void);

#endif /* HV_GUEST_VMBUS_H_ */
