/* Memory access at the GPA in R12 (set by the test): R13 = 0 read, 1 write,
 * 2 execute (jump there). Reports DONE if the access completed. */
#include "defs.h"
        .code64
        .text
        cmp     $1, %r13
        je      2f
        cmp     $2, %r13
        je      3f
        mov     (%r12), %rax
        jmp     4f
2:      movq    $0x77, (%r12)
        jmp     4f
3:      jmp     *%r12
4:      out     %eax, $DONE_PORT
        hlt
