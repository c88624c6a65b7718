#include "vmms/launcher/status_stream.h"

#include <utility>

#include "grpcpp/client_context.h"
#include "grpcpp/support/client_callback.h"

namespace hv::vmms {

namespace wv1 = ::hv::worker::v1;

// One WatchStatus call. gRPC calls OnReadDone for each report and OnDone last.
class StatusStream::Call : public grpc::ClientReadReactor<wv1::StatusReport> {
 public:
  explicit Call(StatusStream* owner) : owner_(owner) {}

  void Begin(wv1::Worker::Stub* stub) {
    stub->async()->WatchStatus(&ctx_, &request_, this);
    StartRead(&report_);
    StartCall();
  }
  void Cancel() { ctx_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream ended; OnDone follows
    owner_->Report(report_);
    StartRead(&report_);
  }
  void OnDone(const grpc::Status&) override { owner_->CallDone(); }

 private:
  StatusStream* const owner_;
  grpc::ClientContext ctx_;
  wv1::WatchStatusRequest request_;
  wv1::StatusReport report_;
};

StatusStream::StatusStream(wv1::Worker::Stub* stub, OnReport on_report,
                           absl::Duration retry_delay)
    : stub_(stub), on_report_(std::move(on_report)), retry_delay_(retry_delay) {}

StatusStream::~StatusStream() { Stop(); }

void StatusStream::Start() {
  Call* call;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || opens_ > 0) return;
    ++pending_;
    call = NewCall();
  }
  call->Begin(stub_);
}

StatusStream::Call* StatusStream::NewCall() {
  // The previous call (if any) has finished: its OnDone scheduled this reopen.
  call_ = std::make_unique<Call>(this);
  ++opens_;
  return call_.get();
}

void StatusStream::Report(const wv1::StatusReport& report) {
  if (on_report_) on_report_(report);
}

void StatusStream::CallDone() {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    --pending_;
    return;
  }
  // The pending count passes from the call to the reopen. The call object
  // stays until the reopen replaces it (this runs inside its OnDone).
  retry_ = std::make_unique<grpc::Alarm>();
  retry_->Set(absl::ToChronoTime(absl::Now() + retry_delay_), [this](bool fired) { RetryDue(fired); });
}

void StatusStream::RetryDue(bool fired) {
  Call* call;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ || !fired) {
      --pending_;
      return;
    }
    call = NewCall();  // the pending count passes from the reopen to the call
  }
  call->Begin(stub_);
}

void StatusStream::Stop() {
  Call* call;
  grpc::Alarm* retry;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    call = call_.get();
    retry = retry_.get();
  }
  // Outside mu_: gRPC may run callbacks (which take mu_) at the end of an API
  // call, on the calling thread; Begin is called outside mu_ for the same
  // reason (a call that fails at once ends in OnDone right there). With
  // stopping_ set, neither object is replaced, so both pointers stay valid.
  if (call != nullptr) call->Cancel();
  if (retry != nullptr) retry->Cancel();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* pending) { return *pending == 0; }, &pending_));
}

int StatusStream::opens() const {
  absl::MutexLock lock(&mu_);
  return opens_;
}

}  // namespace hv::vmms
