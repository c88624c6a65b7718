/* An invalid instruction with no IDT: #UD escalates to a triple fault. */
        .code64
        .text
        nop
        ud2
        hlt
