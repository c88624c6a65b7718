/* Physical page allocator (4 KiB frames) of the reference guest. Knows three
 * page states besides "in use": free, ballooned (given to the host, never
 * touched), and absent (not RAM: above the boot memory until hot-added).
 * Prefers 2 MiB aligned runs so the balloon and the workload keep the host's
 * memory map coarse (software-cpu.md §7.7). */
#ifndef HV_GUEST_PMM_H_
#define HV_GUEST_PMM_H_

#include <stdint.h>

/* Largest guest physical address the allocator can track (8 GiB). */
#define PMM_MAX_PAGES (8ull << 30 >> 12)
#define PMM_CHUNK_PAGES 512ull /* 2 MiB */

void pmm_init(const void* boot_info, uint64_t kernel_end);
/* Allocates one aligned 2 MiB run; returns its first PFN or 0. */
uint64_t pmm_alloc_chunk(void);
/* Allocates one page; returns its PFN or 0. */
uint64_t pmm_alloc_page(void);
void pmm_free(uint64_t pfn, uint64_t count);
/* Balloon bookkeeping: pages leave (allocated -> ballooned) and return
 * (ballooned -> free). Returns pages actually changed. */
void pmm_mark_ballooned(uint64_t pfn, uint64_t count);
uint64_t pmm_unballoon(uint64_t pfn, uint64_t count);
/* Hot-add: pages [pfn, pfn+count) become RAM and free. Returns pages added
 * (0 if the range is beyond PMM_MAX_PAGES or already present). */
uint64_t pmm_hot_add(uint64_t pfn, uint64_t count);

uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);     /* RAM pages (boot + hot-added) */
uint64_t pmm_kernel_pages(void);    /* reserved at boot: image, tables, stacks */
uint64_t pmm_ballooned_pages(void);
uint64_t pmm_hot_added_pages(void);

#endif /* HV_GUEST_PMM_H_ */
