/* Snapshot/restore: phase 1 computes an LCG over 50000 steps into R12 and
 * a table at DATA_GPA, halts (the test snapshots here); phase 2 continues
 * from that state for 50000 more steps and halts with R12, R13. */
#include "defs.h"
        .code64
        .text
        mov     $DATA_GPA, %rdi
        movabs  $0x9E3779B97F4A7C15, %r12
        movabs  $6364136223846793005, %r14
        mov     $50000, %ecx
1:      imul    %r14, %r12
        add     $1442695040888963407 & 0x7FFFFFFF, %r12
        mov     %ecx, %eax
        and     $511, %eax
        xor     %r12, (%rdi,%rax,8)
        dec     %ecx
        jnz     1b
        hlt
        mov     $50000, %ecx
2:      imul    %r14, %r12
        add     $12345, %r12
        mov     %ecx, %eax
        and     $511, %eax
        add     (%rdi,%rax,8), %r13
        xor     %r12, (%rdi,%rax,8)
        dec     %ecx
        jnz     2b
        hlt
