#include "guest/src/lib.h"

#include <stdarg.h>

#define COM1 0x3F8

void* memcpy(void* dst, const void* src, size_t n) {
  uint8_t* d = dst;
  const uint8_t* s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  uint8_t* d = dst;
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

void serial_putc(char c) { outb(COM1, (uint8_t)c); }

void serial_puts(const char* s) {
  while (*s) serial_putc(*s++);
}

static void put_num(uint64_t v, unsigned base, int is_signed) {
  char buf[24];
  int i = 0;
  if (is_signed && (int64_t)v < 0) {
    serial_putc('-');
    v = (uint64_t)(-(int64_t)v);
  }
  do {
    unsigned d = (unsigned)(v % base);
    buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  while (i) serial_putc(buf[--i]);
}

void kprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; ++fmt) {
    if (*fmt != '%') {
      serial_putc(*fmt);
      continue;
    }
    ++fmt;
    int longs = 0;
    while (*fmt == 'l') {
      ++longs;
      ++fmt;
    }
    switch (*fmt) {
      case 's': serial_puts(va_arg(ap, const char*)); break;
      case 'c': serial_putc((char)va_arg(ap, int)); break;
      case 'd':
        put_num(longs ? (uint64_t)va_arg(ap, int64_t) : (uint64_t)(int64_t)va_arg(ap, int), 10, 1);
        break;
      case 'u':
        put_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0);
        break;
      case 'x':
        put_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0);
        break;
      case '%': serial_putc('%'); break;
      default: serial_putc('?'); break;
    }
  }
  va_end(ap);
}

uint64_t parse_u64(const char** s) {
  const char* p = *s;
  uint64_t v = 0;
  while (*p == ' ') ++p;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    p += 2;
    for (;; ++p) {
      unsigned d;
      if (*p >= '0' && *p <= '9') d = (unsigned)(*p - '0');
      else if (*p >= 'a' && *p <= 'f') d = (unsigned)(*p - 'a' + 10);
      else if (*p >= 'A' && *p <= 'F') d = (unsigned)(*p - 'A' + 10);
      else break;
      v = v * 16 + d;
    }
  } else {
    while (*p >= '0' && *p <= '9') v = v * 10 + (uint64_t)(*p++ - '0');
  }
  *s = p;
  return v;
}

int cmdline_get(const char* cmdline, const char* key, char* out, size_t out_len) {
  const size_t klen = strlen(key);
  const char* p = cmdline;
  while (*p) {
    while (*p == ' ') ++p;
    if (memcmp(p, key, klen) == 0 && p[klen] == '=') {
      p += klen + 1;
      size_t n = 0;
      while (*p && *p != ' ' && n + 1 < out_len) {
        out[n++] = *p == ',' ? ' ' : *p;
        ++p;
      }
      out[n] = 0;
      return 1;
    }
    while (*p && *p != ' ') ++p;
  }
  return 0;
}
