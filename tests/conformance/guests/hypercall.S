/* Hypercall round trips through the hypercall page. Each result (RAX) is
 * stored at DATA_GPA + 8*n:
 *   0 SetVpRegisters(GUEST_OS_ID = 0x8100_0000_0000_1234), rep 1
 *   1 GetVpRegisters(GUEST_OS_ID, VP_INDEX, TIME_REF_COUNT), rep 3 -> OUTPUT_PAGE
 *   2 unknown call code 0x7777
 *   3 reserved input bit 30 set
 *   4 GetVpRegisters with a misaligned input GPA
 *   5 GetVpRegisters with an unmapped input GPA
 *   6 SetVpRegisters(VP_INDEX) (read-only)
 *   7 rep start 2 > rep count 1 */
#include "defs.h"
        .code64
        .text
        mov     $HYPERCALL_PAGE, %rbx
        mov     $DATA_GPA, %rdi
        /* input header: partition SELF, vp SELF, vtl 0 */
        mov     $INPUT_PAGE, %r9
        movq    $-1, 0(%r9)
        movl    $-1, 8(%r9)
        movl    $0, 12(%r9)
        /* 0: SetVpRegisters element at +16: name, pad, value low/high */
        movl    $REG_GUEST_OS_ID, 16(%r9)
        movl    $0, 20(%r9)
        movq    $0, 24(%r9)
        movabs  $0x8100000000001234, %rax
        mov     %rax, 32(%r9)
        movq    $0, 40(%r9)
        movabs  $(CALL_SET_VP_REGISTERS | (1 << 32)), %rcx
        mov     %r9, %rdx
        xor     %r8, %r8
        call    *%rbx
        mov     %rax, 0(%rdi)
        /* 1: GetVpRegisters, names at +16, +24, +32 */
        movq    $REG_GUEST_OS_ID, 16(%r9)
        movq    $REG_VP_INDEX, 24(%r9)
        movq    $REG_TIME_REF_COUNT, 32(%r9)
        movabs  $(CALL_GET_VP_REGISTERS | (3 << 32)), %rcx
        mov     %r9, %rdx
        mov     $OUTPUT_PAGE, %r8
        call    *%rbx
        mov     %rax, 8(%rdi)
        /* 2: unknown code */
        mov     $0x7777, %rcx
        call    *%rbx
        mov     %rax, 16(%rdi)
        /* 3: reserved bit */
        mov     $(CALL_GET_VP_REGISTERS | (1 << 30)), %rcx
        call    *%rbx
        mov     %rax, 24(%rdi)
        /* 4: misaligned input */
        movabs  $(CALL_GET_VP_REGISTERS | (1 << 32)), %rcx
        lea     4(%r9), %rdx
        mov     $OUTPUT_PAGE, %r8
        call    *%rbx
        mov     %rax, 32(%rdi)
        /* 5: unmapped input */
        movabs  $(CALL_GET_VP_REGISTERS | (1 << 32)), %rcx
        mov     $UNMAPPED_GPA, %rdx
        call    *%rbx
        mov     %rax, 40(%rdi)
        /* 6: write a read-only register */
        movl    $REG_VP_INDEX, 16(%r9)
        movabs  $(CALL_SET_VP_REGISTERS | (1 << 32)), %rcx
        mov     %r9, %rdx
        call    *%rbx
        mov     %rax, 48(%rdi)
        /* 7: rep start beyond rep count */
        movabs  $(CALL_GET_VP_REGISTERS | (1 << 32) | (2 << 48)), %rcx
        call    *%rbx
        mov     %rax, 56(%rdi)
        hlt
