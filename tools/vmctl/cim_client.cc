#include "tools/vmctl/cim_client.h"

#include <chrono>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace hv::vmctl {

namespace pb = hv::cim::v1;

std::string CimStatusName(int code) {
  const std::string& n = pb::CimStatusCode_Name(static_cast<pb::CimStatusCode>(code));
  return n.empty() ? "CIM_ERR_" + std::to_string(code) : n;
}

CimClient::CimClient(const std::string& server, std::string pin, int call_timeout_s)
    : stub_(pb::CimService::NewStub(grpc::CreateChannel(server, grpc::InsecureChannelCredentials()))),
      pin_(std::move(pin)),
      call_timeout_s_(call_timeout_s) {}

void CimClient::Prepare(grpc::ClientContext* ctx) const {
  if (!pin_.empty()) ctx->AddMetadata("cim-schema", pin_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(call_timeout_s_));
}

template <typename T>
Result<T> CimClient::Finish(grpc::ClientContext& ctx, const grpc::Status& s, T value) const {
  Result<T> r;
  if (s.ok()) {
    r.ok = true;
    r.value = std::move(value);
    return r;
  }
  r.error.description = s.error_message();
  const auto& md = ctx.GetServerTrailingMetadata();
  auto it = md.find("cim-status-code");
  if (it != md.end()) {
    r.error.cim_status = std::atoi(std::string(it->second.data(), it->second.size()).c_str());
  } else {
    r.error.unreachable = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                          s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (!r.error.unreachable) r.error.cim_status = 1;
  }
  return r;
}

Result<pb::CimClass> CimClient::GetClass(const std::string& ns, const std::string& cls) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::GetClassRequest req;
  req.set_namespace_(ns);
  req.set_class_name(cls);
  req.set_include_qualifiers(true);
  pb::CimClass resp;
  grpc::Status s = stub_->GetClass(&ctx, req, &resp);
  return Finish(ctx, s, std::move(resp));
}

Result<pb::CimInstance> CimClient::GetInstance(const pb::ObjectPath& path) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::GetInstanceRequest req;
  *req.mutable_instance_name() = path;
  pb::CimInstance resp;
  grpc::Status s = stub_->GetInstance(&ctx, req, &resp);
  return Finish(ctx, s, std::move(resp));
}

namespace {
template <typename Reader, typename Message>
grpc::Status Drain(Reader& reader, std::vector<Message>* out) {
  Message m;
  while (reader->Read(&m)) out->push_back(m);
  return reader->Finish();
}
}  // namespace

Result<std::vector<pb::CimClass>> CimClient::EnumerateClasses(const std::string& ns) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::EnumerateClassesRequest req;
  req.set_namespace_(ns);
  req.set_deep_inheritance(true);
  std::vector<pb::CimClass> out;
  auto reader = stub_->EnumerateClasses(&ctx, req);
  grpc::Status s = Drain(reader, &out);
  return Finish(ctx, s, std::move(out));
}

Result<std::vector<pb::CimInstance>> CimClient::Enumerate(const std::string& ns,
                                                          const std::string& cls) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::EnumerateInstancesRequest req;
  req.set_namespace_(ns);
  req.set_class_name(cls);
  std::vector<pb::CimInstance> out;
  auto reader = stub_->EnumerateInstances(&ctx, req);
  grpc::Status s = Drain(reader, &out);
  return Finish(ctx, s, std::move(out));
}

Result<std::vector<pb::CimInstance>> CimClient::Query(const std::string& ns, const std::string& wql) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::ExecQueryRequest req;
  req.set_namespace_(ns);
  req.set_query_language("WQL");
  req.set_query(wql);
  std::vector<pb::CimInstance> out;
  auto reader = stub_->ExecQuery(&ctx, req);
  grpc::Status s = Drain(reader, &out);
  return Finish(ctx, s, std::move(out));
}

Result<std::vector<pb::CimInstance>> CimClient::Associators(const pb::ObjectPath& path,
                                                            const std::string& result_class) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::AssociatorsRequest req;
  *req.mutable_object_name() = path;
  req.set_result_class(result_class);
  std::vector<pb::CimInstance> out;
  auto reader = stub_->Associators(&ctx, req);
  grpc::Status s = Drain(reader, &out);
  return Finish(ctx, s, std::move(out));
}

Result<pb::InvokeMethodResponse> CimClient::Invoke(const pb::ObjectPath& path,
                                                   const std::string& method,
                                                   const std::vector<pb::ParamValue>& params) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  pb::InvokeMethodRequest req;
  *req.mutable_object_name() = path;
  req.set_method_name(method);
  for (const auto& p : params) *req.add_in_params() = p;
  pb::InvokeMethodResponse resp;
  grpc::Status s = stub_->InvokeMethod(&ctx, req, &resp);
  return Finish(ctx, s, std::move(resp));
}

}  // namespace hv::vmctl
