/* 64-bit arithmetic results left in registers. */
#include "defs.h"
        .code64
        .text
        movabs  $0x0123456789ABCDEF, %rax
        mov     %rax, %rbx
        shl     $4, %rbx                  /* 0x123456789ABCDEF0 */
        imul    $3, %rax, %rcx            /* 0x036A9E9E9E9E9E9CD */
        mov     %rax, %rdx
        not     %rdx                      /* 0xFEDCBA9876543210 */
        mov     $0xFFFFFFFF, %r8d         /* zero-extends: 0x00000000FFFFFFFF */
        inc     %r8                       /* 0x0000000100000000 */
        movabs  $0x8000000000000000, %r9
        sar     $63, %r9                  /* all ones */
        xor     %r10, %r10
        mov     $100000, %ecx
1:      add     %rcx, %r10                /* sum 1..100000 = 5000050000 */
        dec     %ecx
        jnz     1b
        imul    $3, %rax, %rcx
        hlt
