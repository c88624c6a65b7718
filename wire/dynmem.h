/* Hyper-V Dynamic Memory (DM) protocol, shared by the guest VSC and the host VSP.
 * Facts: ../shared/reference/hyperv.md §1 (Linux drivers/hv/hv_balloon.c, QEMU
 * include/hw/hyperv/dynmem-proto.h; wire facts only). Little-endian, packed.
 * Every message is one VMBus in-band packet (type 6), no completion requested.
 * Bit fields are spelled as masks on whole words so C and C++ agree exactly.
 */
#ifndef HV_WIRE_DYNMEM_H_
#define HV_WIRE_DYNMEM_H_

#include "wire/wire_assert.h"

/* VMBus class GUID 525074DC-8985-46e2-8057-A307DC18A502 in its wire byte order
 * (first three fields little-endian). */
#define HV_DM_CLASS_GUID_BYTES                                                     \
  {0xDC, 0x74, 0x50, 0x52, 0x85, 0x89, 0xe2, 0x46, 0x80, 0x57, 0xA3, 0x07, 0xDC, \
   0x18, 0xA5, 0x02}

/* Version word = (major << 16) | minor. */
#define DYNMEM_PROTOCOL_VERSION_1 0x00000003u /* 0.3, WIN7 */
#define DYNMEM_PROTOCOL_VERSION_2 0x00010000u /* 1.0, WIN8 */
#define DYNMEM_PROTOCOL_VERSION_3 0x00020000u /* 2.0, WIN10 */

/* dm_header.type (hyperv.md §1 "Message types"). */
#define DM_ERROR 0
#define DM_VERSION_REQUEST 1
#define DM_VERSION_RESPONSE 2
#define DM_CAPABILITIES_REPORT 3
#define DM_CAPABILITIES_RESPONSE 4
#define DM_STATUS_REPORT 5
#define DM_BALLOON_REQUEST 6
#define DM_BALLOON_RESPONSE 7
#define DM_UNBALLOON_REQUEST 8
#define DM_UNBALLOON_RESPONSE 9
#define DM_MEM_HOT_ADD_REQUEST 10
#define DM_MEM_HOT_ADD_RESPONSE 11
#define DM_INFO_MESSAGE 12
#define DM_MEM_HOT_REMOVE_REQUEST 13
#define DM_MEM_HOT_REMOVE_RESPONSE 14
#define DM_MESSAGE_TYPE_COUNT 15

/* Host messages are at most one 4096-byte receive buffer (Linux guest). */
#define DM_MAX_MESSAGE_BYTES 4096u
/* (4096 - 16) / 8 ranges fit one BALLOON_RESPONSE / UNBALLOON_REQUEST. */
#define DM_MAX_RANGES_PER_MESSAGE 510u

typedef struct dm_header {
  uint16_t type;
  uint16_t size; /* whole message in bytes, header included */
  uint32_t trans_id;
} dm_header;
HV_WIRE_SIZE(dm_header, 8);
HV_WIRE_OFFSET(dm_header, size, 2);
HV_WIRE_OFFSET(dm_header, trans_id, 4);

/* Page range: bits 0-39 start PFN (4 KiB frames), bits 40-63 page count. */
typedef uint64_t dm_page_range;
#define DM_RANGE_PFN_BITS 40
#define DM_RANGE_PFN_MASK ((1ull << 40) - 1)
#define DM_RANGE_MAX_PAGES ((1ull << 24) - 1) /* 16,777,215 */
#define DM_RANGE_PFN(r) ((uint64_t)(r) & DM_RANGE_PFN_MASK)
#define DM_RANGE_COUNT(r) ((uint64_t)(r) >> DM_RANGE_PFN_BITS)
#define DM_RANGE_MAKE(pfn, count) \
  (((uint64_t)(pfn) & DM_RANGE_PFN_MASK) | ((uint64_t)(count) << DM_RANGE_PFN_BITS))

typedef struct dm_version_request {
  dm_header hdr;
  uint32_t version;   /* minor u16 @8, major u16 @10 */
  uint32_t flags;     /* bit0 is_last_attempt, rest zero */
} dm_version_request;
HV_WIRE_SIZE(dm_version_request, 16);
HV_WIRE_OFFSET(dm_version_request, version, 8);
HV_WIRE_OFFSET(dm_version_request, flags, 12);
#define DM_VERSION_IS_LAST_ATTEMPT 0x1u

typedef struct dm_version_response {
  dm_header hdr;
  uint64_t flags;     /* bit0 is_accepted */
} dm_version_response;
HV_WIRE_SIZE(dm_version_response, 16);
HV_WIRE_OFFSET(dm_version_response, flags, 8);
#define DM_VERSION_ACCEPTED 0x1ull

typedef struct dm_capabilities {
  dm_header hdr;
  uint64_t caps;
  uint64_t min_page_cnt;    /* guests send 0; host ignores */
  uint64_t max_page_number; /* sent as all-ones; ignored */
} dm_capabilities;
HV_WIRE_SIZE(dm_capabilities, 32);
HV_WIRE_OFFSET(dm_capabilities, caps, 8);
HV_WIRE_OFFSET(dm_capabilities, min_page_cnt, 16);
HV_WIRE_OFFSET(dm_capabilities, max_page_number, 24);
#define DM_CAP_BALLOON 0x1ull
#define DM_CAP_HOT_ADD 0x2ull
#define DM_CAP_ALIGNMENT_SHIFT 2 /* bits 2-5: n => 2^n MiB */
#define DM_CAP_ALIGNMENT_MASK (0xFull << 2)
#define DM_CAP_HOT_REMOVE 0x40ull /* 2.0 */

typedef struct dm_capabilities_resp_msg {
  dm_header hdr;
  uint64_t flags; /* bit0 is_accepted, bit1 hot_remove, bit2 suppress_pressure_reports */
} dm_capabilities_resp_msg;
HV_WIRE_SIZE(dm_capabilities_resp_msg, 16);
HV_WIRE_OFFSET(dm_capabilities_resp_msg, flags, 8);
#define DM_CAPS_ACCEPTED 0x1ull
#define DM_CAPS_HOT_REMOVE 0x2ull
#define DM_CAPS_SUPPRESS_PRESSURE 0x4ull

typedef struct dm_status {
  dm_header hdr;
  uint64_t num_avail;
  uint64_t num_committed;
  uint64_t page_file_size;
  uint64_t zero_free;
  uint32_t page_file_writes;
  uint32_t io_diff;
} dm_status;
HV_WIRE_SIZE(dm_status, 48);
HV_WIRE_OFFSET(dm_status, num_avail, 8);
HV_WIRE_OFFSET(dm_status, num_committed, 16);
HV_WIRE_OFFSET(dm_status, page_file_size, 24);
HV_WIRE_OFFSET(dm_status, zero_free, 32);
HV_WIRE_OFFSET(dm_status, page_file_writes, 40);
HV_WIRE_OFFSET(dm_status, io_diff, 44);

typedef struct dm_balloon {
  dm_header hdr;
  uint32_t num_pages;
  uint32_t reservedz;
} dm_balloon;
HV_WIRE_SIZE(dm_balloon, 16);
HV_WIRE_OFFSET(dm_balloon, num_pages, 8);

/* BALLOON_RESPONSE: @12 u32 packs {more_pages:1 (bit0), range_count:31 (bits 1-31)}. */
typedef struct dm_balloon_response {
  dm_header hdr;
  uint32_t reservedz;
  uint32_t more_and_count;
  /* dm_page_range range_array[range_count] follows at +16 */
} dm_balloon_response;
HV_WIRE_SIZE(dm_balloon_response, 16);
HV_WIRE_OFFSET(dm_balloon_response, reservedz, 8);
HV_WIRE_OFFSET(dm_balloon_response, more_and_count, 12);
#define DM_BALLOON_RESP_MORE_PAGES 0x1u
#define DM_BALLOON_RESP_COUNT(w) ((uint32_t)(w) >> 1)
#define DM_BALLOON_RESP_MAKE(more, count) \
  (((uint32_t)(count) << 1) | ((more) ? DM_BALLOON_RESP_MORE_PAGES : 0u))

/* UNBALLOON_REQUEST: more_pages is bit0 of the u32 @8; range_count is the full u32 @12.
 * NB differs from BALLOON_RESPONSE (hyperv.md "10 things" #4). */
typedef struct dm_unballoon_request {
  dm_header hdr;
  uint32_t more_pages; /* bit0; rest zero */
  uint32_t range_count;
  /* dm_page_range range_array[range_count] follows at +16 */
} dm_unballoon_request;
HV_WIRE_SIZE(dm_unballoon_request, 16);
HV_WIRE_OFFSET(dm_unballoon_request, more_pages, 8);
HV_WIRE_OFFSET(dm_unballoon_request, range_count, 12);

typedef struct dm_unballoon_response {
  dm_header hdr;
} dm_unballoon_response;
HV_WIRE_SIZE(dm_unballoon_response, 8);

/* MEM_HOT_ADD_REQUEST: 16-byte form (range only) or 24-byte form (range + region).
 * The guest tells them apart only by hdr.size. */
typedef struct dm_hot_add {
  dm_header hdr;
  dm_page_range range;
} dm_hot_add;
HV_WIRE_SIZE(dm_hot_add, 16);
HV_WIRE_OFFSET(dm_hot_add, range, 8);

typedef struct dm_hot_add_with_region {
  dm_header hdr;
  dm_page_range range;
  dm_page_range region;
} dm_hot_add_with_region;
HV_WIRE_SIZE(dm_hot_add_with_region, 24);
HV_WIRE_OFFSET(dm_hot_add_with_region, region, 16);

typedef struct dm_hot_add_response {
  dm_header hdr;
  uint32_t page_count; /* pages actually added */
  uint32_t result;     /* 1 ok, 0 transient failure */
} dm_hot_add_response;
HV_WIRE_SIZE(dm_hot_add_response, 16);
HV_WIRE_OFFSET(dm_hot_add_response, page_count, 8);
HV_WIRE_OFFSET(dm_hot_add_response, result, 12);

#define DM_INFO_TYPE_MAX_PAGE_CNT 0u
typedef struct dm_info_header {
  uint32_t type;
  uint32_t data_size;
} dm_info_header;
HV_WIRE_SIZE(dm_info_header, 8);

/* INFO_MESSAGE carrying INFO_TYPE_MAX_PAGE_CNT (the only info type defined). */
typedef struct dm_info_max_page_cnt {
  dm_header hdr;
  uint32_t reserved;
  uint32_t info_size; /* bytes after this field: info header + data */
  dm_info_header info;
  uint64_t max_page_count;
} dm_info_max_page_cnt;
HV_WIRE_SIZE(dm_info_max_page_cnt, 32);
HV_WIRE_OFFSET(dm_info_max_page_cnt, info_size, 12);
HV_WIRE_OFFSET(dm_info_max_page_cnt, info, 16);
HV_WIRE_OFFSET(dm_info_max_page_cnt, max_page_count, 24);

/* 2.0 hot remove (semantics unverified; neither side here implements it). */
typedef struct dm_hot_remove {
  dm_header hdr;
  uint32_t virtual_node;
  uint32_t page_count;
  uint32_t qos_flags;
  uint32_t reserved;
} dm_hot_remove;
HV_WIRE_SIZE(dm_hot_remove, 24);
HV_WIRE_OFFSET(dm_hot_remove, page_count, 12);
HV_WIRE_OFFSET(dm_hot_remove, qos_flags, 16);

typedef struct dm_hot_remove_response {
  dm_header hdr;
  uint32_t result;
  uint32_t range_count;
  uint64_t more_pages; /* bit0 */
  /* dm_page_range range_array[] at +24 */
} dm_hot_remove_response;
HV_WIRE_SIZE(dm_hot_remove_response, 24);
HV_WIRE_OFFSET(dm_hot_remove_response, range_count, 12);
HV_WIRE_OFFSET(dm_hot_remove_response, more_pages, 16);

#endif /* HV_WIRE_DYNMEM_H_ */
