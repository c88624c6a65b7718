// ExitRecorder: leaves <state_dir>/exit-record.txtpb (hv.worker.v1.ExitRecord,
// text proto) when the worker ends abnormally, so vmms can read what happened
// after the process is gone. Written atomically: a temp file in the same
// directory, fsync, rename.
//
// Abnormal ends: a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT:
// recorded from an async-signal-safe handler, then the signal is re-raised
// with its default action so the exit status still says "killed by signal"),
// a guest crash (triple fault, fatal exit; the worker keeps running) and an
// internal error. A clean stop calls Clear().
//
// Thread safety: Write/Clear are thread-safe (serialised). The fatal-signal
// handler uses one process-wide pointer (a signal handler has no other way
// to find its recorder): at most one recorder may install handlers.
#ifndef HV_WORKER_EXIT_RECORD_H_
#define HV_WORKER_EXIT_RECORD_H_

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv::worker {

inline constexpr char kExitRecordFile[] = "exit-record.txtpb";

class ExitRecorder {
 public:
  ExitRecorder(std::string state_dir, std::string vm_id, std::string vm_name);
  ~ExitRecorder();  // uninstalls the signal handlers if installed
  ExitRecorder(const ExitRecorder&) = delete;
  ExitRecorder& operator=(const ExitRecorder&) = delete;

  std::string path() const;

  // Fills vm_id, vm_name, pid and timestamp if unset and writes the record
  // atomically. Internal with errno text on an I/O failure.
  absl::Status Write(hv::worker::v1::ExitRecord record);
  // Convenience for a non-signal record.
  absl::Status Record(std::string_view reason, std::string_view message);
  // Removes a record (a clean stop, or a fresh start). OK if none exists.
  absl::Status Clear();

  // Lets the fatal-signal record name the VM state at the time. Lock-free.
  void set_last_state(hv::worker::v1::VmState state) { last_state_.store(state); }

  // Installs the fatal-signal handlers (see the file comment).
  // FailedPrecondition if another recorder already did.
  absl::Status InstallFatalSignalHandlers();

 private:
  static void OnFatalSignal(int sig);
  void WriteFromSignal(int sig);

  const std::string state_dir_;
  const std::string vm_id_;
  const std::string vm_name_;
  std::string final_path_;
  std::string signal_tmp_path_;  // preformatted for the handler
  std::atomic<int> last_state_{0};
  bool installed_ = false;
  absl::Mutex mu_;
};

// Reads a record back (vmms side and tests). NotFound if there is none.
absl::StatusOr<hv::worker::v1::ExitRecord> ReadExitRecord(const std::string& state_dir);

}  // namespace hv::worker

#endif  // HV_WORKER_EXIT_RECORD_H_
