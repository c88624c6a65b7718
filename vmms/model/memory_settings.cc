#include "vmms/model/memory_settings.h"

#include "absl/strings/str_cat.h"

namespace hv::vmms {
namespace {

absl::Status SizeOk(absl::string_view vm, absl::string_view field, uint64_t mib) {
  if (mib < kMemoryFloorMib) {
    return absl::InvalidArgumentError(
        absl::StrCat("vm '", vm, "': ", field, " ", mib, " MiB is below the ", kMemoryFloorMib,
                     " MiB floor"));
  }
  if (mib > kMemoryCeilingMib) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm, "': ", field, " ", mib,
                                                   " MiB is above the ", kMemoryCeilingMib,
                                                   " MiB ceiling"));
  }
  if (mib % kMemoryGranularityMib != 0) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm, "': ", field, " ", mib,
                                                   " MiB is not a multiple of ",
                                                   kMemoryGranularityMib, " MiB"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateMemorySettings(absl::string_view vm, const MemorySettings& s) {
  if (auto st = SizeOk(vm, "startup", s.startup_mib); !st.ok()) return st;
  if (auto st = SizeOk(vm, "minimum", s.minimum_mib); !st.ok()) return st;
  if (auto st = SizeOk(vm, "maximum", s.maximum_mib); !st.ok()) return st;
  if (s.minimum_mib > s.startup_mib) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm, "': minimum ", s.minimum_mib,
                                                   " MiB is above startup ", s.startup_mib,
                                                   " MiB"));
  }
  if (s.startup_mib > s.maximum_mib) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm, "': startup ", s.startup_mib,
                                                   " MiB is above maximum ", s.maximum_mib,
                                                   " MiB"));
  }
  if (s.buffer_percent < kMinBufferPercent || s.buffer_percent > kMaxBufferPercent) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm, "': buffer ", s.buffer_percent,
                                                   " % is outside ", kMinBufferPercent, "..",
                                                   kMaxBufferPercent));
  }
  if (s.weight > kMaxWeight) {
    return absl::InvalidArgumentError(
        absl::StrCat("vm '", vm, "': weight ", s.weight, " is outside 0..", kMaxWeight));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> BytesToMib(absl::string_view field, uint64_t bytes) {
  constexpr uint64_t kMib = 1ull << 20;
  if (bytes % kMib != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " ", bytes, " bytes is not a whole number of MiB"));
  }
  return bytes / kMib;
}

absl::StatusOr<uint32_t> PriorityToWeight(uint32_t priority) {
  if (priority > 100) {
    return absl::InvalidArgumentError(absl::StrCat("priority ", priority, " is outside 0..100"));
  }
  return priority * 100;
}

}  // namespace hv::vmms
