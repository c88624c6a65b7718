/* Run-time map/unmap: forever { read the qword at RUNTIME_GPA, report its low
 * 32 bits on PROGRESS_PORT, halt }. */
#include "defs.h"
        .code64
        .text
        mov     $RUNTIME_GPA, %rsi
1:      mov     (%rsi), %rax
        out     %eax, $PROGRESS_PORT
        hlt
        jmp     1b
