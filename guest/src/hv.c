#include "guest/src/hv.h"

#include "guest/src/lib.h"
#include "wire/boot_info.h"

static uint8_t hc_in[4096] __attribute__((aligned(4096)));
static uint8_t hc_out[4096] __attribute__((aligned(4096)));
static hv_message_page simp_page __attribute__((aligned(4096)));
static hv_event_flags_page siefp_page __attribute__((aligned(4096)));

/* RCX = control, RDX = input GPA / fast data, R8 = output GPA; RAX = result.
 * Identity mapping: a kernel address is its GPA. */
static uint64_t hypercall(uint64_t control, uint64_t input, uint64_t output) {
  uint64_t rax;
  register uint64_t r8 __asm__("r8") = output;
  register uint64_t r11 __asm__("r11") = HV_BOOT_HYPERCALL_PAGE_GPA;
  __asm__ volatile("call *%%r11"
                   : "=a"(rax), "+c"(control), "+d"(input), "+r"(r8), "+r"(r11)
                   :
                   : "memory", "r9", "r10", "cc");
  return rax;
}

uint16_t hv_set_reg(uint32_t name, uint64_t value) {
  hv_vp_registers_header* h = (hv_vp_registers_header*)hc_in;
  memset(hc_in, 0, sizeof(*h) + sizeof(hv_set_vp_register_element));
  h->partition_id = HV_PARTITION_ID_SELF;
  h->vp_index = HV_VP_INDEX_SELF;
  hv_set_vp_register_element* e = (hv_set_vp_register_element*)(hc_in + sizeof(*h));
  e->name = name;
  e->value.low = value;
  return (uint16_t)hypercall(HVCALL_SET_VP_REGISTERS | (1ull << HV_HYPERCALL_REP_COUNT_SHIFT),
                             (uint64_t)hc_in, 0);
}

uint64_t hv_get_reg(uint32_t name) {
  hv_vp_registers_header* h = (hv_vp_registers_header*)hc_in;
  memset(hc_in, 0, sizeof(*h) + sizeof(hv_get_vp_register_element));
  h->partition_id = HV_PARTITION_ID_SELF;
  h->vp_index = HV_VP_INDEX_SELF;
  ((hv_get_vp_register_element*)(hc_in + sizeof(*h)))->name = name;
  uint64_t r = hypercall(HVCALL_GET_VP_REGISTERS | (1ull << HV_HYPERCALL_REP_COUNT_SHIFT),
                         (uint64_t)hc_in, (uint64_t)hc_out);
  if ((r & 0xFFFF) != HV_STATUS_SUCCESS) return 0;
  return ((hv_register_value*)hc_out)->low;
}

uint64_t hv_now(void) { return hv_get_reg(HV_REGISTER_TIME_REF_COUNT); }

void hv_init(void) {
  hv_set_reg(HV_REGISTER_GUEST_OS_ID, 0x8100000000000001ull); /* open-source OS id */
  hv_set_reg(HV_REGISTER_SIMP, (uint64_t)&simp_page | HV_SYNIC_PAGE_ENABLE);
  hv_set_reg(HV_REGISTER_SIEFP, (uint64_t)&siefp_page | HV_SYNIC_PAGE_ENABLE);
  hv_set_reg(HV_REGISTER_SINT0 + HV_VMBUS_MESSAGE_SINT, 0x30); /* vector 0x30, unmasked */
  hv_set_reg(HV_REGISTER_SCONTROL, 1);
}

void hv_sleep_until(uint64_t deadline) {
  hv_set_reg(HV_REGISTER_STIMER0_COUNT, deadline);
  hv_set_reg(HV_REGISTER_STIMER0_CONFIG, HV_STIMER_ENABLE);
  /* A message that arrived during the two hypercalls is not lost: the host
   * kicks the vCPU, and a kick before HLT ends the next HLT at once. */
  volatile hv_message* slot = &simp_page.sint_message[HV_VMBUS_MESSAGE_SINT];
  if (slot->header.message_type != HV_MESSAGE_TYPE_NONE) return;
  __asm__ volatile("hlt" ::: "memory");
}

uint16_t hv_post_message(uint32_t connection_id, const void* payload, uint32_t size) {
  hv_post_message_input* in = (hv_post_message_input*)hc_in;
  if (size > HV_MESSAGE_PAYLOAD_BYTES) return HV_STATUS_INVALID_PARAMETER;
  memset(in, 0, sizeof(*in));
  in->connection_id = connection_id;
  in->message_type = HV_MESSAGE_TYPE_VMBUS;
  in->payload_size = size;
  memcpy(in->payload, payload, size);
  return (uint16_t)hypercall(HVCALL_POST_MESSAGE, (uint64_t)hc_in, 0);
}

uint16_t hv_signal_event(uint32_t connection_id) {
  return (uint16_t)hypercall(HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT, connection_id, 0);
}

int hv_take_message(void* out) {
  volatile hv_message* slot = &simp_page.sint_message[HV_VMBUS_MESSAGE_SINT];
  if (slot->header.message_type == HV_MESSAGE_TYPE_NONE) return -1;
  barrier();
  uint32_t n = slot->header.payload_size;
  if (n > HV_MESSAGE_PAYLOAD_BYTES) n = HV_MESSAGE_PAYLOAD_BYTES;
  memcpy(out, (const void*)slot->payload, n);
  const uint8_t pending = slot->header.message_flags & HV_MESSAGE_FLAG_PENDING;
  barrier();
  slot->header.message_type = HV_MESSAGE_TYPE_NONE;
  mfence();
  /* Always write EOM: it is the host's cue to deliver the next message,
   * whether or not it managed to set the pending flag in time. */
  (void)pending;
  hv_set_reg(HV_REGISTER_EOM, 0);
  return (int)n;
}
