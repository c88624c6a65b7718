// hv.cim.v1 messages <-> cim-schema types, in both directions. Used by the
// gRPC adapter (cim_service.cc) only. Conversions from the wire fail with
// CIM_ERR_INVALID_PARAMETER / CIM_ERR_TYPE_MISMATCH naming the field.
// Pure functions; thread-safe.
#ifndef HV_VMMS_SERVICE_CIM_PROTO_CONVERSION_H_
#define HV_VMMS_SERVICE_CIM_PROTO_CONVERSION_H_

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/object_path.h"
#include "cim-schema/value.h"
#include "hv/cim/v1/cim.pb.h"

namespace hv::vmms {

absl::StatusOr<hv::cim::Value> ValueFromProto(const hv::cim::v1::CimValue& v, int depth = 0);
hv::cim::v1::CimValue ValueToProto(const hv::cim::Value& v);
absl::StatusOr<hv::cim::ObjectPath> PathFromProto(const hv::cim::v1::ObjectPath& p, int depth = 0);
hv::cim::v1::ObjectPath PathToProto(const hv::cim::ObjectPath& p);
absl::StatusOr<hv::cim::Instance> InstanceFromProto(const hv::cim::v1::CimInstance& i,
                                                    int depth = 0);
hv::cim::v1::CimInstance InstanceToProto(const hv::cim::Instance& i,
                                         const hv::cim::ObjectPath* path);
hv::cim::v1::CimClass ClassToProto(const hv::cim::Class& c, absl::string_view name_space,
                                   bool include_class_origin);

}  // namespace hv::vmms

#endif  // HV_VMMS_SERVICE_CIM_PROTO_CONVERSION_H_
