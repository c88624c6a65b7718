/* VMBus subset shared by the guest (client) and the host (server).
 * Facts: ../shared/reference/hyperv.md §2 (Linux include/linux/hyperv.h,
 * drivers/hv/ring_buffer.c, drivers/hv/hyperv_vmbus.h; wire facts only).
 * Little-endian. Channel messages travel in HvPostMessage payloads (<= 240 B)
 * from guest to host, and in SynIC message slots (SINT 2) from host to guest.
 */
#ifndef HV_WIRE_VMBUS_H_
#define HV_WIRE_VMBUS_H_

#include "wire/wire_assert.h"

#define HV_VMBUS_PACKED __attribute__((packed))

/* ---- Versions: (major << 16) | minor ---- */
#define VMBUS_VERSION_WS2008 ((0u << 16) | 13u)
#define VMBUS_VERSION_WIN7 ((1u << 16) | 1u)
#define VMBUS_VERSION_WIN8 ((2u << 16) | 4u)
#define VMBUS_VERSION_WIN8_1 ((3u << 16) | 0u)
#define VMBUS_VERSION_WIN10 ((4u << 16) | 0u)

/* Guest -> host channel messages go to this connection id (pre-5.0 protocol). */
#define VMBUS_MESSAGE_CONNECTION_ID 1u
#define VMBUS_MESSAGE_MAX_PAYLOAD 240u

/* GPADL page frame numbers, GPA ranges and ring pages count 4 KiB Hyper-V
 * pages (Linux HV_HYP_PAGE_SIZE), whatever the guest's own page size. */
#define VMBUS_PAGE_BYTES 4096ull

/* ---- Ring buffer (one per direction) ---- */
#define VMBUS_RING_HEADER_BYTES 4096u
HV_WIRE_ASSERT(VMBUS_RING_HEADER_BYTES == VMBUS_PAGE_BYTES, "the ring header is one page");
typedef struct vmbus_ring_header {
  volatile uint32_t write_index; /* byte offset into the data area */
  volatile uint32_t read_index;
  volatile uint32_t interrupt_mask;
  volatile uint32_t pending_send_sz;
  uint32_t reserved1[12];
  uint32_t feature_bits; /* bit0 feat_pending_send_sz */
  uint8_t reserved2[4096 - 68];
} vmbus_ring_header;
HV_WIRE_SIZE(vmbus_ring_header, 4096);
HV_WIRE_OFFSET(vmbus_ring_header, read_index, 4);
HV_WIRE_OFFSET(vmbus_ring_header, interrupt_mask, 8);
HV_WIRE_OFFSET(vmbus_ring_header, pending_send_sz, 12);
HV_WIRE_OFFSET(vmbus_ring_header, feature_bits, 64);
#define VMBUS_RING_FEAT_PENDING_SEND_SZ 0x1u

/* Packet descriptor: payload at offset8*8, packet (excl. 8-byte trailer) len8*8. */
typedef struct vmpacket_descriptor {
  uint16_t type;
  uint16_t offset8;
  uint16_t len8;
  uint16_t flags;
  uint64_t trans_id;
} vmpacket_descriptor;
HV_WIRE_SIZE(vmpacket_descriptor, 16);
HV_WIRE_OFFSET(vmpacket_descriptor, offset8, 2);
HV_WIRE_OFFSET(vmpacket_descriptor, len8, 4);
HV_WIRE_OFFSET(vmpacket_descriptor, flags, 6);
HV_WIRE_OFFSET(vmpacket_descriptor, trans_id, 8);
#define VMBUS_PACKET_TRAILER_BYTES 8u /* previous write_index << 32 */

#define VM_PKT_INVALID 0x0
#define VM_PKT_SYNCH 0x1
#define VM_PKT_ADD_XFER_PAGESET 0x2
#define VM_PKT_RM_XFER_PAGESET 0x3
#define VM_PKT_ESTABLISH_GPADL 0x4
#define VM_PKT_TEARDOWN_GPADL 0x5
#define VM_PKT_DATA_INBAND 0x6
#define VM_PKT_DATA_USING_XFER_PAGES 0x7
#define VM_PKT_DATA_USING_GPADL 0x8
#define VM_PKT_DATA_USING_GPA_DIRECT 0x9
#define VM_PKT_CANCEL_REQUEST 0xa
#define VM_PKT_COMP 0xb
#define VM_PKT_DATA_USING_ADDITIONAL_PKT 0xc
#define VM_PKT_ADDITIONAL_DATA 0xd
#define VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED 0x1u

/* ---- Channel messages ---- */
#define CHANNELMSG_INVALID 0
#define CHANNELMSG_OFFERCHANNEL 1
#define CHANNELMSG_RESCIND_CHANNELOFFER 2
#define CHANNELMSG_REQUESTOFFERS 3
#define CHANNELMSG_ALLOFFERS_DELIVERED 4
#define CHANNELMSG_OPENCHANNEL 5
#define CHANNELMSG_OPENCHANNEL_RESULT 6
#define CHANNELMSG_CLOSECHANNEL 7
#define CHANNELMSG_GPADL_HEADER 8
#define CHANNELMSG_GPADL_BODY 9
#define CHANNELMSG_GPADL_CREATED 10
#define CHANNELMSG_GPADL_TEARDOWN 11
#define CHANNELMSG_GPADL_TORNDOWN 12
#define CHANNELMSG_RELID_RELEASED 13
#define CHANNELMSG_INITIATE_CONTACT 14
#define CHANNELMSG_VERSION_RESPONSE 15
#define CHANNELMSG_UNLOAD 16
#define CHANNELMSG_UNLOAD_RESPONSE 17
#define CHANNELMSG_COUNT 18 /* 18-24 (TL connect, modify channel) unused here */

typedef struct vmbus_channel_message_header {
  uint32_t msgtype;
  uint32_t padding;
} vmbus_channel_message_header;
HV_WIRE_SIZE(vmbus_channel_message_header, 8);

typedef struct vmbus_guid {
  uint8_t b[16]; /* wire byte order */
} vmbus_guid;
HV_WIRE_SIZE(vmbus_guid, 16);

typedef struct vmbus_channel_initiate_contact {
  vmbus_channel_message_header header;
  uint32_t vmbus_version_requested;
  uint32_t target_vcpu;
  uint64_t interrupt_page; /* >= 5.0: {msg_sint u8, msg_vtl u8, rsvd u16, features u32} */
  uint64_t monitor_page1;
  uint64_t monitor_page2;
} vmbus_channel_initiate_contact;
HV_WIRE_SIZE(vmbus_channel_initiate_contact, 40);
HV_WIRE_OFFSET(vmbus_channel_initiate_contact, vmbus_version_requested, 8);
HV_WIRE_OFFSET(vmbus_channel_initiate_contact, target_vcpu, 12);
HV_WIRE_OFFSET(vmbus_channel_initiate_contact, interrupt_page, 16);
HV_WIRE_OFFSET(vmbus_channel_initiate_contact, monitor_page2, 32);

typedef struct vmbus_channel_version_response {
  vmbus_channel_message_header header;
  uint8_t version_supported;
  uint8_t connection_state;
  uint16_t padding;
  uint32_t msg_conn_id; /* >= 5.0 */
} vmbus_channel_version_response;
HV_WIRE_SIZE(vmbus_channel_version_response, 16);
HV_WIRE_OFFSET(vmbus_channel_version_response, connection_state, 9);
HV_WIRE_OFFSET(vmbus_channel_version_response, msg_conn_id, 12);

typedef struct vmbus_channel_request_offers {
  vmbus_channel_message_header header;
} vmbus_channel_request_offers;
HV_WIRE_SIZE(vmbus_channel_request_offers, 8);

typedef struct vmbus_channel_offer {
  vmbus_guid if_type;     /* class GUID */
  vmbus_guid if_instance; /* instance GUID */
  uint64_t reserved1;
  uint64_t reserved2;
  uint16_t chn_flags;
  uint16_t mmio_megabytes;
  uint8_t user_def[120];
  uint16_t sub_channel_index;
  uint16_t reserved3;
} HV_VMBUS_PACKED vmbus_channel_offer;
HV_WIRE_SIZE(vmbus_channel_offer, 176);
HV_WIRE_OFFSET(vmbus_channel_offer, if_instance, 16);
HV_WIRE_OFFSET(vmbus_channel_offer, chn_flags, 48);
HV_WIRE_OFFSET(vmbus_channel_offer, user_def, 52);
HV_WIRE_OFFSET(vmbus_channel_offer, sub_channel_index, 172);

typedef struct vmbus_channel_offer_channel {
  vmbus_channel_message_header header;
  vmbus_channel_offer offer;
  uint32_t child_relid;
  uint8_t monitorid;
  uint8_t monitor_allocated; /* bit0 */
  uint16_t is_dedicated_interrupt;
  uint32_t connection_id;
} HV_VMBUS_PACKED vmbus_channel_offer_channel;
HV_WIRE_SIZE(vmbus_channel_offer_channel, 196);
HV_WIRE_OFFSET(vmbus_channel_offer_channel, offer, 8);
HV_WIRE_OFFSET(vmbus_channel_offer_channel, child_relid, 184);
HV_WIRE_OFFSET(vmbus_channel_offer_channel, monitorid, 188);
HV_WIRE_OFFSET(vmbus_channel_offer_channel, is_dedicated_interrupt, 190);
HV_WIRE_OFFSET(vmbus_channel_offer_channel, connection_id, 192);

typedef struct vmbus_channel_rescind_offer {
  vmbus_channel_message_header header;
  uint32_t child_relid;
} vmbus_channel_rescind_offer;
HV_WIRE_SIZE(vmbus_channel_rescind_offer, 12);

typedef struct vmbus_channel_all_offers_delivered {
  vmbus_channel_message_header header;
} vmbus_channel_all_offers_delivered;
HV_WIRE_SIZE(vmbus_channel_all_offers_delivered, 8);

/* GPADL_HEADER: header, then gpa_range {byte_count u32, byte_offset u32, pfn[] u64}
 * starting at +20 (unaligned; packed). */
typedef struct vmbus_gpa_range {
  uint32_t byte_count;
  uint32_t byte_offset;
  /* uint64_t pfn_array[] follows */
} vmbus_gpa_range;
HV_WIRE_SIZE(vmbus_gpa_range, 8);

typedef struct vmbus_channel_gpadl_header {
  vmbus_channel_message_header header;
  uint32_t child_relid;
  uint32_t gpadl;
  uint16_t range_buflen; /* bytes of range data (all ranges incl. all PFNs) */
  uint16_t rangecount;
  /* vmbus_gpa_range range[] at +20 */
} HV_VMBUS_PACKED vmbus_channel_gpadl_header;
HV_WIRE_SIZE(vmbus_channel_gpadl_header, 20);
HV_WIRE_OFFSET(vmbus_channel_gpadl_header, gpadl, 12);
HV_WIRE_OFFSET(vmbus_channel_gpadl_header, range_buflen, 16);
HV_WIRE_OFFSET(vmbus_channel_gpadl_header, rangecount, 18);
/* PFNs that fit the first message: floor((240 - 20 - 8) / 8). */
#define VMBUS_GPADL_HEADER_MAX_PFNS 26u

typedef struct vmbus_channel_gpadl_body {
  vmbus_channel_message_header header;
  uint32_t msgnum;
  uint32_t gpadl;
  /* uint64_t pfn[] at +16 */
} vmbus_channel_gpadl_body;
HV_WIRE_SIZE(vmbus_channel_gpadl_body, 16);
HV_WIRE_OFFSET(vmbus_channel_gpadl_body, gpadl, 12);
#define VMBUS_GPADL_BODY_MAX_PFNS 28u /* (240 - 16) / 8 */

typedef struct vmbus_channel_gpadl_created {
  vmbus_channel_message_header header;
  uint32_t child_relid;
  uint32_t gpadl;
  uint32_t creation_status; /* 0 = ok */
} vmbus_channel_gpadl_created;
HV_WIRE_SIZE(vmbus_channel_gpadl_created, 20);
HV_WIRE_OFFSET(vmbus_channel_gpadl_created, creation_status, 16);

typedef struct vmbus_channel_gpadl_teardown {
  vmbus_channel_message_header header;
  uint32_t child_relid;
  uint32_t gpadl;
} vmbus_channel_gpadl_teardown;
HV_WIRE_SIZE(vmbus_channel_gpadl_teardown, 16);

typedef struct vmbus_channel_gpadl_torndown {
  vmbus_channel_message_header header;
  uint32_t gpadl;
} vmbus_channel_gpadl_torndown;
HV_WIRE_SIZE(vmbus_channel_gpadl_torndown, 12);

typedef struct vmbus_channel_open_channel {
  vmbus_channel_message_header header;
  uint32_t child_relid;
  uint32_t openid;
  uint32_t ringbuffer_gpadlhandle;
  uint32_t target_vp;
  uint32_t downstream_ringbuffer_pageoffset; /* host->guest ring, in pages */
  uint8_t userdata[120];
} vmbus_channel_open_channel;
HV_WIRE_SIZE(vmbus_channel_open_channel, 148);
HV_WIRE_OFFSET(vmbus_channel_open_channel, ringbuffer_gpadlhandle, 16);
HV_WIRE_OFFSET(vmbus_channel_open_channel, downstream_ringbuffer_pageoffset, 24);
HV_WIRE_OFFSET(vmbus_channel_open_channel, userdata, 28);

typedef struct vmbus_channel_open_result {
  vmbus_channel_message_header header;
  uint32_t child_relid;
  uint32_t openid;
  uint32_t status; /* 0 = ok */
} vmbus_channel_open_result;
HV_WIRE_SIZE(vmbus_channel_open_result, 20);
HV_WIRE_OFFSET(vmbus_channel_open_result, status, 16);

typedef struct vmbus_channel_close_channel {
  vmbus_channel_message_header header;
  uint32_t child_relid;
} vmbus_channel_close_channel;
HV_WIRE_SIZE(vmbus_channel_close_channel, 12);

typedef struct vmbus_channel_unload {
  vmbus_channel_message_header header;
} vmbus_channel_unload;
HV_WIRE_SIZE(vmbus_channel_unload, 8);

/* ---- Integration components (heartbeat) framing ----
 * Layout per Linux include/linux/hyperv.h (vmbuspipe_hdr, icmsg_hdr,
 * heartbeat_msg_data); not restated in hyperv.md, so treat as unverified. */
#define HV_HEARTBEAT_CLASS_GUID_BYTES                                              \
  {0x39, 0x4f, 0x16, 0x57, 0x15, 0x91, 0x78, 0x4e, 0xab, 0x55, 0x38, 0x2f, 0x3b, \
   0xd5, 0x42, 0x2d} /* 57164f39-9115-4e78-ab55-382f3bd5422d */

typedef struct vmbus_pipe_hdr {
  uint32_t flags;
  uint32_t msgsize;
} vmbus_pipe_hdr;
HV_WIRE_SIZE(vmbus_pipe_hdr, 8);

typedef struct vmbus_ic_version {
  uint16_t major;
  uint16_t minor;
} vmbus_ic_version;
HV_WIRE_SIZE(vmbus_ic_version, 4);

typedef struct vmbus_icmsg_hdr {
  vmbus_ic_version icverframe;
  uint16_t icmsgtype;
  vmbus_ic_version icvermsg;
  uint16_t icmsgsize; /* bytes after this header */
  uint32_t status;
  uint8_t ictransaction_id;
  uint8_t icflags;
  uint8_t reserved[2];
} HV_VMBUS_PACKED vmbus_icmsg_hdr;
HV_WIRE_SIZE(vmbus_icmsg_hdr, 20);
HV_WIRE_OFFSET(vmbus_icmsg_hdr, icmsgtype, 4);
HV_WIRE_OFFSET(vmbus_icmsg_hdr, icvermsg, 6);
HV_WIRE_OFFSET(vmbus_icmsg_hdr, icmsgsize, 10);
HV_WIRE_OFFSET(vmbus_icmsg_hdr, status, 12);
HV_WIRE_OFFSET(vmbus_icmsg_hdr, icflags, 17);
#define ICMSGTYPE_NEGOTIATE 0
#define ICMSGTYPE_HEARTBEAT 1
#define ICMSGHDRFLAG_TRANSACTION 1
#define ICMSGHDRFLAG_REQUEST 2
#define ICMSGHDRFLAG_RESPONSE 4

/* ICMSGTYPE_NEGOTIATE body (Linux icmsg_negotiate), right after the icmsg
 * header. The host lists icframe_vercnt framework versions, then icmsg_vercnt
 * message versions; the guest answers in the same buffer with counts 1 and 1,
 * the chosen framework and message version, and status HV_IC_S_OK, or with
 * counts 0 and HV_IC_E_FAIL when it supports none of them. */
typedef struct vmbus_icmsg_negotiate {
  uint16_t icframe_vercnt;
  uint16_t icmsg_vercnt;
  uint32_t reserved;
  /* vmbus_ic_version icversion_data[icframe_vercnt + icmsg_vercnt] follows */
} vmbus_icmsg_negotiate;
HV_WIRE_SIZE(vmbus_icmsg_negotiate, 8);
#define HV_IC_S_OK 0u
#define HV_IC_E_FAIL 0x80004005u
/* Known versions (Linux hv_util.c): framework 3.0 (UTIL_FW_VERSION) and 1.0
 * (UTIL_WS2K8_FW_VERSION); heartbeat messages 3.0 (HB_VERSION) and 1.0
 * (HB_WS2008_VERSION). */

/* A negotiate message with room for up to HV_IC_NEGOTIATE_MAX_VERSIONS
 * versions in all (the host offers 2 + 2). */
#define HV_IC_NEGOTIATE_MAX_VERSIONS 8
typedef struct vmbus_ic_negotiate_msg {
  vmbus_pipe_hdr pipe;
  vmbus_icmsg_hdr ic;
  vmbus_icmsg_negotiate negotiate;
  vmbus_ic_version versions[HV_IC_NEGOTIATE_MAX_VERSIONS];
} HV_VMBUS_PACKED vmbus_ic_negotiate_msg;
HV_WIRE_SIZE(vmbus_ic_negotiate_msg, 68);
HV_WIRE_OFFSET(vmbus_ic_negotiate_msg, negotiate, 28);
HV_WIRE_OFFSET(vmbus_ic_negotiate_msg, versions, 36);

typedef struct vmbus_heartbeat_msg {
  vmbus_pipe_hdr pipe;
  vmbus_icmsg_hdr ic;
  uint64_t seq_num;
  uint32_t reserved[8];
} HV_VMBUS_PACKED vmbus_heartbeat_msg;
HV_WIRE_SIZE(vmbus_heartbeat_msg, 68);
HV_WIRE_OFFSET(vmbus_heartbeat_msg, ic, 8);
HV_WIRE_OFFSET(vmbus_heartbeat_msg, seq_num, 28);

/* Shutdown integration service (Linux hv_util.c shutdown_onchannelcallback,
 * include/linux/hyperv.h struct shutdown_msg_data). The host sends one
 * ICMSGTYPE_SHUTDOWN request; the guest answers in the same buffer with
 * ICMSGHDRFLAG_RESPONSE and status HV_IC_S_OK (it will act) or HV_IC_E_FAIL,
 * then shuts down. Message versions 3.2, 3.1, 3.0 (SD_VERSION), 1.0. */
#define HV_SHUTDOWN_CLASS_GUID_BYTES                                               \
  {0x31, 0x60, 0x0b, 0x0e, 0x13, 0x52, 0x34, 0x49, 0x81, 0x8b, 0x38, 0xd9, 0x0c, \
   0xed, 0x39, 0xdb} /* 0e0b6031-5213-4934-818b-38d90ced39db */
#define ICMSGTYPE_SHUTDOWN 3
/* shutdown_msg_data.flags (Linux hv_util.c): 0 shut down, 1 forced shut
 * down, 2 restart, 3 forced restart, 4 hibernate. */
#define HV_SHUTDOWN_FLAG_SHUTDOWN 0u
#define HV_SHUTDOWN_FLAG_SHUTDOWN_FORCED 1u
#define HV_SHUTDOWN_DISPLAY_MESSAGE_BYTES 2048
typedef struct vmbus_shutdown_msg_data {
  uint32_t reason_code;
  uint32_t timeout_seconds;
  uint32_t flags;
  uint8_t display_message[HV_SHUTDOWN_DISPLAY_MESSAGE_BYTES];
} HV_VMBUS_PACKED vmbus_shutdown_msg_data;
HV_WIRE_SIZE(vmbus_shutdown_msg_data, 2060);
HV_WIRE_OFFSET(vmbus_shutdown_msg_data, timeout_seconds, 4);
HV_WIRE_OFFSET(vmbus_shutdown_msg_data, flags, 8);
HV_WIRE_OFFSET(vmbus_shutdown_msg_data, display_message, 12);
typedef struct vmbus_shutdown_msg {
  vmbus_pipe_hdr pipe;
  vmbus_icmsg_hdr ic;
  vmbus_shutdown_msg_data body;
} HV_VMBUS_PACKED vmbus_shutdown_msg;
HV_WIRE_SIZE(vmbus_shutdown_msg, 2088);
HV_WIRE_OFFSET(vmbus_shutdown_msg, ic, 8);
HV_WIRE_OFFSET(vmbus_shutdown_msg, body, 28);

/* ---- Workload control channel (project-specific, not a Hyper-V device) ----
 * The host scripts the reference guest's memory demand over its own VMBus
 * channel: host -> guest hv_workload_command (text, see WorkloadCommand in
 * proto/hv/worker/v1/worker.proto), guest -> host hv_workload_status after
 * each command and every second. Class 1f0e7c3a-5d7b-4c39-9d0e-0b6a3c2f9a11. */
#define HV_WORKLOAD_CLASS_GUID_BYTES                                               \
  {0x3a, 0x7c, 0x0e, 0x1f, 0x7b, 0x5d, 0x39, 0x4c, 0x9d, 0x0e, 0x0b, 0x6a, 0x3c, \
   0x2f, 0x9a, 0x11}
#define HV_WORKLOAD_MSG_COMMAND 1u
#define HV_WORKLOAD_MSG_STATUS 2u
#define HV_WORKLOAD_COMMAND_BYTES 120u

typedef struct hv_workload_command {
  uint32_t type;   /* HV_WORKLOAD_MSG_COMMAND */
  uint32_t length; /* bytes of text used, < HV_WORKLOAD_COMMAND_BYTES */
  char text[HV_WORKLOAD_COMMAND_BYTES];
} hv_workload_command;
HV_WIRE_SIZE(hv_workload_command, 128);
HV_WIRE_OFFSET(hv_workload_command, text, 8);

typedef struct hv_workload_status {
  uint32_t type;          /* HV_WORKLOAD_MSG_STATUS */
  uint32_t commands_done; /* commands executed (valid or not) */
  uint64_t progress;      /* pages touched since boot: the progress counter */
  uint64_t held_pages;    /* pages the workload holds */
  uint64_t wanted_pages;  /* pages the current command/pattern asks for */
  uint64_t high_pfn;      /* highest page frame the workload holds (+1) */
  uint64_t alloc_failures;
  uint64_t total_pages;   /* guest RAM pages: boot + hot-added */
  uint64_t ballooned_pages;
  uint64_t free_pages;
} hv_workload_status;
HV_WIRE_SIZE(hv_workload_status, 72);
HV_WIRE_OFFSET(hv_workload_status, progress, 8);
HV_WIRE_OFFSET(hv_workload_status, high_pfn, 32);
HV_WIRE_OFFSET(hv_workload_status, free_pages, 64);

#endif /* HV_WIRE_VMBUS_H_ */
