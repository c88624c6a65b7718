#include "common/grpc/server.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace hv {
namespace {

TEST(StartServer, ServesHealthOnLoopbackPortZero) {
  ServerOptions options;
  options.addresses = {"127.0.0.1:0"};
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

TEST(StartServer, SecondBindOfSamePortFailsWithAddressInMessage) {
  ServerOptions first;
  first.addresses = {"127.0.0.1:0"};
  absl::StatusOr<StartedServer> a = StartServer(first);
  ASSERT_TRUE(a.ok());
  ServerOptions second;
  std::string taken = absl::StrCat("127.0.0.1:", a->tcp_ports[0]);
  second.addresses = {taken};
  absl::StatusOr<StartedServer> b = StartServer(second);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(b.status().message()).find(taken), std::string::npos);
  a->server->Shutdown();
}

}  // namespace
}  // namespace hv
