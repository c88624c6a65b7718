// The vmwp process around one VirtualMachine: command line, per-VM log file,
// process group, signals, the control socket and the exit record.
//
//   vmwp --config=FILE [--socket=PATH] [--state-dir=DIR] [--restore-from=FILE]
//        [--backend=auto|kvm|tcg] [--start-paused]
//
// Hygiene (issue 6): the worker leads its own process group (setpgid; vmms
// also spawns it with setsid), never asks for a parent-death signal (it
// outlives vmms), ignores SIGHUP and SIGPIPE, and stops cleanly on SIGTERM or
// SIGINT (VM off, socket removed, exit 0). Everything it logs goes to
// <state_dir>/vmwp.log (stderr is redirected there), guest serial output
// included. An abnormal end leaves <state_dir>/exit-record.txtpb
// (exit_record.h).
//
// Exit codes: 0 clean stop (SIGTERM, TurnOff, Shutdown, Save); 2 bad command
// line or config; 3 socket in use by a live process; 4 the VM could not be
// built or started; 5 the control server could not start.
#ifndef HV_WORKER_CONTROL_WORKER_PROCESS_H_
#define HV_WORKER_CONTROL_WORKER_PROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv::worker {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBadConfig = 2;
inline constexpr int kExitSocketInUse = 3;
inline constexpr int kExitVmFailed = 4;
inline constexpr int kExitServerFailed = 5;

inline constexpr char kWorkerLogFile[] = "vmwp.log";

// Parses the command line (argv[0] excluded) into a validated config with
// defaults applied. InvalidArgument naming the bad flag or field.
absl::StatusOr<hv::worker::v1::WorkerConfig> ConfigFromArgs(const std::vector<std::string>& args);

// Runs the worker until it stops; returns the process exit code. Blocks
// SIGTERM/SIGINT in the calling thread first, so call it before any other
// thread exists.
int RunWorkerProcess(const hv::worker::v1::WorkerConfig& config);

}  // namespace hv::worker

#endif  // HV_WORKER_CONTROL_WORKER_PROCESS_H_
