// vmms: the daemon. See `vmms --help` and docs/ARCHITECTURE.md.
// Logs are structured: one `key=value` line per event on stderr.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "counters/malloc_tuning.h"
#include "vmms/config.h"
#include "vmms/service/vmms_server.h"

namespace {

void Log(const std::string& event, const std::string& fields) {
  std::fprintf(stderr, "ts=%lld component=vmms event=%s %s\n",
               static_cast<long long>(absl::ToUnixMillis(absl::Now())), event.c_str(), fields.c_str());
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

int main(int argc, char** argv) {
  // Debian builds absl without NDEBUG, which leaves Mutex deadlock detection
  // on: every lock then updates one process-wide lock graph under a global
  // lock (absl GraphCycles showed in vmms's profile). The test binaries keep
  // it as a check; the daemons turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << hv::vmms::ConfigHelp();
      return 0;
    }
  }
  std::string program_dir = std::filesystem::canonical("/proc/self/exe").parent_path().string();
  absl::StatusOr<hv::vmms::VmmsConfig> config = hv::vmms::ParseConfig(args, program_dir);
  if (!config.ok()) {
    Log("config_error", "error=" + Quote(std::string(config.status().message())));
    std::cerr << hv::vmms::ConfigHelp();
    return 2;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string text((std::istreambuf_iterator<char>(meminfo)), {});
  if (absl::Status s = hv::vmms::ResolveMemoryDefaults(*config, text); !s.ok()) {
    Log("config_error", "error=" + Quote(std::string(s.message())));
    return 2;
  }
  // Signals are taken synchronously by this thread; every other thread
  // inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // prometheus-cpp grows 1 MB buffers per scrape; without this each lands on a
  // fresh mmap and page faults dominate a 1,000-VM scrape (counters/README.md).
  hv::counters::TuneMallocForScrapes();

  absl::StatusOr<std::unique_ptr<hv::vmms::VmmsServer>> server = hv::vmms::VmmsServer::Start(*config);
  if (!server.ok()) {
    Log("start_failed", "error=" + Quote(std::string(server.status().message())));
    return 1;
  }
  Log("started", "pid=" + std::to_string(getpid()) + " grpc=" +
                     Quote(absl::StrJoin(config->listen, ",")) + " grpc_port=" +
                     std::to_string((*server)->grpc_port()) + " metrics=http://127.0.0.1:" +
                     std::to_string((*server)->metrics_port()) + "/metrics database=" +
                     Quote(config->database) + " budget_mib=" + std::to_string(config->budget_mib) +
                     " host_reserve_mib=" + std::to_string(config->host_reserve_mib));
  int sig = 0;
  sigwait(&set, &sig);
  Log("stopping", "signal=" + std::to_string(sig) + " on_exit=" + config->on_exit);
  (*server)->Stop();
  Log("stopped", "");
  return 0;
}
