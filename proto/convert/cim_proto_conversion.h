// hv.cim.v1 messages <-> cim-schema types, in both directions. Used by the
// vmms gRPC adapter (vmms/service/cim_service.cc) and vmctl. Conversions from the wire fail with
// CIM_ERR_INVALID_PARAMETER / CIM_ERR_TYPE_MISMATCH naming the field.
// Pure functions; thread-safe.
#ifndef HV_PROTO_CONVERT_CIM_PROTO_CONVERSION_H_
#define HV_PROTO_CONVERT_CIM_PROTO_CONVERSION_H_

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/object_path.h"
#include "cim-schema/value.h"
#include "hv/cim/v1/cim.pb.h"

namespace hv::proto {

absl::StatusOr<hv::cim::Value> ValueFromProto(const hv::cim::v1::CimValue& v, int depth = 0);
hv::cim::v1::CimValue ValueToProto(const hv::cim::Value& v);
absl::StatusOr<hv::cim::ObjectPath> PathFromProto(const hv::cim::v1::ObjectPath& p, int depth = 0);
hv::cim::v1::ObjectPath PathToProto(const hv::cim::ObjectPath& p);
absl::StatusOr<hv::cim::Instance> InstanceFromProto(const hv::cim::v1::CimInstance& i,
                                                    int depth = 0);
hv::cim::v1::CimInstance InstanceToProto(const hv::cim::Instance& i,
                                         const hv::cim::ObjectPath* path);
// The same conversions into a message the caller owns (empty, or its fields
// are appended to), so a message on a protobuf arena gets its parts from that
// arena (vmms's GetInstance response, docs/scale/README.md finding 5).
void ValueToProto(const hv::cim::Value& v, hv::cim::v1::CimValue* out);
void PathToProto(const hv::cim::ObjectPath& p, hv::cim::v1::ObjectPath* out);
void InstanceToProto(const hv::cim::Instance& i, const hv::cim::ObjectPath* path,
                     hv::cim::v1::CimInstance* out);
void ClassToProto(const hv::cim::Class& c, absl::string_view name_space, bool include_class_origin,
                  hv::cim::v1::CimClass* out);
hv::cim::v1::CimClass ClassToProto(const hv::cim::Class& c, absl::string_view name_space,
                                   bool include_class_origin);
// The class as declared (local features only): properties, methods and
// qualifiers marked propagated are dropped, so hv::cim::Schema::AddClass
// resolves it against its superclass again (vmctl schema diff of a live
// namespace). An INSTANCE-typed parameter becomes the string it is declared
// as (its EmbeddedInstance qualifier travels with it). Fails with
// CIM_ERR_INVALID_PARAMETER naming the class and element.
absl::StatusOr<hv::cim::Class> LocalClassFromProto(const hv::cim::v1::CimClass& c);

}  // namespace hv::proto

#endif  // HV_PROTO_CONVERT_CIM_PROTO_CONVERSION_H_
