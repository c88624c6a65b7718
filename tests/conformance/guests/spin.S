/* Spins forever without an exit. */
        .code64
        .text
1:      inc     %rax
        jmp     1b
