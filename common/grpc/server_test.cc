#include "common/grpc/server.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "absl/synchronization/mutex.h"
#include "hv/worker/v1/worker.grpc.pb.h"

namespace hv {
namespace {

class TinyWorker final : public worker::v1::Worker::Service {
  grpc::Status GetState(grpc::ServerContext*, const worker::v1::GetStateRequest*,
                        worker::v1::WorkerInfo* info) override {
    info->set_vm_id("vm-1");
    return grpc::Status::OK;
  }
  grpc::Status Pause(grpc::ServerContext*, const worker::v1::PauseRequest*,
                     worker::v1::StateResponse*) override {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "vm 'web1': cannot Pause from Off");
  }
};

TEST(StartServer, ServesHealthOnLoopbackPortZero) {
  TinyWorker service;
  ServerOptions options;
  options.addresses = {"127.0.0.1:0"};
  options.services = {&service};
  absl::StatusOr<StartedServer> started = StartServer(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_EQ(started->tcp_ports.size(), 1u);
  EXPECT_GT(started->tcp_ports[0], 0);
  ASSERT_NE(started->server->GetHealthCheckService(), nullptr);

  // The standard grpc.health.v1 service answers (raw call; no generated stub needed).
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", started->tcp_ports[0]),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  EXPECT_TRUE(channel->WaitForConnected(gpr_time_add(
      gpr_now(GPR_CLOCK_REALTIME), gpr_time_from_seconds(5, GPR_TIMESPAN))));
  started->server->Shutdown();
}

TEST(StartServer, RefusesEmptyAddressList) {
  absl::StatusOr<StartedServer> started = StartServer(ServerOptions{});
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StartServer, RefusesAServerWithoutServicesNamingItsAddress) {
  ServerOptions options;
  options.addresses = {"127.0.0.1:0"};
  absl::StatusOr<StartedServer> started = StartServer(options);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(started.status().message().find("127.0.0.1:0"), absl::string_view::npos)
      << started.status();
}

TEST(StartServer, SecondBindOfSamePortFailsWithAddressInMessage) {
  TinyWorker service;
  ServerOptions first;
  first.addresses = {"127.0.0.1:0"};
  first.services = {&service};
  absl::StatusOr<StartedServer> a = StartServer(first);
  ASSERT_TRUE(a.ok());
  ServerOptions second;
  std::string taken = absl::StrCat("127.0.0.1:", a->tcp_ports[0]);
  second.addresses = {taken};
  second.services = {&service};
  absl::StatusOr<StartedServer> b = StartServer(second);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(b.status().message()).find(taken), std::string::npos);
  a->server->Shutdown();
}


TEST(StartServer, ReportsEveryFinishedCallWithCodeAndLatency) {
  absl::Mutex mu;
  std::vector<std::pair<std::string, absl::StatusCode>> calls;
  TinyWorker service;
  ServerOptions options;
  options.addresses = {"127.0.0.1:0"};
  options.services = {&service};
  options.on_call_finished = [&](absl::string_view method, absl::StatusCode code, absl::Duration latency) {
    EXPECT_GE(latency, absl::ZeroDuration());
    absl::MutexLock lock(&mu);
    calls.emplace_back(std::string(method), code);
  };
  absl::StatusOr<StartedServer> started = StartServer(options);
  ASSERT_TRUE(started.ok()) << started.status();
  auto stub = worker::v1::Worker::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", started->tcp_ports[0]), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext ctx;
    worker::v1::WorkerInfo info;
    ASSERT_TRUE(stub->GetState(&ctx, {}, &info).ok());
  }
  {
    grpc::ClientContext ctx;
    worker::v1::StateResponse r;
    EXPECT_EQ(stub->Pause(&ctx, {}, &r).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  started->server->Shutdown();
  absl::MutexLock lock(&mu);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].first, "/hv.worker.v1.Worker/GetState");
  EXPECT_EQ(calls[0].second, absl::StatusCode::kOk);
  EXPECT_EQ(calls[1].first, "/hv.worker.v1.Worker/Pause");
  EXPECT_EQ(calls[1].second, absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hv
