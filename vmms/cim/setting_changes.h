// What a client's embedded settings instance (ModifySystemSettings,
// ModifyResourceSettings and their v1 names) actually changes, so that every
// change is either stored through the domain or refused by name; nothing is
// silently dropped (cim.md rule 5: clients send whole instances, apply only
// the changed properties). Pure functions; thread-safe.
#ifndef HV_VMMS_CIM_SETTING_CHANGES_H_
#define HV_VMMS_CIM_SETTING_CHANGES_H_

#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"

namespace hv::vmms::cim {

// True when `a` and `b` hold the same value: integers compare by value
// whatever their width or sign, other types by value or by MOF text.
bool SameValue(const hv::cim::Value& a, const hv::cim::Value& b);

// The properties of `update` whose non-NULL values differ from `current`
// (the instance vmms serves; a property it does not set counts as its
// default in `cls`, else NULL). Key properties are left out: they name the
// object, they do not change it. `cls` is the served (newest) class.
std::vector<hv::cim::PropertyValue> ChangedProperties(const hv::cim::Instance& current,
                                                      const hv::cim::Instance& update,
                                                      const hv::cim::Class& cls);

// OK when every name in `changed` is in `stored`; otherwise kUnimplemented
// (v2 "Not Supported", v1 32770) naming the first other property, e.g.
// "Msvm_MemorySettingData.HugePagesEnabled cannot be changed: vmms does not
// store it (it stores VirtualQuantity, Reservation, ...); nothing was changed".
absl::Status RefuseUnstored(absl::string_view cls, const std::vector<hv::cim::PropertyValue>& changed,
                            std::initializer_list<const char*> stored);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_SETTING_CHANGES_H_
