#include "vmms/service/cim_service.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "common/grpc/status_conversion.h"
#include "common/status_macros.h"
#include "proto/convert/cim_proto_conversion.h"

namespace hv::vmms {

namespace pb = hv::cim::v1;
using hv::cim::CimStatusCode;
using hv::cim::MakeCimError;
using hv::proto::ClassToProto;
using hv::proto::InstanceFromProto;
using hv::proto::InstanceToProto;
using hv::proto::PathFromProto;
using hv::proto::PathToProto;
using hv::proto::ValueFromProto;
using hv::proto::ValueToProto;

namespace {

// The CIM status of a failed call: its carried code, else the nearest one.
CimStatusCode CimCodeOf(const absl::Status& s) {
  if (auto c = hv::cim::GetCimStatus(s)) return *c;
  switch (s.code()) {
    case absl::StatusCode::kNotFound: return CimStatusCode::kNotFound;
    case absl::StatusCode::kInvalidArgument: return CimStatusCode::kInvalidParameter;
    case absl::StatusCode::kAlreadyExists: return CimStatusCode::kAlreadyExists;
    case absl::StatusCode::kUnimplemented: return CimStatusCode::kNotSupported;
    case absl::StatusCode::kPermissionDenied: return CimStatusCode::kAccessDenied;
    case absl::StatusCode::kResourceExhausted: return CimStatusCode::kServerLimitsExceeded;
    case absl::StatusCode::kUnavailable: return CimStatusCode::kServerIsShuttingDown;
    default: return CimStatusCode::kFailed;
  }
}

grpc::Status Reply(grpc::ServerContextBase* ctx, const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  CimStatusCode code = CimCodeOf(s);
  ctx->AddTrailingMetadata("cim-status-code", std::to_string(static_cast<int>(code)));
  std::string desc = s.message().empty() ? hv::cim::CimStatusName(code) : std::string(s.message());
  absl::Status carried = hv::cim::GetCimStatus(s) ? s : MakeCimError(code, desc);
  return ToGrpcStatus(absl::Status(carried.code(), desc));
}

std::string Pin(grpc::ServerContextBase* ctx) {
  const auto& md = ctx->client_metadata();
  auto it = md.find("cim-schema");
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

cim::PropertyList ListOf(bool has, const pb::PropertyList& pl) {
  if (!has) return std::nullopt;
  return std::vector<std::string>(pl.names().begin(), pl.names().end());
}

template <typename Req>
absl::Status CheckSize(const Req& req, const CimServiceLimits& limits) {
  size_t n = req.ByteSizeLong();
  if (n > limits.max_request_bytes) {
    return MakeCimError(CimStatusCode::kServerLimitsExceeded,
                        absl::StrCat("request of ", n, " bytes exceeds the limit of ",
                                     limits.max_request_bytes, " bytes (max_request_bytes)"));
  }
  return absl::OkStatus();
}

absl::Status CheckValue(const pb::CimValue& v, const CimServiceLimits& limits, absl::string_view what) {
  if (v.elements_size() > limits.max_array_elements) {
    return MakeCimError(CimStatusCode::kServerLimitsExceeded,
                        absl::StrCat(what, ": ", v.elements_size(), " elements exceed the limit of ",
                                     limits.max_array_elements, " (max_array_elements)"));
  }
  return absl::OkStatus();
}

absl::Status Stream(grpc::ServerWriter<pb::CimInstance>* writer,
                    const std::vector<cim::ServedInstance>& all, bool names_only) {
  for (const cim::ServedInstance& s : all) {
    pb::CimInstance msg = names_only ? pb::CimInstance() : InstanceToProto(s.instance, &s.path);
    if (names_only) {
      msg.set_class_name(s.path.class_name);
      *msg.mutable_path() = PathToProto(s.path);
    }
    if (!writer->Write(msg)) return absl::CancelledError("client went away");
  }
  return absl::OkStatus();
}

// Finishes a callback-API unary call with `s` (trailers as Reply sets them).
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, const absl::Status& s) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(Reply(ctx, s));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* CimService::GetClass(grpc::CallbackServerContext* ctx,
                                               const pb::GetClassRequest* req, pb::CimClass* resp) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(req->namespace_(), Pin(ctx)));
    ASSIGN_OR_RETURN(hv::cim::Class c,
                     objects_->GetClass(cc, req->class_name(), req->local_only(),
                                        ListOf(req->has_property_list(), req->property_list())));
    ClassToProto(c, cc.name_space, true, resp);  // in place: resp is on the call's arena
    return absl::OkStatus();
  }();
  return FinishUnary(ctx, s);
}

grpc::Status CimService::EnumerateClasses(grpc::ServerContext* ctx,
                                          const pb::EnumerateClassesRequest* req,
                                          grpc::ServerWriter<pb::CimClass>* writer) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(req->namespace_(), Pin(ctx)));
    ASSIGN_OR_RETURN(std::vector<const hv::cim::Class*> classes,
                     objects_->EnumerateClasses(cc, req->class_name(), req->deep_inheritance()));
    for (const hv::cim::Class* c : classes) {
      pb::CimClass msg;
      if (req->names_only()) {
        msg.set_name(c->name());
        msg.set_superclass(c->superclass());
        msg.set_namespace_(cc.name_space);
      } else {
        msg = ClassToProto(*c, cc.name_space, true);
      }
      if (!writer->Write(msg)) return absl::CancelledError("client went away");
    }
    return absl::OkStatus();
  }();
  return Reply(ctx, s);
}

grpc::ServerUnaryReactor* CimService::GetInstance(grpc::CallbackServerContext* ctx,
                                                  const pb::GetInstanceRequest* req,
                                                  pb::CimInstance* resp) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(hv::cim::ObjectPath path, PathFromProto(req->instance_name()));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(path.name_space, Pin(ctx)));
    ASSIGN_OR_RETURN(cim::ServedInstance si,
                     objects_->GetInstance(cc, path, ListOf(req->has_property_list(),
                                                            req->property_list())));
    InstanceToProto(si.instance, &si.path, resp);  // in place: resp is on the call's arena
    return absl::OkStatus();
  }();
  return FinishUnary(ctx, s);
}

grpc::Status CimService::EnumerateInstances(grpc::ServerContext* ctx,
                                            const pb::EnumerateInstancesRequest* req,
                                            grpc::ServerWriter<pb::CimInstance>* writer) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(req->namespace_(), Pin(ctx)));
    bool deep = !req->has_deep_inheritance() || req->deep_inheritance();
    ASSIGN_OR_RETURN(std::vector<cim::ServedInstance> all,
                     objects_->EnumerateInstances(cc, req->class_name(), deep,
                                                  ListOf(req->has_property_list(),
                                                         req->property_list())));
    return Stream(writer, all, req->names_only());
  }();
  return Reply(ctx, s);
}

grpc::Status CimService::ExecQuery(grpc::ServerContext* ctx, const pb::ExecQueryRequest* req,
                                   grpc::ServerWriter<pb::CimInstance>* writer) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(req->namespace_(), Pin(ctx)));
    ASSIGN_OR_RETURN(std::vector<cim::ServedInstance> all,
                     objects_->ExecQuery(cc, req->query_language(), req->query()));
    return Stream(writer, all, false);
  }();
  return Reply(ctx, s);
}

grpc::Status CimService::Associators(grpc::ServerContext* ctx, const pb::AssociatorsRequest* req,
                                     grpc::ServerWriter<pb::CimInstance>* writer) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(hv::cim::ObjectPath path, PathFromProto(req->object_name()));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(path.name_space, Pin(ctx)));
    cim::AssociationFilter f{req->assoc_class(), req->result_class(), req->role(),
                             req->result_role(), "", ""};
    ASSIGN_OR_RETURN(std::vector<cim::ServedInstance> all,
                     objects_->Associators(cc, path, f,
                                           ListOf(req->has_property_list(), req->property_list()),
                                           req->names_only()));
    return Stream(writer, all, req->names_only());
  }();
  return Reply(ctx, s);
}

grpc::Status CimService::References(grpc::ServerContext* ctx, const pb::ReferencesRequest* req,
                                    grpc::ServerWriter<pb::CimInstance>* writer) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    ASSIGN_OR_RETURN(hv::cim::ObjectPath path, PathFromProto(req->object_name()));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(path.name_space, Pin(ctx)));
    cim::AssociationFilter f{"", req->result_class(), req->role(), "", "", ""};
    ASSIGN_OR_RETURN(std::vector<cim::ServedInstance> all,
                     objects_->References(cc, path, f,
                                          ListOf(req->has_property_list(), req->property_list()),
                                          req->names_only()));
    return Stream(writer, all, req->names_only());
  }();
  return Reply(ctx, s);
}

grpc::Status CimService::ModifyInstance(grpc::ServerContext* ctx,
                                        const pb::ModifyInstanceRequest* req,
                                        pb::ModifyInstanceResponse*) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    for (const pb::Property& p : req->modified_instance().properties()) {
      RETURN_IF_ERROR(CheckValue(p.value(), limits_, p.name()));
    }
    ASSIGN_OR_RETURN(hv::cim::ObjectPath path, PathFromProto(req->modified_instance().path()));
    ASSIGN_OR_RETURN(hv::cim::Instance inst, InstanceFromProto(req->modified_instance()));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(path.name_space, Pin(ctx)));
    return objects_->ModifyInstance(cc, path, inst,
                                    ListOf(req->has_property_list(), req->property_list()));
  }();
  return Reply(ctx, s);
}

grpc::Status CimService::InvokeMethod(grpc::ServerContext* ctx, const pb::InvokeMethodRequest* req,
                                      pb::InvokeMethodResponse* resp) {
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(CheckSize(*req, limits_));
    if (req->in_params_size() > limits_.max_in_params) {
      return MakeCimError(CimStatusCode::kServerLimitsExceeded,
                          absl::StrCat(req->in_params_size(), " parameters exceed the limit of ",
                                       limits_.max_in_params, " (max_in_params)"));
    }
    std::vector<cim::InArg> args;
    for (const pb::ParamValue& p : req->in_params()) {
      RETURN_IF_ERROR(CheckValue(p.value(), limits_, p.name()));
      absl::StatusOr<hv::cim::Value> v = ValueFromProto(p.value());
      if (!v.ok()) {
        return MakeCimError(CimCodeOf(v.status()),
                            absl::StrCat(req->method_name(), "(", p.name(), "): ", v.status().message()));
      }
      args.push_back({p.name(), *std::move(v)});
    }
    ASSIGN_OR_RETURN(hv::cim::ObjectPath path, PathFromProto(req->object_name()));
    ASSIGN_OR_RETURN(cim::CallContext cc, objects_->Context(path.name_space, Pin(ctx)));
    ASSIGN_OR_RETURN(cim::MethodResult r,
                     objects_->InvokeMethod(cc, path, req->method_name(), args));
    *resp->mutable_return_value() =
        ValueToProto(hv::cim::Value::Unsigned(hv::cim::CimType::kUint32, r.return_value));
    resp->set_error_description(r.error_description);
    for (const cim::OutParam& o : r.out) {
      pb::ParamValue* pv = resp->add_out_params();
      pv->set_name(o.name);
      if (!o.embedded) {
        *pv->mutable_value() = ValueToProto(o.value);
        continue;
      }
      pb::CimValue* v = pv->mutable_value();
      v->set_type(pb::CIM_TYPE_INSTANCE);
      v->set_is_array(o.is_array);
      for (const hv::cim::Instance& inst : o.instances) {
        *v->add_elements()->mutable_instance_value() = InstanceToProto(inst, nullptr);
        v->set_ref_class(inst.class_name());
      }
    }
    return absl::OkStatus();
  }();
  return Reply(ctx, s);
}

}  // namespace hv::vmms
