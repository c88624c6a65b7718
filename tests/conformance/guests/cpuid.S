/* CPUID: stores EAX..EDX of leaves 0x40000000..0x40000005 at DATA_GPA
 * (16 bytes per leaf), then leaf 1 at DATA_GPA + 0x60; halts. */
#include "defs.h"
        .code64
        .text
        mov     $DATA_GPA, %rdi
        mov     $0x40000000, %esi
1:      mov     %esi, %eax
        xor     %ecx, %ecx
        cpuid
        mov     %eax, 0(%rdi)
        mov     %ebx, 4(%rdi)
        mov     %ecx, 8(%rdi)
        mov     %edx, 12(%rdi)
        add     $16, %rdi
        inc     %esi
        cmp     $0x40000006, %esi
        jne     1b
        mov     $1, %eax
        xor     %ecx, %ecx
        cpuid
        mov     %eax, 0(%rdi)
        mov     %ebx, 4(%rdi)
        mov     %ecx, 8(%rdi)
        mov     %edx, 12(%rdi)
        hlt
