#include "vmms/cim/job_provider.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"

namespace hv::vmms::cim {

using hv::cim::CiEquals;
using hv::cim::CimStatusCode;
using hv::cim::Instance;
using hv::cim::MakeCimError;

std::vector<std::string> JobProvider::Classes(absl::string_view ns) const {
  if (CiEquals(ns, kNsV1) || CiEquals(ns, kNsV2)) return {"Msvm_ConcreteJob"};
  return {};
}

Instance JobInstance(const CallContext& ctx, const JobRecord& job, int64_t now_ms) {
  const hv::cim::Schema& s = *ctx.newest;
  Instance inst("Msvm_ConcreteJob");
  SetIf(s, inst, "InstanceID", Str(job.id));
  SetIf(s, inst, "Name", Str(job.description));
  SetIf(s, inst, "ElementName", Str(job.description));
  SetIf(s, inst, "Caption", Str(job.description));
  SetIf(s, inst, "Description", Str(job.description));
  SetIf(s, inst, "JobState", U16(static_cast<uint32_t>(job.state)));
  SetIf(s, inst, "JobStatus", Str(ToString(job.state)));
  SetIf(s, inst, "JobType", U32(job.job_type));
  SetIf(s, inst, "PercentComplete", U16(job.percent_complete));
  SetIf(s, inst, "ErrorCode", U16(job.error_code & 0xffff));
  if (!job.error_description.empty()) {
    SetIf(s, inst, "ErrorDescription", Str(job.error_description));
    SetIf(s, inst, "ErrorSummaryDescription", Str(job.error_description));
  }
  SetIf(s, inst, "TimeSubmitted", Timestamp(job.created_unix_ms));
  SetIf(s, inst, "StartTime", Timestamp(job.created_unix_ms));
  int64_t end = job.finished_unix_ms > 0 ? job.finished_unix_ms : now_ms;
  SetIf(s, inst, "ElapsedTime", Interval(end - job.created_unix_ms));
  SetIf(s, inst, "TimeOfLastStateChange",
        Timestamp(job.finished_unix_ms > 0 ? job.finished_unix_ms : job.created_unix_ms));
  SetIf(s, inst, "TimeBeforeRemoval", Interval(int64_t{job.time_before_removal_s} * 1000));
  SetIf(s, inst, "DeleteOnCompletion", Bool(true));
  SetIf(s, inst, "Cancellable", Bool(false));
  return inst;
}

absl::StatusOr<std::vector<Instance>> JobProvider::Enumerate(const CallContext& ctx,
                                                             absl::string_view) {
  ASSIGN_OR_RETURN(std::vector<JobRecord> jobs, vms_->manager().ListJobs());
  std::vector<Instance> out;
  const int64_t now = vms_->NowMs();
  for (const JobRecord& j : jobs) out.push_back(JobInstance(ctx, j, now));
  return out;
}

absl::StatusOr<Instance> JobProvider::Get(const CallContext& ctx, const hv::cim::ObjectPath& path) {
  std::string id = StringKey(path, "InstanceID");
  absl::StatusOr<JobRecord> job =
      id.empty() ? absl::NotFoundError("InstanceID missing") : vms_->manager().GetJob(id);
  if (!job.ok()) {
    return MakeCimError(CimStatusCode::kNotFound,
                        absl::StrCat("no instance ", path.ToWbemUri(), ": ", job.status().message()));
  }
  return JobInstance(ctx, *job, vms_->NowMs());
}

absl::StatusOr<MethodResult> JobProvider::Invoke(const CallContext& ctx,
                                                 const hv::cim::ObjectPath& path,
                                                 const hv::cim::Method& method,
                                                 const std::vector<MethodArg>& args) {
  if (!CiEquals(method.name, "GetError")) return ClassProvider::Invoke(ctx, path, method, args);
  ASSIGN_OR_RETURN(Instance job, Get(ctx, path));
  MethodResult r;
  OutParam err;
  err.name = "Error";
  err.embedded = true;
  const hv::cim::Value* code = job.Get("ErrorCode");
  const hv::cim::Value* desc = job.Get("ErrorDescription");
  if (code != nullptr && !code->is_null() && code->AsUnsigned() != 0) {
    // CIM_Error (DSP0004 / DSP0223) property names; the class is not part of
    // the served schema, so the instance is built by name.
    Instance e("CIM_Error");
    e.Set("ErrorType", U16(4));  // Software Error
    e.Set("CIMStatusCode", U32(1));  // CIM_ERR_FAILED
    e.Set("PerceivedSeverity", U16(6));  // Fatal/NonRecoverable
    e.Set("OwningEntity", Str("Microsoft:vmms"));
    e.Set("MessageID", Str(absl::StrCat("vmms:", code->AsUnsigned())));
    e.Set("Message", Str(desc != nullptr && !desc->is_null() ? desc->AsString() : ""));
    err.instances.push_back(std::move(e));
  }
  r.out.push_back(std::move(err));
  return r;
}

}  // namespace hv::vmms::cim
