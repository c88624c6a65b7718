#include "tests/integration/prometheus/vmms_cim_client.h"

#include <chrono>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "tests/integration/cim_grpc/cim_values.h"

namespace hv::testing {

namespace pb = hv::cim::v1;

namespace {

constexpr char kV2[] = "root/virtualization/v2";

void SetDeadline(grpc::ClientContext* ctx, absl::Duration d) {
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(d)));
}

pb::ParamValue StringParam(const std::string& name, const std::vector<std::string>& values,
                           bool array) {
  pb::ParamValue p;
  p.set_name(name);
  p.mutable_value()->set_type(pb::CIM_TYPE_STRING);
  p.mutable_value()->set_is_array(array);
  for (const std::string& v : values) p.mutable_value()->add_elements()->set_string_value(v);
  return p;
}

absl::StatusOr<pb::InvokeMethodResponse> Invoke(pb::CimService::Stub& stub,
                                                const pb::ObjectPath& path,
                                                const std::string& method,
                                                std::vector<pb::ParamValue> params) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::Seconds(60));
  pb::InvokeMethodRequest req;
  *req.mutable_object_name() = path;
  req.set_method_name(method);
  for (auto& p : params) *req.add_in_params() = std::move(p);
  pb::InvokeMethodResponse resp;
  grpc::Status s = stub.InvokeMethod(&ctx, req, &resp);
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat(method, " on ", path.class_name(), ": gRPC ",
                                               s.error_code(), " ", s.error_message()));
  }
  return resp;
}

uint64_t ReturnValue(const pb::InvokeMethodResponse& r) {
  return r.return_value().elements().empty() ? ~0ull
                                             : r.return_value().elements(0).unsigned_value();
}

}  // namespace

absl::StatusOr<pb::ObjectPath> DefineDmVm(pb::CimService::Stub& stub, const DmVmSpec& spec) {
  pb::ObjectPath vsms;
  vsms.set_namespace_(kV2);
  vsms.set_class_name("Msvm_VirtualSystemManagementService");
  std::string system =
      "instance of Msvm_VirtualSystemSettingData { ElementName = " + MofQuote(spec.name);
  if (!spec.guest_command_line.empty()) {
    absl::StrAppend(&system, "; GuestCommandLine = ", MofQuote(spec.guest_command_line));
  }
  system += "; };";
  const std::string memory = absl::StrCat(
      "instance of Msvm_MemorySettingData { DynamicMemoryEnabled = TRUE; VirtualQuantity = ",
      spec.startup_mib, "; Reservation = ", spec.minimum_mib, "; Limit = ", spec.maximum_mib,
      "; TargetMemoryBuffer = ", spec.buffer_percent, "; };");
  absl::StatusOr<pb::InvokeMethodResponse> r =
      Invoke(stub, vsms, "DefineSystem",
             {StringParam("SystemSettings", {system}, false),
              StringParam("ResourceSettings", {memory}, true)});
  if (!r.ok()) return r.status();
  if (ReturnValue(*r) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "DefineSystem '", spec.name, "' returned ", ReturnValue(*r), ": ", r->error_description()));
  }
  for (const auto& o : r->out_params()) {
    if (o.name() == "ResultingSystem" && !o.value().elements().empty()) {
      return o.value().elements(0).reference_value();
    }
  }
  return absl::DataLossError(absl::StrCat("DefineSystem '", spec.name, "': no ResultingSystem"));
}

absl::Status StartVm(pb::CimService::Stub& stub, const pb::ObjectPath& vm, absl::Duration timeout) {
  pb::ParamValue state;
  state.set_name("RequestedState");
  state.mutable_value()->set_type(pb::CIM_TYPE_UINT16);
  state.mutable_value()->add_elements()->set_unsigned_value(2);
  absl::StatusOr<pb::InvokeMethodResponse> r = Invoke(stub, vm, "RequestStateChange", {state});
  if (!r.ok()) return r.status();
  if (ReturnValue(*r) == 0) return absl::OkStatus();  // completed synchronously
  if (ReturnValue(*r) != 4096) {
    return absl::FailedPreconditionError(absl::StrCat(
        "RequestStateChange(2) returned ", ReturnValue(*r), ": ", r->error_description()));
  }
  pb::ObjectPath job;
  for (const auto& o : r->out_params()) {
    if (o.name() == "Job" && !o.value().elements().empty())
      job = o.value().elements(0).reference_value();
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, absl::Seconds(30));
    pb::GetInstanceRequest req;
    *req.mutable_instance_name() = job;
    pb::CimInstance j;
    grpc::Status s = stub.GetInstance(&ctx, req, &j);
    if (!s.ok())
      return absl::UnavailableError(absl::StrCat("start job: GetInstance: ", s.error_message()));
    const uint64_t js = Unsigned(j, "JobState").value_or(0);
    if (js == 7) return absl::OkStatus();
    if (js != 3 && js != 4) {
      const pb::CimValue* err = Prop(j, "ErrorDescription");
      return absl::AbortedError(absl::StrCat(
          "start job ended in JobState ", js, ": ",
          err && !err->elements().empty() ? err->elements(0).string_value() : std::string()));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("start job not done within ", absl::FormatDuration(timeout)));
}

absl::StatusOr<std::vector<pb::CimInstance>> Enumerate(pb::CimService::Stub& stub,
                                                       std::string_view name_space,
                                                       std::string_view class_name) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, absl::Seconds(30));
  pb::EnumerateInstancesRequest req;
  req.set_namespace_(std::string(name_space));
  req.set_class_name(std::string(class_name));
  auto reader = stub.EnumerateInstances(&ctx, req);
  std::vector<pb::CimInstance> out;
  pb::CimInstance i;
  while (reader->Read(&i)) out.push_back(i);
  grpc::Status s = reader->Finish();
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat("EnumerateInstances ", std::string(name_space), ":",
                                               std::string(class_name), ": gRPC ", s.error_code(),
                                               " ", s.error_message()));
  }
  return out;
}

const pb::CimInstance* FindByName(const std::vector<pb::CimInstance>& instances,
                                  std::string_view name) {
  for (const pb::CimInstance& i : instances) {
    const pb::CimValue* v = Prop(i, "Name");
    if (v && !v->elements().empty() && v->elements(0).string_value() == name) return &i;
  }
  return nullptr;
}

std::optional<uint64_t> Unsigned(const pb::CimInstance& instance, std::string_view property) {
  const pb::CimValue* v = Prop(instance, property);
  if (v == nullptr || v->elements().empty() ||
      v->elements(0).kind_case() != pb::CimScalar::kUnsignedValue) {
    return std::nullopt;
  }
  return v->elements(0).unsigned_value();
}

std::optional<int> MetricsPortFromLog(std::string_view log) {
  constexpr std::string_view kKey = "metrics=http://127.0.0.1:";
  const size_t at = log.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t start = at + kKey.size();
  const size_t end = log.find('/', start);
  int port = 0;
  if (end == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(log.substr(start, end - start)), &port) || port <= 0 ||
      port > 65535) {
    return std::nullopt;
  }
  return port;
}

absl::StatusOr<int> WaitMetricsPort(const VmmsProcess& vmms, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    if (std::optional<int> port = MetricsPortFromLog(vmms.Log())) return *port;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "vmms logged no metrics port within ", absl::FormatDuration(timeout), ": ", vmms.Log()));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

}  // namespace hv::testing
