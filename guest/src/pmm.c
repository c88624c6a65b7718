#include "guest/src/pmm.h"

#include "guest/src/lib.h"
#include "wire/boot_info.h"

/* One bit per page: free_bm = allocatable, present_bm = RAM. */
static uint64_t free_bm[PMM_MAX_PAGES / 64];
static uint64_t present_bm[PMM_MAX_PAGES / 64];
static uint64_t free_count, total_count, kernel_count, ballooned_count, hot_added_count;

static int test(const uint64_t* bm, uint64_t pfn) { return (bm[pfn / 64] >> (pfn % 64)) & 1; }
static void set(uint64_t* bm, uint64_t pfn) { bm[pfn / 64] |= 1ull << (pfn % 64); }
static void clear(uint64_t* bm, uint64_t pfn) { bm[pfn / 64] &= ~(1ull << (pfn % 64)); }

void pmm_init(const void* boot, uint64_t kernel_end) {
  const hv_boot_info* bi = boot;
  uint32_t n = bi->memory_range_count;
  if (n > HV_BOOT_MAX_MEMORY_RANGES) n = HV_BOOT_MAX_MEMORY_RANGES;
  for (uint32_t i = 0; i < n; ++i) {
    const hv_boot_memory_range* r = &bi->memory_ranges[i];
    uint64_t first = (r->base_gpa + 4095) / 4096, end = (r->base_gpa + r->length) / 4096;
    if (end > PMM_MAX_PAGES) end = PMM_MAX_PAGES;
    for (uint64_t p = first; p < end; ++p) {
      if (test(present_bm, p)) continue;
      set(present_bm, p);
      ++total_count;
      /* Usable RAM above the kernel image is free; everything else is the
       * kernel's (boot area, image, bss, stack). */
      if (r->type == HV_MEMORY_USABLE && p * 4096 >= kernel_end) {
        set(free_bm, p);
        ++free_count;
      } else {
        ++kernel_count;
      }
    }
  }
}

uint64_t pmm_alloc_chunk(void) {
  const uint64_t words = PMM_MAX_PAGES / 64;
  /* First fit from the bottom: recently freed (host-resident) memory is
   * reused before untouched memory, so a balloon after a workload shrinks
   * returns pages the host actually backs. */
  for (uint64_t w = 0; w < words; w += 8) {
    int all = 1;
    for (int j = 0; j < 8 && all; ++j) all = free_bm[w + j] == ~0ull;
    if (!all) continue;
    for (int j = 0; j < 8; ++j) free_bm[w + j] = 0;
    free_count -= PMM_CHUNK_PAGES;
    return w * 64;
  }
  return 0;
}

uint64_t pmm_alloc_page(void) {
  const uint64_t words = PMM_MAX_PAGES / 64;
  for (uint64_t w = 0; w < words; ++w) {
    if (free_bm[w] == 0) continue;
    const uint64_t pfn = w * 64 + (uint64_t)__builtin_ctzll(free_bm[w]);
    clear(free_bm, pfn);
    --free_count;
    return pfn;
  }
  return 0;
}

void pmm_free(uint64_t pfn, uint64_t count) {
  for (uint64_t p = pfn; p < pfn + count && p < PMM_MAX_PAGES; ++p) {
    if (test(present_bm, p) && !test(free_bm, p)) {
      set(free_bm, p);
      ++free_count;
    }
  }
}

void pmm_mark_ballooned(uint64_t pfn, uint64_t count) { ballooned_count += count; }

uint64_t pmm_unballoon(uint64_t pfn, uint64_t count) {
  uint64_t n = 0;
  for (uint64_t p = pfn; p < pfn + count && p < PMM_MAX_PAGES; ++p) {
    if (test(present_bm, p) && !test(free_bm, p)) {
      set(free_bm, p);
      ++free_count;
      ++n;
    }
  }
  ballooned_count = ballooned_count > n ? ballooned_count - n : 0;
  return n;
}

uint64_t pmm_hot_add(uint64_t pfn, uint64_t count) {
  uint64_t n = 0;
  for (uint64_t p = pfn; p < pfn + count && p < PMM_MAX_PAGES; ++p) {
    if (test(present_bm, p)) continue;
    set(present_bm, p);
    set(free_bm, p);
    ++n;
  }
  free_count += n;
  total_count += n;
  hot_added_count += n;
  return n;
}

uint64_t pmm_free_pages(void) { return free_count; }
uint64_t pmm_total_pages(void) { return total_count; }
uint64_t pmm_kernel_pages(void) { return kernel_count; }
uint64_t pmm_ballooned_pages(void) { return ballooned_count; }
uint64_t pmm_hot_added_pages(void) { return hot_added_count; }
