#include "vmms/model/memory_settings.h"

#include <string>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

MemorySettings Dm(uint64_t min, uint64_t startup, uint64_t max, uint32_t buffer = 20,
                  uint32_t weight = 5000) {
  return {true, startup, min, max, buffer, weight};
}

struct BadCase {
  MemorySettings settings;
  std::string message;
};

TEST(MemorySettings, AcceptsHyperVDefaults) {
  EXPECT_TRUE(ValidateMemorySettings("web1", MemorySettings{}).ok());
  EXPECT_TRUE(ValidateMemorySettings("web1", Dm(512, 1024, 4096, 5, 0)).ok());
  EXPECT_TRUE(ValidateMemorySettings("web1", Dm(1024, 1024, 1024, 2000, 10000)).ok());
}

TEST(MemorySettings, RefusesEachBrokenRuleNamingIt) {
  const BadCase cases[] = {
      {Dm(2048, 1024, 4096), "vm 'web1': minimum 2048 MiB is above startup 1024 MiB"},
      {Dm(512, 8192, 4096), "vm 'web1': startup 8192 MiB is above maximum 4096 MiB"},
      {Dm(512, 1024, 4096, 4), "vm 'web1': buffer 4 % is outside 5..2000"},
      {Dm(512, 1024, 4096, 2001), "vm 'web1': buffer 2001 % is outside 5..2000"},
      {Dm(512, 1024, 4096, 20, 10001), "vm 'web1': weight 10001 is outside 0..10000"},
      {Dm(16, 1024, 4096), "vm 'web1': minimum 16 MiB is below the 32 MiB floor"},
      {Dm(513, 1024, 4096), "vm 'web1': minimum 513 MiB is not a multiple of 2 MiB"},
      {Dm(512, 1024, 2 * 1024 * 1024), "vm 'web1': maximum 2097152 MiB is above the 1048576 MiB ceiling"},
  };
  for (const BadCase& c : cases) {
    absl::Status s = ValidateMemorySettings("web1", c.settings);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST(MemorySettings, BytesMustBeWholeMib) {
  EXPECT_EQ(*BytesToMib("StartupBytes", 512ull << 20), 512u);
  absl::StatusOr<uint64_t> bad = BytesToMib("StartupBytes", (512ull << 20) + 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "StartupBytes 536870913 bytes is not a whole number of MiB");
}

TEST(MemorySettings, PriorityMapsToWeight) {
  EXPECT_EQ(*PriorityToWeight(0), 0u);
  EXPECT_EQ(*PriorityToWeight(50), 5000u);
  EXPECT_EQ(*PriorityToWeight(100), 10000u);
  EXPECT_FALSE(PriorityToWeight(101).ok());
}

}  // namespace
}  // namespace hv::vmms
