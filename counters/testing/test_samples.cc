#include "counters/testing/test_samples.h"

namespace hv::counters::testing {

VmSample Web1Sample() {
  VmSample s;
  s.time = kT0;
  s.physical_bytes = 512 * kMiB;
  s.guest_visible_bytes = 1024 * kMiB;
  s.committed_bytes = 425 * kMiB;  // 83 % of 512 MB (83.01)
  s.guest_available_bytes = 87 * kMiB;
  s.added_bytes_total = 640 * kMiB;
  s.removed_bytes_total = 128 * kMiB;
  s.add_operations_total = 5;
  s.remove_operations_total = 2;
  return s;
}

bool HasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace hv::counters::testing
