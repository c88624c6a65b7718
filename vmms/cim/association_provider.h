// Provider of the association classes of root/virtualization and
// root/virtualization/v2, derived from the VMs and jobs (nothing stored):
//   Msvm_SettingsDefineState, Msvm_ElementSettingData
//        Msvm_ComputerSystem <-> Msvm_VirtualSystemSettingData
//   Msvm_VirtualSystemSettingDataComponent
//        Msvm_VirtualSystemSettingData -> Msvm_MemorySettingData, Msvm_ProcessorSettingData
//   Msvm_SystemDevice
//        Msvm_ComputerSystem -> Msvm_Memory, Msvm_HeartbeatComponent
//   Msvm_AffectedJobElement
//        Msvm_ComputerSystem <- Msvm_ConcreteJob
//   Msvm_HostedDependency
//        host Msvm_ComputerSystem (Antecedent) -> each VM's (Dependent)
// References carry the namespace. Thread-safe.
#ifndef HV_VMMS_CIM_ASSOCIATION_PROVIDER_H_
#define HV_VMMS_CIM_ASSOCIATION_PROVIDER_H_

#include <string>

#include "vmms/cim/class_provider.h"
#include "vmms/cim/vm_directory.h"

namespace hv::vmms::cim {

class AssociationProvider : public ClassProvider {
 public:
  // `host_name` names the hosting Msvm_ComputerSystem (Msvm_HostedDependency).
  AssociationProvider(VmDirectory* vms, std::string host_name)
      : vms_(vms), host_name_(std::move(host_name)) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;

 private:
  VmDirectory* const vms_;
  const std::string host_name_;
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_ASSOCIATION_PROVIDER_H_
