/* Hyper-V TLFS subset shared by the guest and the host.
 * Facts: ../shared/reference/hyperv.md §3; register names from Linux
 * include/hyperv/hvgdk_mini.h (HV_REGISTER_*). All little-endian, packed.
 *
 * How a guest reaches the hypervisor here (deviation from a Windows host,
 * explained in docs/ARCHITECTURE.md "Hypercalls"):
 *  - The hypercall page is placed by the host at boot_info.hypercall_page_gpa
 *    (no HV_X64_MSR_HYPERCALL write: the software CPU cannot trap MSRs). The
 *    guest calls it with the x64 register ABI: RCX = input value, RDX = input
 *    GPA (or fast data), R8 = output GPA; result in RAX.
 *  - Synthetic registers (GUEST_OS_ID, SIMP, SIEFP, SCONTROL, TIME_REF_COUNT,
 *    STIMER0_*) are read and written with HvCallGetVpRegisters /
 *    HvCallSetVpRegisters, not MSRs.
 */
#ifndef HV_WIRE_TLFS_H_
#define HV_WIRE_TLFS_H_

#include "wire/wire_assert.h"

/* ---- CPUID leaves (hyperv.md §3) ---- */
#define HV_CPUID_VENDOR_AND_MAX_FUNCTIONS 0x40000000u
#define HV_CPUID_INTERFACE 0x40000001u
#define HV_CPUID_VERSION 0x40000002u
#define HV_CPUID_FEATURES 0x40000003u
#define HV_CPUID_ENLIGHTENMENT_INFO 0x40000004u
#define HV_CPUID_IMPLEMENT_LIMITS 0x40000005u
#define HV_CPUID_MAX_LEAF HV_CPUID_IMPLEMENT_LIMITS
/* "Microsoft Hv" in EBX, ECX, EDX of leaf 0x40000000. */
#define HV_CPUID_SIGNATURE_EBX 0x7263694Du
#define HV_CPUID_SIGNATURE_ECX 0x666F736Fu
#define HV_CPUID_SIGNATURE_EDX 0x76482074u
/* "Hv#1" in EAX of leaf 0x40000001. */
#define HV_CPUID_INTERFACE_HV1 0x31237648u
/* Leaf 0x40000003 EAX privilege bits. */
#define HV_PRIV_ACCESS_VP_RUNTIME (1u << 0)
#define HV_PRIV_ACCESS_TIME_REF_COUNT (1u << 1)
#define HV_PRIV_ACCESS_SYNIC (1u << 2)
#define HV_PRIV_ACCESS_SYNTHETIC_TIMERS (1u << 3)
#define HV_PRIV_ACCESS_HYPERCALL_MSRS (1u << 5)
#define HV_PRIV_ACCESS_VP_INDEX (1u << 6)
/* Leaf 0x40000003 EBX flags. */
#define HV_FLAG_POST_MESSAGES (1u << 4)
#define HV_FLAG_SIGNAL_EVENTS (1u << 5)

/* ---- Hypercall call codes (hyperv.md §3, hvgdk_mini.h) ---- */
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE 0x0002u
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST 0x0003u
#define HVCALL_NOTIFY_LONG_SPIN_WAIT 0x0008u
#define HVCALL_SEND_IPI 0x000Bu
#define HVCALL_GET_VP_REGISTERS 0x0050u
#define HVCALL_SET_VP_REGISTERS 0x0051u
#define HVCALL_POST_MESSAGE 0x005Cu
#define HVCALL_SIGNAL_EVENT 0x005Du

/* ---- Hypercall status codes (RAX bits 0-15) ---- */
#define HV_STATUS_SUCCESS 0x0000u
#define HV_STATUS_INVALID_HYPERCALL_CODE 0x0002u
#define HV_STATUS_INVALID_HYPERCALL_INPUT 0x0003u
#define HV_STATUS_INVALID_ALIGNMENT 0x0004u
#define HV_STATUS_INVALID_PARAMETER 0x0005u
#define HV_STATUS_ACCESS_DENIED 0x0006u
#define HV_STATUS_INVALID_PARTITION_STATE 0x0007u
#define HV_STATUS_OPERATION_DENIED 0x0008u
#define HV_STATUS_INSUFFICIENT_MEMORY 0x000Bu
#define HV_STATUS_INVALID_VP_INDEX 0x000Eu
#define HV_STATUS_NOT_FOUND 0x0010u
#define HV_STATUS_INVALID_PORT_ID 0x0011u
#define HV_STATUS_INVALID_CONNECTION_ID 0x0012u
#define HV_STATUS_INSUFFICIENT_BUFFERS 0x0013u
#define HV_STATUS_NOT_ACKNOWLEDGED 0x0014u
#define HV_STATUS_TIME_OUT 0x0078u

/* The KVM backend's hypercall page holds "OUT HV_HYPERCALL_IO_PORT, AL; RET"
 * (E6 F1 C3), because KVM handles VMCALL inside the kernel; the TCG backend's
 * holds "VMCALL; RET" (0F 01 C1 C3). Guests only ever call the page, so they
 * never use this port directly. Legacy FPU port range, unused otherwise. */
#define HV_HYPERCALL_IO_PORT 0xF1u

/* ---- Hypercall input value (RCX), hyperv.md §3 ---- */
#define HV_HYPERCALL_CODE_MASK 0xFFFFull             /* bits 0-15 */
#define HV_HYPERCALL_FAST_BIT (1ull << 16)
#define HV_HYPERCALL_VARHEAD_SHIFT 17                /* bits 17-26, qwords */
#define HV_HYPERCALL_VARHEAD_MASK (0x3FFull << 17)
#define HV_HYPERCALL_NESTED_BIT (1ull << 31)
#define HV_HYPERCALL_REP_COUNT_SHIFT 32              /* bits 32-43 */
#define HV_HYPERCALL_REP_COUNT_MASK (0xFFFull << 32)
#define HV_HYPERCALL_REP_START_SHIFT 48              /* bits 48-59 */
#define HV_HYPERCALL_REP_START_MASK (0xFFFull << 48)
/* Every other bit is reserved and must be zero. */
#define HV_HYPERCALL_RSVD_MASK \
  (~(HV_HYPERCALL_CODE_MASK | HV_HYPERCALL_FAST_BIT | HV_HYPERCALL_VARHEAD_MASK | \
     HV_HYPERCALL_NESTED_BIT | HV_HYPERCALL_REP_COUNT_MASK | HV_HYPERCALL_REP_START_MASK))
/* Result value (RAX): bits 0-15 status, bits 32-43 reps completed. */
#define HV_HYPERCALL_RESULT_REPS_SHIFT 32

/* ---- Synthetic register names (HV_REGISTER_*, hvgdk_mini.h) ---- */
#define HV_REGISTER_GUEST_OS_ID 0x00090002u
#define HV_REGISTER_VP_INDEX 0x00090003u
#define HV_REGISTER_TIME_REF_COUNT 0x00090004u /* 100 ns units since partition start */
#define HV_REGISTER_SINT0 0x000A0000u           /* + n for SINTn, n < 16 */
#define HV_REGISTER_SCONTROL 0x000A0010u
#define HV_REGISTER_SVERSION 0x000A0011u
#define HV_REGISTER_SIEFP 0x000A0012u
#define HV_REGISTER_SIMP 0x000A0013u
#define HV_REGISTER_EOM 0x000A0014u
#define HV_REGISTER_STIMER0_CONFIG 0x000B0000u
#define HV_REGISTER_STIMER0_COUNT 0x000B0001u  /* absolute expiry, TIME_REF_COUNT units */

/* SIMP / SIEFP: bit 0 enable, bits 12-63 page GPA >> 12. SINTn: bits 0-7
 * vector, bit 16 masked, bit 17 auto-EOI. STIMER0_CONFIG: bit 0 enable,
 * bit 1 periodic, bits 16-19 SINT. */
#define HV_SYNIC_PAGE_ENABLE 1ull
#define HV_SINT_MASKED (1ull << 16)
#define HV_STIMER_ENABLE 1ull
#define HV_STIMER_PERIODIC (1ull << 1)

/* ---- GetVpRegisters / SetVpRegisters (rep hypercalls) ---- */
typedef struct hv_vp_registers_header {
  uint64_t partition_id;     /* HV_PARTITION_ID_SELF = ~0 */
  uint32_t vp_index;         /* HV_VP_INDEX_SELF = ~0u */
  uint8_t input_vtl;
  uint8_t reserved[3];
} hv_vp_registers_header;
HV_WIRE_SIZE(hv_vp_registers_header, 16);
HV_WIRE_OFFSET(hv_vp_registers_header, vp_index, 8);
#define HV_PARTITION_ID_SELF 0xFFFFFFFFFFFFFFFFull
#define HV_VP_INDEX_SELF 0xFFFFFFFFu

/* One rep element of GetVpRegisters input: the register name, padded. */
typedef struct hv_get_vp_register_element {
  uint32_t name;
  uint32_t reserved;
} hv_get_vp_register_element;
HV_WIRE_SIZE(hv_get_vp_register_element, 8);

/* A register value (128 bits; synthetic registers use the low 64). */
typedef struct hv_register_value {
  uint64_t low;
  uint64_t high;
} hv_register_value;
HV_WIRE_SIZE(hv_register_value, 16);

/* One rep element of SetVpRegisters input. */
typedef struct hv_set_vp_register_element {
  uint32_t name;
  uint32_t reserved0;
  uint64_t reserved1;
  hv_register_value value;
} hv_set_vp_register_element;
HV_WIRE_SIZE(hv_set_vp_register_element, 32);
HV_WIRE_OFFSET(hv_set_vp_register_element, value, 16);

/* ---- HvPostMessage / HvSignalEvent (hyperv.md §2-3) ---- */
#define HV_MESSAGE_PAYLOAD_BYTES 240
typedef struct hv_post_message_input {
  uint32_t connection_id;
  uint32_t reserved;
  uint32_t message_type;
  uint32_t payload_size;
  uint8_t payload[HV_MESSAGE_PAYLOAD_BYTES];
} hv_post_message_input;
HV_WIRE_SIZE(hv_post_message_input, 256);
HV_WIRE_OFFSET(hv_post_message_input, message_type, 8);
HV_WIRE_OFFSET(hv_post_message_input, payload_size, 12);
HV_WIRE_OFFSET(hv_post_message_input, payload, 16);

/* Fast hypercall: input in RDX = {connection_id u32, flag_number u16, rsvd u16}. */
typedef struct hv_signal_event_input {
  uint32_t connection_id;
  uint16_t flag_number;
  uint16_t reserved;
} hv_signal_event_input;
HV_WIRE_SIZE(hv_signal_event_input, 8);

/* ---- SynIC message page: 16 slots (one per SINT) of 256 bytes ---- */
#define HV_SYNIC_SINT_COUNT 16
#define HV_MESSAGE_TYPE_NONE 0x00000000u
#define HV_MESSAGE_TYPE_VMBUS 0x00000001u   /* "message type 1" for channel messages */
#define HV_MESSAGE_FLAG_PENDING 0x01u
#define HV_VMBUS_MESSAGE_SINT 2               /* VMBus channel messages arrive on SINT 2 */

typedef struct hv_message_header {
  uint32_t message_type;
  uint8_t payload_size;
  uint8_t message_flags;
  uint16_t reserved;
  uint64_t sender;                            /* origination id / port id */
} hv_message_header;
HV_WIRE_SIZE(hv_message_header, 16);
HV_WIRE_OFFSET(hv_message_header, payload_size, 4);
HV_WIRE_OFFSET(hv_message_header, message_flags, 5);
HV_WIRE_OFFSET(hv_message_header, sender, 8);

typedef struct hv_message {
  hv_message_header header;
  uint8_t payload[HV_MESSAGE_PAYLOAD_BYTES];
} hv_message;
HV_WIRE_SIZE(hv_message, 256);

typedef struct hv_message_page {
  hv_message sint_message[HV_SYNIC_SINT_COUNT];
} hv_message_page;
HV_WIRE_SIZE(hv_message_page, 4096);

/* SynIC event flags page: 16 SINTs x 2048 flag bits. */
typedef struct hv_event_flags_page {
  uint8_t sint_flags[HV_SYNIC_SINT_COUNT][256];
} hv_event_flags_page;
HV_WIRE_SIZE(hv_event_flags_page, 4096);

#endif /* HV_WIRE_TLFS_H_ */
