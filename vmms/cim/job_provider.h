// Provider of Msvm_ConcreteJob in root/virtualization and
// root/virtualization/v2 (the same jobs in both): one instance per VmManager
// job, InstanceID = the job GUID, with JobState 4 Running -> 7 Completed or
// 10 Exception, PercentComplete, ErrorCode and ErrorDescription
// (hyperv.md §6, cim.md rule 8). Method GetError returns the job's error as
// an embedded CIM_Error instance. Thread-safe.
#ifndef HV_VMMS_CIM_JOB_PROVIDER_H_
#define HV_VMMS_CIM_JOB_PROVIDER_H_

#include "vmms/cim/class_provider.h"
#include "vmms/cim/vm_directory.h"

namespace hv::vmms::cim {

class JobProvider : public ClassProvider {
 public:
  explicit JobProvider(VmDirectory* vms) : vms_(vms) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;
  absl::StatusOr<hv::cim::Instance> Get(const CallContext& ctx,
                                        const hv::cim::ObjectPath& path) override;
  absl::StatusOr<MethodResult> Invoke(const CallContext& ctx, const hv::cim::ObjectPath& path,
                                      const hv::cim::Method& method,
                                      const std::vector<MethodArg>& args) override;

 private:
  VmDirectory* const vms_;
};

hv::cim::Instance JobInstance(const CallContext& ctx, const JobRecord& job, int64_t now_ms);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_JOB_PROVIDER_H_
