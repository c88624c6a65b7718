// ArenaMessageAllocator: gives each call of a callback-API unary method its
// request and response on one protobuf arena, freed in one step when gRPC
// releases the call. A response of many small messages (a CIM instance: a
// Property, a CimValue and a CimScalar per property) then costs no malloc or
// free per part (docs/scale/README.md finding 5).
//
// Use: a member of the service, installed with the generated
// `SetMessageAllocatorFor_<Method>(&allocator)`; it must outlive the server.
// The handler must build the response in place (into the arena message), not
// assign a heap message to it, which would copy.
// Thread-safe: gRPC calls AllocateMessages from any thread; the counters are
// atomics.
#ifndef HV_COMMON_GRPC_ARENA_MESSAGE_ALLOCATOR_H_
#define HV_COMMON_GRPC_ARENA_MESSAGE_ALLOCATOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"

namespace hv {

template <typename Request, typename Response>
class ArenaMessageAllocator : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    allocated_.fetch_add(1, std::memory_order_relaxed);
    return new Holder(&released_);
  }

  // Calls given messages so far, and those whose messages were freed again.
  uint64_t allocated() const { return allocated_.load(std::memory_order_relaxed); }
  uint64_t released() const { return released_.load(std::memory_order_relaxed); }

 private:
  // The first arena block lives in the holder itself, so a call whose
  // messages fit in it makes one allocation (the holder); bigger ones grow
  // the arena as usual.
  static constexpr size_t kInitialBlock = 8192;

  class Holder : public grpc::MessageHolder<Request, Response> {
   public:
    explicit Holder(std::atomic<uint64_t>* released)
        : arena_(Options(block_)), released_(released) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override {
      released_->fetch_add(1, std::memory_order_relaxed);
      delete this;
    }

   private:
    static google::protobuf::ArenaOptions Options(char* block) {
      google::protobuf::ArenaOptions o;
      o.initial_block = block;
      o.initial_block_size = kInitialBlock;
      return o;
    }
    alignas(std::max_align_t) char block_[kInitialBlock];
    google::protobuf::Arena arena_;  // after block_: destroyed before it
    std::atomic<uint64_t>* const released_;
  };

  std::atomic<uint64_t> allocated_{0};
  std::atomic<uint64_t> released_{0};
};

}  // namespace hv

#endif  // HV_COMMON_GRPC_ARENA_MESSAGE_ALLOCATOR_H_
