// Provider of the settings family in root/virtualization and
// root/virtualization/v2: per VM one Msvm_VirtualSystemSettingData
// (InstanceID "Microsoft:<GUID>"), in v1 also Msvm_VirtualSystemGlobalSettingData
// ("Microsoft:<GUID>\Global"), one Msvm_MemorySettingData
// ("Microsoft:<GUID>\4764334D-...") and one Msvm_ProcessorSettingData. Read
// only: settings change through Msvm_VirtualSystemManagementService methods
// (cim.md rule 5). Thread-safe.
#ifndef HV_VMMS_CIM_SETTINGS_PROVIDER_H_
#define HV_VMMS_CIM_SETTINGS_PROVIDER_H_

#include "vmms/cim/class_provider.h"
#include "vmms/cim/vm_directory.h"

namespace hv::vmms::cim {

class SettingsProvider : public ClassProvider {
 public:
  explicit SettingsProvider(VmDirectory* vms) : vms_(vms) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;
  absl::StatusOr<hv::cim::Instance> Get(const CallContext& ctx,
                                        const hv::cim::ObjectPath& path) override;

 private:
  VmDirectory* const vms_;
};

// The settings instance of `cls` for `vm`, or CIM_ERR_INVALID_CLASS.
absl::StatusOr<hv::cim::Instance> SettingInstance(const CallContext& ctx, absl::string_view cls,
                                                  const VmView& vm);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_SETTINGS_PROVIDER_H_
