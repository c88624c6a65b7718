/* Divide by zero with no IDT: #DE escalates to a triple fault. */
        .code64
        .text
        xor     %ecx, %ecx
        mov     $1, %eax
        xor     %edx, %edx
        div     %ecx
        hlt
