/* Freestanding support for the reference guest: memory/string helpers, the
 * serial console (COM1, port 0x3F8) and a tiny printf. No libc. */
#ifndef HV_GUEST_LIB_H_
#define HV_GUEST_LIB_H_

#include <stddef.h>
#include <stdint.h>

void* memcpy(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);

void serial_putc(char c);
void serial_puts(const char* s);
/* printf subset: %s %c %d %u %x %lu %lx %llu %llx %%. */
void kprintf(const char* fmt, ...);

/* Parses an unsigned decimal (or 0x hex) number; advances *s. */
uint64_t parse_u64(const char** s);
/* Finds "key=" in a space-separated command line; copies the value (up to a
 * space, commas turned into spaces) into out. Returns 1 if found. */
int cmdline_get(const char* cmdline, const char* key, char* out, size_t out_len);

static inline void outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v) {
  __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void mfence(void) { __asm__ volatile("mfence" ::: "memory"); }

#endif /* HV_GUEST_LIB_H_ */
