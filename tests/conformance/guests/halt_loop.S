/* HLT + kick: halts; after every wake-up reports the wake count on
 * PROGRESS_PORT and halts again. */
#include "defs.h"
        .code64
        .text
        xor     %ebx, %ebx
1:      hlt
        inc     %ebx
        mov     %ebx, %eax
        out     %eax, $PROGRESS_PORT
        jmp     1b
