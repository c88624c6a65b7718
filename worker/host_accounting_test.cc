#include "worker/host_accounting.h"

#include <unistd.h>

#include <vector>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(HostAccounting, RssGrowsWhenMemoryIsTouched) {
  absl::StatusOr<uint64_t> before = ProcessRssBytes();
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<char> block(64 << 20, 1);  // touched
  absl::StatusOr<uint64_t> after = ProcessRssBytes();
  ASSERT_TRUE(after.ok());
  EXPECT_GE(*after, *before + (48u << 20));
  EXPECT_EQ(block[12345], 1);
}

TEST(HostAccounting, PssOfThisProcessIsPositiveAndGoneProcessIsNotFound) {
  absl::StatusOr<uint64_t> pss = ProcessPssBytes(getpid());
  ASSERT_TRUE(pss.ok()) << pss.status();
  EXPECT_GT(*pss, 0u);
  EXPECT_EQ(ProcessPssBytes(999999999).status().code(), absl::StatusCode::kNotFound);
}

TEST(HostAccounting, CpuTimeAdvancesAndOverheadClamps) {
  const uint64_t t0 = ProcessCpuTimeUs();
  volatile uint64_t x = 0;
  for (uint64_t i = 0; i < 200000000 && ProcessCpuTimeUs() < t0 + 20000; ++i) x += i;
  EXPECT_GT(ProcessCpuTimeUs(), t0);
  EXPECT_EQ(WorkerOverheadBytes(100, 30), 70u);
  EXPECT_EQ(WorkerOverheadBytes(30, 100), 0u);
}

}  // namespace
}  // namespace hv::worker
