// The hv.cim.v1.CimService gRPC adapter: protos <-> cim-schema types, the
// schema pin from request metadata ("cim-schema"), request-size limits, CIM
// status -> gRPC status with the "cim-status-code" trailer, and streaming
// of enumerations. All CIM behaviour lives in vmms/cim/ (ObjectManager).
// Thread-safe (gRPC calls it from many threads).
//
// GetInstance and GetClass use gRPC's callback API: they are short reads
// answered on the thread that received the request, as gRPC's own health
// check is. As synchronous methods they went through the sync server's
// thread hand-off, which made a GetInstance ~2x an empty call at 10 VMs
// (tests/bench/scale, docs/scale/README.md finding 5). Everything that may
// wait (enumerations stream, methods start jobs) stays synchronous.
#ifndef HV_VMMS_SERVICE_CIM_SERVICE_H_
#define HV_VMMS_SERVICE_CIM_SERVICE_H_

#include <cstddef>

#include "common/grpc/arena_message_allocator.h"
#include "hv/cim/v1/cim.grpc.pb.h"
#include "vmms/cim/object_manager.h"

namespace hv::vmms {

struct CimServiceLimits {
  // Largest request message accepted, bytes (below gRPC's own 16 MiB cap, so
  // the refusal carries a CIM status naming the limit). Default 1 MiB.
  size_t max_request_bytes = 1 << 20;
  // Most method parameters in one InvokeMethod. Default 64.
  int max_in_params = 64;
  // Most elements in one array value. Default 4096.
  int max_array_elements = 4096;
};

using CimServiceBase = hv::cim::v1::CimService::WithCallbackMethod_GetInstance<
    hv::cim::v1::CimService::WithCallbackMethod_GetClass<hv::cim::v1::CimService::Service>>;

class CimService final : public CimServiceBase {
 public:
  // `objects` must outlive the service.
  explicit CimService(cim::ObjectManager* objects, CimServiceLimits limits = {})
      : objects_(objects), limits_(limits) {
    SetMessageAllocatorFor_GetInstance(&get_instance_messages_);
    SetMessageAllocatorFor_GetClass(&get_class_messages_);
  }

  grpc::ServerUnaryReactor* GetClass(grpc::CallbackServerContext* ctx,
                                     const hv::cim::v1::GetClassRequest* req,
                                     hv::cim::v1::CimClass* resp) override;
  grpc::Status EnumerateClasses(grpc::ServerContext* ctx,
                                const hv::cim::v1::EnumerateClassesRequest* req,
                                grpc::ServerWriter<hv::cim::v1::CimClass>* writer) override;
  grpc::ServerUnaryReactor* GetInstance(grpc::CallbackServerContext* ctx,
                                        const hv::cim::v1::GetInstanceRequest* req,
                                        hv::cim::v1::CimInstance* resp) override;
  grpc::Status EnumerateInstances(grpc::ServerContext* ctx,
                                  const hv::cim::v1::EnumerateInstancesRequest* req,
                                  grpc::ServerWriter<hv::cim::v1::CimInstance>* writer) override;
  grpc::Status ExecQuery(grpc::ServerContext* ctx, const hv::cim::v1::ExecQueryRequest* req,
                         grpc::ServerWriter<hv::cim::v1::CimInstance>* writer) override;
  grpc::Status Associators(grpc::ServerContext* ctx, const hv::cim::v1::AssociatorsRequest* req,
                           grpc::ServerWriter<hv::cim::v1::CimInstance>* writer) override;
  grpc::Status References(grpc::ServerContext* ctx, const hv::cim::v1::ReferencesRequest* req,
                          grpc::ServerWriter<hv::cim::v1::CimInstance>* writer) override;
  grpc::Status ModifyInstance(grpc::ServerContext* ctx,
                              const hv::cim::v1::ModifyInstanceRequest* req,
                              hv::cim::v1::ModifyInstanceResponse* resp) override;
  grpc::Status InvokeMethod(grpc::ServerContext* ctx, const hv::cim::v1::InvokeMethodRequest* req,
                            hv::cim::v1::InvokeMethodResponse* resp) override;

 private:
  cim::ObjectManager* const objects_;
  const CimServiceLimits limits_;
  // The unary callback methods build their replies on a per-call arena.
  ArenaMessageAllocator<hv::cim::v1::GetInstanceRequest, hv::cim::v1::CimInstance>
      get_instance_messages_;
  ArenaMessageAllocator<hv::cim::v1::GetClassRequest, hv::cim::v1::CimClass> get_class_messages_;
};

}  // namespace hv::vmms

#endif  // HV_VMMS_SERVICE_CIM_SERVICE_H_
