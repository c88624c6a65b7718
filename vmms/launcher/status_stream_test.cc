#include "vmms/launcher/status_stream.h"

#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/grpc/server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

namespace wv1 = ::hv::worker::v1;

// A worker whose WatchStatus sends `per_stream` reports numbered from a
// running counter, then either ends the stream or holds it open until the
// client cancels.
class FakeWorker : public wv1::Worker::Service {
 public:
  FakeWorker(int per_stream, bool end_streams) : per_stream_(per_stream), end_(end_streams) {}

  grpc::Status WatchStatus(grpc::ServerContext* ctx, const wv1::WatchStatusRequest*,
                           grpc::ServerWriter<wv1::StatusReport>* writer) override {
    streams_.fetch_add(1);
    for (int i = 0; i < per_stream_; ++i) {
      wv1::StatusReport r;
      r.set_assigned_mib(next_.fetch_add(1));
      if (!writer->Write(r)) return grpc::Status::CANCELLED;
    }
    if (end_) return grpc::Status::OK;
    while (!ctx->IsCancelled()) absl::SleepFor(absl::Milliseconds(2));
    cancelled_.fetch_add(1);
    return grpc::Status::CANCELLED;
  }

  int streams() const { return streams_.load(); }
  int cancelled() const { return cancelled_.load(); }

 private:
  const int per_stream_;
  const bool end_;
  std::atomic<int> next_{1};
  std::atomic<int> streams_{0};
  std::atomic<int> cancelled_{0};
};

class StatusStreamTest : public ::testing::Test {
 protected:
  void Serve(FakeWorker* worker) {
    char dir[] = "/tmp/status_stream_testXXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    ServerOptions o;
    o.addresses = {"unix:" + dir_ + "/w.sock"};
    o.services = {worker};
    absl::StatusOr<StartedServer> s = StartServer(o);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    stub_ = wv1::Worker::NewStub(grpc::CreateChannel(o.addresses[0], grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_.server) server_.server->Shutdown(std::chrono::system_clock::now());
    unlink((dir_ + "/w.sock").c_str());
    rmdir(dir_.c_str());
  }
  // Records every report's assigned_mib.
  StatusStream::OnReport Recorder() {
    return [this](const wv1::StatusReport& r) {
      absl::MutexLock lock(&mu_);
      seen_.push_back(static_cast<int>(r.assigned_mib()));
    };
  }
  bool WaitForReports(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return seen_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(30));
  }
  std::vector<int> Seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

  std::string dir_;
  StartedServer server_;
  std::unique_ptr<wv1::Worker::Stub> stub_;
  absl::Mutex mu_;
  std::vector<int> seen_ ABSL_GUARDED_BY(mu_);
};

TEST_F(StatusStreamTest, DeliversReportsInOrderAndStopCancelsTheStream) {
  FakeWorker worker(/*per_stream=*/5, /*end_streams=*/false);
  Serve(&worker);
  StatusStream stream(stub_.get(), Recorder());
  stream.Start();
  ASSERT_TRUE(WaitForReports(5));
  stream.Stop();
  EXPECT_EQ(Seen(), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(stream.opens(), 1);
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (worker.cancelled() == 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(worker.cancelled(), 1) << "the worker's handler saw the cancel";
}

TEST_F(StatusStreamTest, AnEndedStreamIsOpenedAgainAfterTheRetryDelay) {
  FakeWorker worker(/*per_stream=*/2, /*end_streams=*/true);
  Serve(&worker);
  StatusStream stream(stub_.get(), Recorder(), absl::Milliseconds(20));
  stream.Start();
  ASSERT_TRUE(WaitForReports(6));  // three streams at least
  stream.Stop();
  const std::vector<int> seen = Seen();
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(i) + 1);
  EXPECT_GE(stream.opens(), 3);
  EXPECT_EQ(stream.opens(), worker.streams());
  // Nothing arrives after Stop.
  const size_t after_stop = seen.size();
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(Seen().size(), after_stop);
}

TEST_F(StatusStreamTest, StopWhileTheWorkerIsUnreachableReturns) {
  // No server at all: every call fails at once and is retried until Stop.
  dir_ = "/nonexistent-status-stream-test";
  stub_ = wv1::Worker::NewStub(
      grpc::CreateChannel("unix:" + dir_ + "/w.sock", grpc::InsecureChannelCredentials()));
  StatusStream stream(stub_.get(), Recorder(), absl::Milliseconds(5));
  stream.Start();
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (stream.opens() < 3 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_GE(stream.opens(), 3);
  stream.Stop();
  const int opens = stream.opens();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(stream.opens(), opens) << "no reopen after Stop";
  EXPECT_TRUE(Seen().empty());
}

}  // namespace
}  // namespace hv::vmms
