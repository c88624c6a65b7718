// Provider of root/interop, what WBEM clients probe to discover the server
// (cim.md §5, rule 10): one CIM_Namespace per served namespace, the
// CIM_ObjectManager, and CIM_RegisteredProfile for the DMTF profiles the
// virtualization namespaces implement. Static data built from the schema
// registry's namespace list. Thread-safe (immutable).
#ifndef HV_VMMS_CIM_INTEROP_PROVIDER_H_
#define HV_VMMS_CIM_INTEROP_PROVIDER_H_

#include <string>
#include <vector>

#include "vmms/cim/class_provider.h"

namespace hv::vmms::cim {

class InteropProvider : public ClassProvider {
 public:
  InteropProvider(std::vector<std::string> namespaces, std::string host_name)
      : namespaces_(std::move(namespaces)), host_name_(std::move(host_name)) {}
  std::vector<std::string> Classes(absl::string_view name_space) const override;
  absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                           absl::string_view cls) override;

 private:
  const std::vector<std::string> namespaces_;
  const std::string host_name_;
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_INTEROP_PROVIDER_H_
