#include "common/grpc/arena_message_allocator.h"

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/grpc/server.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "hv/worker/v1/worker.grpc.pb.h"

namespace hv {
namespace {

namespace pb = worker::v1;

// GetState through the callback API with its messages on arenas.
class ArenaWorker final : public pb::Worker::WithCallbackMethod_GetState<pb::Worker::Service> {
 public:
  ArenaWorker() { SetMessageAllocatorFor_GetState(&allocator); }

  grpc::ServerUnaryReactor* GetState(grpc::CallbackServerContext* ctx, const pb::GetStateRequest* req,
                                     pb::WorkerInfo* info) override {
    if (req->GetArena() == nullptr || info->GetArena() != req->GetArena()) off_arena.store(true);
    // Larger than the holder's first block, so the arena must grow.
    info->set_vm_id(std::string(20000, 'x'));
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  ArenaMessageAllocator<pb::GetStateRequest, pb::WorkerInfo> allocator;
  std::atomic<bool> off_arena{false};
};

TEST(ArenaMessageAllocator, EachCallGetsOneArenaThatIsFreedWhenTheCallEnds) {
  ArenaWorker service;
  ServerOptions options;
  options.addresses = {"127.0.0.1:0"};
  options.services = {&service};
  absl::StatusOr<StartedServer> started = StartServer(options);
  ASSERT_TRUE(started.ok()) << started.status();
  auto stub = pb::Worker::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", started->tcp_ports[0]), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    pb::WorkerInfo info;
    grpc::Status s = stub->GetState(&ctx, pb::GetStateRequest(), &info);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(info.vm_id().size(), 20000u);
  }
  started->server->Shutdown();
  started->server->Wait();
  EXPECT_FALSE(service.off_arena.load()) << "a request or response was not on the call's arena";
  EXPECT_EQ(service.allocator.allocated(), 3u);
  EXPECT_EQ(service.allocator.released(), 3u) << "a call's arena was never freed";
}

}  // namespace
}  // namespace hv
