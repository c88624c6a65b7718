// Provider of the virtual-system family in root/virtualization and
// root/virtualization/v2: Msvm_ComputerSystem (one per VM, Name = GUID,
// Caption "Virtual Machine"; plus the host itself, as on Hyper-V: Name = the
// host name, Caption "Hosting Computer System", Description "Microsoft
// Hosting Computer System", always Enabled; its state is not vmms's to
// change, so RequestStateChange on it is Not Supported (32770)),
// and its devices Msvm_Memory and Msvm_HeartbeatComponent; the method
// Msvm_ComputerSystem.RequestStateChange (v2 2, 3, 4, 6, 9, 10, 11; v1 2, 3,
// 10, 32768 pause, 32769 save), which starts a job and returns 4096 with a
// Msvm_ConcreteJob reference, or a 32768.. code with a description.
// Thread-safe.
#ifndef HV_VMMS_CIM_SYSTEM_PROVIDER_H_
#define HV_VMMS_CIM_SYSTEM_PROVIDER_H_

#include "vmms/cim/class_provider.h"
#include "vmms/cim/vm_directory.h"

namespace hv::vmms::cim {

class SystemProvider : public ClassProvider {
 public:
  // `host_name` names the hosting Msvm_ComputerSystem.
  SystemProvider(VmDirectory* vms, std::string host_name)
      : vms_(vms), host_name_(std::move(host_name)) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;
  absl::StatusOr<hv::cim::Instance> Get(const CallContext& ctx,
                                        const hv::cim::ObjectPath& path) override;
  absl::StatusOr<MethodResult> Invoke(const CallContext& ctx, const hv::cim::ObjectPath& path,
                                      const hv::cim::Method& method,
                                      const std::vector<MethodArg>& args) override;
  // Msvm_ComputerSystem's PrimaryOwnerName, PrimaryOwnerContact and Roles are
  // stored with the VM (VmManager::ModifySystem); every other Write property
  // (EnabledDefault, the devices' LocationIndicator...) is refused.
  absl::Status Modify(const CallContext& ctx, const hv::cim::ObjectPath& path,
                      const std::vector<hv::cim::PropertyValue>& changes) override;

 private:
  absl::StatusOr<hv::cim::Instance> Build(const CallContext& ctx, absl::string_view cls,
                                          const VmView& vm);
  bool IsHost(const hv::cim::ObjectPath& path) const;
  hv::cim::Instance HostInstance(const CallContext& ctx) const;

  VmDirectory* const vms_;
  const std::string host_name_;
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_SYSTEM_PROVIDER_H_
