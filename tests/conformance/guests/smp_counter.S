/* SMP atomic counter: every vCPU (RSI = VP index) does 100000 LOCK INCs of
 * the qword at DATA_GPA, then a LOCK INC of DATA_GPA+8 (finished count), then
 * reports DONE. */
#include "defs.h"
        .code64
        .text
        mov     $DATA_GPA, %rdi
        mov     $100000, %ecx
1:      lock incq (%rdi)
        dec     %ecx
        jnz     1b
        lock incq 8(%rdi)
        mov     %esi, %eax
        out     %eax, $DONE_PORT
        hlt
