/* MMIO: writes 0xAB (1 byte) and a dword to MMIO_GPA + 8, reads a dword from
 * MMIO_GPA + 4 into RBX, halts. (Unicorn 2.0.1 splits 8-byte MMIO accesses
 * into two 4-byte callbacks, so the suite stays at <= 4 bytes.) */
#include "defs.h"
        .code64
        .text
        mov     $MMIO_GPA, %edi           /* zero-extends */
        movb    $0xAB, (%rdi)
        movl    $0x11223344, 8(%rdi)
        mov     4(%rdi), %ebx
        hlt
