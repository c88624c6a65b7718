// vmwp: the worker process of one VM (see worker/control/worker_process.h).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "worker/control/worker_process.h"

int main(int argc, char** argv) {
  // Debian builds absl without NDEBUG, which leaves Mutex deadlock detection
  // on: every lock then updates one process-wide lock graph under a global
  // lock (absl GraphCycles showed in vmms's profile). The test binaries keep
  // it as a check; the daemons turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<hv::worker::v1::WorkerConfig> config = hv::worker::ConfigFromArgs(args);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\nusage: vmwp --config=FILE [--socket=PATH] [--state-dir=DIR] "
                 "[--restore-from=FILE] [--backend=auto|kvm|tcg] [--start-paused]\n",
                 std::string(config.status().message()).c_str());
    return hv::worker::kExitBadConfig;
  }
  return hv::worker::RunWorkerProcess(*config);
}
