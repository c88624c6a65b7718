#include "guest/src/workload.h"

#include "guest/src/hv.h"
#include "guest/src/lib.h"
#include "guest/src/pmm.h"

#define MAX_RUNS 16384
typedef struct run {
  uint64_t pfn;
  uint64_t count;
} run;
static run runs[MAX_RUNS];
static uint32_t nruns;
static uint64_t held, wanted, progress, failures, commands;

enum mode { kHold, kRamp, kSpike, kSawtooth, kWalk };
static enum mode mode = kHold;
static uint64_t p1, p2, p3, p4, period, next_at, cur, phase, rng;

static void touch(uint64_t pfn, uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    *(volatile uint64_t*)((pfn + i) * 4096) = ++progress;
  }
}

static int push(uint64_t pfn, uint64_t count) {
  if (nruns > 0 && runs[nruns - 1].pfn + runs[nruns - 1].count == pfn) {
    runs[nruns - 1].count += count;
  } else if (nruns < MAX_RUNS) {
    runs[nruns].pfn = pfn;
    runs[nruns].count = count;
    ++nruns;
  } else {
    pmm_free(pfn, count);
    return -1;
  }
  held += count;
  touch(pfn, count);
  return 0;
}

static void grow(uint64_t pages) {
  while (pages >= PMM_CHUNK_PAGES) {
    const uint64_t pfn = pmm_alloc_chunk();
    if (!pfn) break;
    if (push(pfn, PMM_CHUNK_PAGES) < 0) return;
    pages -= PMM_CHUNK_PAGES;
  }
  while (pages > 0) {
    const uint64_t pfn = pmm_alloc_page();
    if (!pfn) {
      ++failures;
      return;
    }
    if (push(pfn, 1) < 0) return;
    --pages;
  }
}

static void shrink(uint64_t pages) {
  while (pages > 0 && nruns > 0) {
    run* r = &runs[nruns - 1];
    const uint64_t n = pages < r->count ? pages : r->count;
    pmm_free(r->pfn + r->count - n, n);
    r->count -= n;
    held -= n;
    pages -= n;
    if (r->count == 0) --nruns;
  }
}

static void set_target_mib(uint64_t mib) {
  wanted = mib * 256;
  if (wanted > held) grow(wanted - held);
  else if (wanted < held) shrink(held - wanted);
}

static int starts(const char** s, const char* word) {
  const size_t n = strlen(word);
  if (memcmp(*s, word, n) != 0 || ((*s)[n] != ' ' && (*s)[n] != 0)) return 0;
  *s += n;
  return 1;
}

int workload_command(const char* text) {
  const char* s = text;
  ++commands;
  while (*s == ' ') ++s;
  if (starts(&s, "alloc")) {
    mode = kHold;
    set_target_mib(held / 256 + parse_u64(&s));
  } else if (starts(&s, "free")) {
    const uint64_t n = parse_u64(&s);
    mode = kHold;
    set_target_mib(held / 256 > n ? held / 256 - n : 0);
  } else if (starts(&s, "touch")) {
    for (uint32_t i = 0; i < nruns; ++i) touch(runs[i].pfn, runs[i].count);
  } else if (starts(&s, "hold")) {
    mode = kHold;
  } else if (starts(&s, "ramp")) {
    p1 = parse_u64(&s), p2 = parse_u64(&s), p3 = parse_u64(&s), period = parse_u64(&s);
    mode = kRamp, cur = p1, next_at = 0;
  } else if (starts(&s, "spike")) {
    p1 = parse_u64(&s), p2 = parse_u64(&s), period = parse_u64(&s);
    mode = kSpike, phase = 0, next_at = 0;
  } else if (starts(&s, "sawtooth")) {
    p1 = parse_u64(&s), p2 = parse_u64(&s), period = parse_u64(&s);
    mode = kSawtooth, cur = p1, next_at = 0;
  } else if (starts(&s, "walk")) {
    rng = parse_u64(&s) | 1, p1 = parse_u64(&s), p2 = parse_u64(&s), p4 = parse_u64(&s);
    period = 500, mode = kWalk, cur = (p1 + p2) / 2, next_at = 0;
  } else {
    kprintf("workload: unknown command '%s'\n", text);
    return -1;
  }
  if (period == 0) period = 1000;
  return 0;
}

/* Memory the workload asked for but could not get (the guest was full) is
 * asked for again every 100 ms, as a process whose pages fault in gets them
 * once the host has added memory. Returns when to try again, or ~0. */
static uint64_t retry_short(uint64_t now) {
  static uint64_t retry_at;
  if (held >= wanted) return ~0ull;
  if (now >= retry_at) {
    grow(wanted - held);
    retry_at = now + 100 * HV_MS;
  }
  return held < wanted ? retry_at : ~0ull;
}

uint64_t workload_step(uint64_t now) {
  const uint64_t retry = retry_short(now);
  if (mode == kHold) return retry;
  if (now < next_at) return next_at < retry ? next_at : retry;
  next_at = now + period * HV_MS;
  switch (mode) {
    case kRamp:
      set_target_mib(cur);
      if (cur == p2) mode = kHold;
      else if (p1 < p2) cur = cur + p3 < p2 ? cur + p3 : p2;
      else cur = cur > p2 + p3 ? cur - p3 : p2;
      break;
    case kSpike:
      set_target_mib(phase++ % 2 ? p2 : p1);
      break;
    case kSawtooth: {
      set_target_mib(cur);
      const uint64_t step = (p2 - p1) / 8 ? (p2 - p1) / 8 : 1;
      cur = cur + step > p2 ? p1 : cur + step;
      break;
    }
    case kWalk: {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      if (rng & 1) cur = cur + p4 > p2 ? p2 : cur + p4;
      else cur = cur < p1 + p4 ? p1 : cur - p4;
      set_target_mib(cur);
      break;
    }
    default:
      break;
  }
  return next_at;
}

void workload_fill_status(hv_workload_status* s) {
  uint64_t high = 0;
  for (uint32_t i = 0; i < nruns; ++i) {
    if (runs[i].pfn + runs[i].count > high) high = runs[i].pfn + runs[i].count;
  }
  s->type = HV_WORKLOAD_MSG_STATUS;
  s->commands_done = (uint32_t)commands;
  s->progress = progress;
  s->held_pages = held;
  s->wanted_pages = wanted;
  s->high_pfn = high;
  s->alloc_failures = failures;
  s->total_pages = pmm_total_pages();
  s->ballooned_pages = pmm_ballooned_pages();
  s->free_pages = pmm_free_pages();
}

uint64_t workload_held_pages(void) { return held; }

uint64_t workload_demand_pages(void) { return held > wanted ? held : wanted; }
