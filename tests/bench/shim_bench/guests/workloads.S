/* shim_bench workloads, assembled twice: as guest images (each workload its
 * own flat .text, ending in HLT) and, with -DNATIVE, as host functions
 * (ending in RET) so the same instructions run natively in the same process.
 * Inputs (System V argument registers, set by the host for the guest):
 * RDI = buffer base, RSI = buffer bytes (multiple of 4096), RDX = iterations.
 * Clobbers only caller-saved registers. Select with -DWORKLOAD_<name>. */
#ifdef NATIVE
#define END ret
#define BEGIN(name) .globl name; .type name,@function; name:
#else
#define END hlt
#define BEGIN(name)
#endif
        .code64
        .text
#if defined(WORKLOAD_TIGHT) || defined(NATIVE)
BEGIN(bench_tight)                     /* 4 instructions per iteration */
        mov     %rdx, %rcx
1:      add     %rcx, %rax
        xor     %rax, %r8
        dec     %rcx
        jnz     1b
        END
#endif
#if defined(WORKLOAD_LOADS) || defined(NATIVE)
BEGIN(bench_loads)                     /* 4 instructions per qword loaded */
        mov     %rdx, %r9
2:      mov     %rdi, %r10
        mov     %rsi, %rcx
        shr     $3, %rcx
3:      add     (%r10), %rax
        add     $8, %r10
        dec     %rcx
        jnz     3b
        dec     %r9
        jnz     2b
        END
#endif
#if defined(WORKLOAD_STORES) || defined(NATIVE)
BEGIN(bench_stores)                    /* 4 instructions per qword stored */
        mov     %rdx, %r9
4:      mov     %rdi, %r10
        mov     %rsi, %rcx
        shr     $3, %rcx
5:      mov     %rax, (%r10)
        add     $8, %r10
        dec     %rcx
        jnz     5b
        dec     %r9
        jnz     4b
        END
#endif
#if defined(WORKLOAD_TOUCH) || defined(NATIVE)
BEGIN(bench_touch)                     /* 4 instructions per 4 KiB page */
        mov     %rdi, %r10
        mov     %rsi, %rcx
        shr     $12, %rcx
6:      movb    $1, (%r10)
        add     $4096, %r10
        dec     %rcx
        jnz     6b
        END
#endif
#if defined(WORKLOAD_EXITS)
        /* RDX iterations of the exit selected by RSI: 0 OUT, 1 IN, 2 CPUID
         * 0x40000000, 3 hypercall (unknown code), 4 HLT, 5 MMIO write at RDI. */
        mov     %rdx, %r9
        mov     $0x9000, %rbx
10:     cmp     $0, %rsi
        jne     11f
        out     %al, $0x80
        jmp     19f
11:     cmp     $1, %rsi
        jne     12f
        in      $0x80, %al
        jmp     19f
12:     cmp     $2, %rsi
        jne     13f
        mov     $0x40000000, %eax
        cpuid
        jmp     19f
13:     cmp     $3, %rsi
        jne     14f
        mov     $0x7777, %ecx
        call    *%rbx
        jmp     19f
14:     cmp     $4, %rsi
        jne     15f
        hlt
        jmp     19f
15:     movl    %eax, (%rdi)
19:     dec     %r9
        jnz     10b
        out     %al, $0x82
        hlt
#endif
