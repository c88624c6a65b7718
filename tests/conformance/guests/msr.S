/* RDMSR/WRMSR of an MSR no CPU knows (0x4000ABCD): writes EDX:EAX =
 * 0x11111111:0x22222222, reads it back into RBX (EDX:EAX joined), halts. */
        .code64
        .text
        mov     $0x4000ABCD, %ecx
        mov     $0x22222222, %eax
        mov     $0x11111111, %edx
        wrmsr
        xor     %eax, %eax
        xor     %edx, %edx
        rdmsr
        shl     $32, %rdx
        or      %rdx, %rax
        mov     %rax, %rbx
        hlt
