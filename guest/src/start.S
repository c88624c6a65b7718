/* Entry (wire/boot_info.h): 64-bit mode, RDI = boot info, RSP = stack top.
 * Zeroes .bss, calls guest_main, then halts forever. */
  .section .text.start, "ax"
  .global _start
  .code64
_start:
  mov %rdi, %r12
  lea __bss_start(%rip), %rdi
  lea __bss_end(%rip), %rcx
  sub %rdi, %rcx
  shr $3, %rcx
  xor %eax, %eax
  cld
  rep stosq
  mov %r12, %rdi
  call guest_main
1:
  hlt
  jmp 1b

  .section .note.GNU-stack,"",@progbits
