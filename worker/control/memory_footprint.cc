#include "worker/control/memory_footprint.h"

#include <malloc.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hv::worker {

absl::Status ReduceWorkerFootprint(hv::shim::BackendKind backend, const FootprintOptions& options) {
  // Huge pages first: a sanitizer's allocator refuses mallopt (returns 0).
  if (options.tcg_without_huge_pages && backend == hv::shim::BackendKind::kTcg &&
      prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
    return absl::InternalError(
        absl::StrCat("vmwp: prctl(PR_SET_THP_DISABLE) for the tcg backend: ", std::strerror(errno)));
  }
  if (options.malloc_arena_max > 0 && mallopt(M_ARENA_MAX, options.malloc_arena_max) != 1) {
    return absl::InternalError(
        absl::StrCat("vmwp: mallopt(M_ARENA_MAX, ", options.malloc_arena_max, ") refused"));
  }
  return absl::OkStatus();
}

}  // namespace hv::worker
