// Provider of Msvm_VirtualSystemManagementService, the singleton through
// which systems are defined, changed and destroyed (hyperv.md §6), in both
// namespaces over the same VMs:
//   v2 (root/virtualization/v2)       v1 (root/virtualization)
//   DefineSystem                      DefineVirtualSystem
//   DestroySystem                     DestroyVirtualSystem
//   ModifySystemSettings              ModifyVirtualSystem
//   ModifyResourceSettings            ModifyVirtualSystemResources
//   AddResourceSettings               AddVirtualSystemResources
//   RemoveResourceSettings            RemoveVirtualSystemResources
//   GetSummaryInformation             GetSummaryInformation
// v2 answers with the 0..6 family, v1 with 32768..; a refusal carries a
// description (MethodResult::error_description). Embedded settings merge
// into the stored ones (memory_merge.h), typed against the client's pinned
// version.
// Jobs, as Hyper-V (hyperv.md §6; cim.md rule 8): a method returns 4096 with
// a Msvm_ConcreteJob reference (out parameter "Job") only when it starts
// work that outlives the call:
//   DestroySystem of a Running or Paused VM   4096: the job turns it off, then deletes it
//   DestroySystem of an Off or Saved VM       0: deleted before the reply
//   DefineSystem, ModifySystemSettings,       0: one durable store write (and, for a
//   ModifyResourceSettings (and v1 names)        running VM, a memory target), done
//                                                before the reply
//   Add/RemoveResourceSettings                refused (Not Supported), see below
// RequestStateChange (system_provider.h) always returns 4096.
// Add/RemoveResourceSettings: a vmms VM has exactly one memory and one
// processor setting, created with it; adding or removing one is refused with
// v2 1 "Not Supported" / v1 32770 "Not Supported" and a description.
// Thread-safe.
#ifndef HV_VMMS_CIM_MANAGEMENT_SERVICE_PROVIDER_H_
#define HV_VMMS_CIM_MANAGEMENT_SERVICE_PROVIDER_H_

#include <string>

#include "vmms/cim/class_provider.h"
#include "vmms/cim/vm_directory.h"

namespace hv::vmms::cim {

class ManagementServiceProvider : public ClassProvider {
 public:
  // `host_name` is the hosting system's name (SystemName key).
  ManagementServiceProvider(VmDirectory* vms, std::string host_name)
      : vms_(vms), host_name_(std::move(host_name)) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;
  absl::StatusOr<MethodResult> Invoke(const CallContext& ctx, const hv::cim::ObjectPath& path,
                                      const hv::cim::Method& method,
                                      const std::vector<MethodArg>& args) override;

 private:
  // One method each; `r` is filled with the outcome.
  void Define(const CallContext& ctx, const std::vector<MethodArg>& args, MethodResult& r);
  void Destroy(const CallContext& ctx, const std::vector<MethodArg>& args, MethodResult& r);
  void ModifySystem(const CallContext& ctx, const std::vector<MethodArg>& args, MethodResult& r);
  void ModifyResources(const CallContext& ctx, const std::vector<MethodArg>& args,
                       MethodResult& r);
  void AddResources(const CallContext& ctx, const std::vector<MethodArg>& args, MethodResult& r);
  void RemoveResources(const CallContext& ctx, const std::vector<MethodArg>& args,
                       MethodResult& r);
  void Summary(const CallContext& ctx, const std::vector<MethodArg>& args, MethodResult& r);

  VmDirectory* const vms_;
  const std::string host_name_;
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_MANAGEMENT_SERVICE_PROVIDER_H_
