// StatusStream: vmms's reader of one worker's WatchStatus stream, on gRPC's
// callback API. It has no thread of its own: gRPC's few callback threads run
// every stream of every worker (a blocking reader thread per worker meant 500
// threads at 500 VMs; vmms's wake-ups went from 8.2 to 6.2-6.6 per VM per
// second, tests/bench/scale/wakeups.sh 20 30, docs/scale finding 8).
//
// When the stream ends while not stopped (the worker is shutting down, or a
// transient error) it is opened again after `retry_delay`; the worker's exit
// itself is reported elsewhere (the process watcher).
//
// Thread-safe. `on_report` runs on gRPC threads, one report at a time and in
// order; it must not block for long and must not call Stop.
#ifndef HV_VMMS_LAUNCHER_STATUS_STREAM_H_
#define HV_VMMS_LAUNCHER_STATUS_STREAM_H_

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"
#include "hv/worker/v1/worker.grpc.pb.h"

namespace hv::vmms {

class StatusStream {
 public:
  using OnReport = std::function<void(const ::hv::worker::v1::StatusReport&)>;

  // `stub` must outlive the stream (or its Stop).
  StatusStream(::hv::worker::v1::Worker::Stub* stub, OnReport on_report,
               absl::Duration retry_delay = absl::Milliseconds(200));
  // Stops.
  ~StatusStream();
  StatusStream(const StatusStream&) = delete;
  StatusStream& operator=(const StatusStream&) = delete;

  // Opens the stream. Once only.
  void Start();
  // Cancels the stream or a pending reopen and waits until no callback of
  // this stream runs or will run. Idempotent. Not from `on_report`.
  void Stop();

  // Streams opened so far (1 + reopens), for tests.
  int opens() const;

 private:
  class Call;
  // Makes the next call (begun by the caller after unlocking mu_).
  Call* NewCall() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Report(const ::hv::worker::v1::StatusReport& report);
  void CallDone();
  void RetryDue(bool fired);

  ::hv::worker::v1::Worker::Stub* const stub_;
  const OnReport on_report_;
  const absl::Duration retry_delay_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The open call or the pending reopen: at most one at a time (0 or 1).
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  int opens_ ABSL_GUARDED_BY(mu_) = 0;
  // Replaced only while !stopping_ and only once the previous one has
  // finished, so Stop may use them outside mu_ after setting stopping_.
  std::unique_ptr<Call> call_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<grpc::Alarm> retry_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::vmms

#endif  // HV_VMMS_LAUNCHER_STATUS_STREAM_H_
