/* Serial output and IN values: prints "Hello\n" on the serial port, reads
 * IN_PORT into RBX (zero-extended, 1 byte) and a 4-byte IN into R12, echoes
 * the byte back, then halts. */
#include "defs.h"
        .code64
        .text
        mov     $SERIAL_PORT, %dx
        lea     msg(%rip), %rsi
        mov     $6, %ecx
1:      lodsb
        out     %al, %dx
        dec     %ecx
        jnz     1b
        xor     %eax, %eax
        in      $IN_PORT, %al
        movzx   %al, %rbx
        out     %al, %dx
        mov     $IN_PORT, %dx
        in      %dx, %eax
        mov     %rax, %r12
        hlt
msg:    .ascii  "Hello\n"
