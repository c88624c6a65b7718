#include "tests/bench/scale/cim_client.h"

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/client_unary_call.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "tests/integration/cim_grpc/cim_values.h"

namespace hv::bench::scale {

namespace pb = hv::cim::v1;
using hv::testing::MofQuote;
using hv::testing::P;
using hv::testing::Prop;
using hv::testing::Ref;
using hv::testing::S;
using hv::testing::Str;
using hv::testing::StrArr;
using hv::testing::U16;

namespace {

constexpr char kV2[] = "root/virtualization/v2";

int64_t TimeMs(const pb::CimInstance& i, const std::string& n) {
  const pb::CimValue* v = Prop(i, n);
  if (!v || v->elements().empty()) return 0;
  absl::StatusOr<int64_t> ms = ParseCimTimestampMs(v->elements(0).datetime_value());
  return ms.ok() ? *ms : 0;
}

pb::ObjectPath Vsms() {
  pb::ObjectPath p;
  p.set_namespace_(kV2);
  p.set_class_name("Msvm_VirtualSystemManagementService");
  return p;
}

absl::Status Failed(const std::string& what, const grpc::Status& s) {
  return absl::UnavailableError(absl::StrCat(what, ": gRPC ", s.error_code(), " ", s.error_message()));
}

VmInfo ToVmInfo(const pb::CimInstance& i) {
  VmInfo vm;
  vm.id = S(i, "Name");
  vm.element_name = S(i, "ElementName");
  vm.enabled_state = static_cast<uint32_t>(hv::testing::U(i, "EnabledState", 0));
  vm.last_status_ms = TimeMs(i, "TimeOfLastStatusReport");
  vm.first_dm_status_ms = TimeMs(i, "TimeOfFirstDynamicMemoryStatus");
  vm.path.set_namespace_(kV2);
  vm.path.set_class_name("Msvm_ComputerSystem");
  auto* k1 = vm.path.add_keys();
  k1->set_name("CreationClassName");
  *k1->mutable_value() = Str("Msvm_ComputerSystem");
  auto* k2 = vm.path.add_keys();
  k2->set_name("Name");
  *k2->mutable_value() = Str(vm.id);
  return vm;
}

}  // namespace

absl::StatusOr<int64_t> ParseCimTimestampMs(const std::string& t) {
  // yyyymmddhhmmss.mmmmmmsUUU (DSP0004 §5.2.4); UUU = UTC offset in minutes.
  if (t.size() != 25 || t[14] != '.' || (t[21] != '+' && t[21] != '-')) {
    return absl::InvalidArgumentError(absl::StrCat("'", t, "' is not a CIM timestamp"));
  }
  int y, mo, d, h, mi, s, us, off;
  auto num = [&](size_t pos, size_t len, int* out) {
    return absl::SimpleAtoi(absl::string_view(t).substr(pos, len), out);
  };
  if (!num(0, 4, &y) || !num(4, 2, &mo) || !num(6, 2, &d) || !num(8, 2, &h) || !num(10, 2, &mi) ||
      !num(12, 2, &s) || !num(15, 6, &us) || !num(22, 3, &off)) {
    return absl::InvalidArgumentError(absl::StrCat("'", t, "' is not a CIM timestamp"));
  }
  absl::Time at = absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
  // Local = UTC + offset, so UTC = local - offset.
  at -= absl::Minutes(t[21] == '+' ? off : -off);
  return absl::ToUnixMillis(at) + us / 1000;
}

CimClient::CimClient(const std::string& address, absl::Duration deadline)
    : deadline_(deadline),
      channel_(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
      stub_(pb::CimService::NewStub(channel_)) {}

absl::Status CimClient::HealthCheck() {
  // A raw unary call (the generated health stub is not part of this build):
  // HealthCheckRequest{service: ""} serializes to zero bytes.
  static const grpc::internal::RpcMethod kCheck("/grpc.health.v1.Health/Check",
                                                grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  grpc::Slice empty(std::string{});
  grpc::ByteBuffer request(&empty, 1), response;  // a valid, zero-length message
  grpc::Status s = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
      channel_.get(), kCheck, &ctx, request, &response);
  if (!s.ok()) return Failed("grpc.health.v1.Health/Check", s);
  return absl::OkStatus();
}

absl::StatusOr<pb::InvokeMethodResponse> CimClient::Invoke(const pb::ObjectPath& target,
                                                           const std::string& method,
                                                           std::vector<pb::ParamValue> in) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  pb::InvokeMethodRequest req;
  *req.mutable_object_name() = target;
  req.set_method_name(method);
  for (auto& p : in) *req.add_in_params() = std::move(p);
  pb::InvokeMethodResponse resp;
  grpc::Status s = stub_->InvokeMethod(&ctx, req, &resp);
  if (!s.ok()) return Failed(method, s);
  return resp;
}

absl::StatusOr<pb::ObjectPath> CimClient::DefineVm(const std::string& name, const MemorySpec& m) {
  absl::StatusOr<pb::InvokeMethodResponse> r = Invoke(
      Vsms(), "DefineSystem",
      {P("SystemSettings", Str("instance of Msvm_VirtualSystemSettingData { ElementName = " +
                               MofQuote(name) + "; };")),
       P("ResourceSettings",
         StrArr({absl::StrCat("instance of Msvm_MemorySettingData { DynamicMemoryEnabled = TRUE; "
                              "VirtualQuantity = ", m.startup_mib, "; Reservation = ", m.minimum_mib,
                              "; Limit = ", m.maximum_mib, "; TargetMemoryBuffer = 20; };")}))});
  if (!r.ok()) return r.status();
  if (r->return_value().elements().empty() || r->return_value().elements(0).unsigned_value() != 0) {
    return absl::InternalError(absl::StrCat("DefineSystem '", name, "': ", r->error_description()));
  }
  for (const auto& o : r->out_params()) {
    if (o.name() == "ResultingSystem" && !o.value().elements().empty()) {
      return o.value().elements(0).reference_value();
    }
  }
  return absl::InternalError(absl::StrCat("DefineSystem '", name, "': no ResultingSystem"));
}

absl::StatusOr<pb::ObjectPath> CimClient::RequestStateChange(const pb::ObjectPath& vm,
                                                             uint32_t state) {
  absl::StatusOr<pb::InvokeMethodResponse> r =
      Invoke(vm, "RequestStateChange", {P("RequestedState", U16(state))});
  if (!r.ok()) return r.status();
  uint64_t rv = r->return_value().elements().empty() ? ~0ull : r->return_value().elements(0).unsigned_value();
  if (rv != 4096) {
    return absl::FailedPreconditionError(
        absl::StrCat("RequestStateChange(", state, ") returned ", rv, ": ", r->error_description()));
  }
  for (const auto& o : r->out_params()) {
    if (o.name() == "Job" && !o.value().elements().empty()) return o.value().elements(0).reference_value();
  }
  return absl::InternalError("RequestStateChange: no Job");
}

absl::StatusOr<JobInfo> CimClient::GetJob(const pb::ObjectPath& job) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  pb::GetInstanceRequest req;
  *req.mutable_instance_name() = job;
  pb::CimInstance i;
  grpc::Status s = stub_->GetInstance(&ctx, req, &i);
  if (!s.ok()) return Failed("GetInstance(Msvm_ConcreteJob)", s);
  JobInfo j;
  j.job_state = static_cast<uint32_t>(hv::testing::U(i, "JobState", 0));
  j.changed_ms = TimeMs(i, "TimeOfLastStateChange");
  j.error = S(i, "ErrorDescription");
  return j;
}

absl::StatusOr<JobInfo> CimClient::WaitJob(const pb::ObjectPath& job, absl::Duration poll,
                                           absl::Duration timeout) {
  const absl::Time until = absl::Now() + timeout;
  while (true) {
    absl::StatusOr<JobInfo> j = GetJob(job);
    if (!j.ok()) return j.status();
    if (j->job_state != 3 && j->job_state != 4) return j;  // left Starting/Running
    if (absl::Now() > until) {
      return absl::DeadlineExceededError(absl::StrCat("job still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(poll);
  }
}

absl::StatusOr<VmInfo> CimClient::GetVm(const pb::ObjectPath& vm) {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  pb::GetInstanceRequest req;
  *req.mutable_instance_name() = vm;
  pb::CimInstance i;
  grpc::Status s = stub_->GetInstance(&ctx, req, &i);
  if (!s.ok()) return Failed("GetInstance(Msvm_ComputerSystem)", s);
  return ToVmInfo(i);
}

absl::StatusOr<std::vector<VmInfo>> CimClient::EnumerateVms() {
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  pb::EnumerateInstancesRequest req;
  req.set_namespace_(kV2);
  req.set_class_name("Msvm_ComputerSystem");
  auto reader = stub_->EnumerateInstances(&ctx, req);
  std::vector<VmInfo> out;
  pb::CimInstance i;
  while (reader->Read(&i)) {
    // The host itself is a Msvm_ComputerSystem too (Caption "Hosting Computer System").
    if (S(i, "Caption") == "Virtual Machine") out.push_back(ToVmInfo(i));
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return Failed("EnumerateInstances(Msvm_ComputerSystem)", s);
  return out;
}

absl::Status CimClient::DestroyVm(const pb::ObjectPath& vm) {
  absl::StatusOr<pb::InvokeMethodResponse> r = Invoke(Vsms(), "DestroySystem", {P("AffectedSystem", Ref(vm))});
  if (!r.ok()) return r.status();
  uint64_t rv = r->return_value().elements().empty() ? ~0ull : r->return_value().elements(0).unsigned_value();
  if (rv != 0 && rv != 4096) {
    return absl::FailedPreconditionError(absl::StrCat("DestroySystem returned ", rv, ": ", r->error_description()));
  }
  return absl::OkStatus();
}

}  // namespace hv::bench::scale
