#include "counters/malloc_tuning.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "gtest/gtest.h"

namespace hv::counters {
namespace {

TEST(MallocTuning, DefaultsAreAccepted) { EXPECT_TRUE(TuneMallocForScrapes().ok()); }

// After tuning, a 1 MiB block comes from the heap, not from an mmap.
TEST(MallocTuning, LargeBlocksStayOnTheHeap) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's allocator replaces glibc malloc";
#endif
  ASSERT_TRUE(TuneMallocForScrapes().ok());
  const size_t mmapped_before = mallinfo2().hblkhd;
  void* p = std::malloc(1 << 20);
  ASSERT_NE(p, nullptr);
  std::memset(p, 1, 1 << 20);
  EXPECT_EQ(mallinfo2().hblkhd, mmapped_before);
  std::free(p);
}

// mallopt takes an int: larger values are refused, naming the setting.
TEST(MallocTuning, ValueBeyondIntIsInvalidArgument) {
  absl::Status s = TuneMallocForScrapes({.mmap_threshold = size_t{1} << 40});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("M_MMAP_THRESHOLD"), absl::string_view::npos) << s;
  s = TuneMallocForScrapes({.trim_threshold = size_t{1} << 40});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("M_TRIM_THRESHOLD"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace hv::counters
