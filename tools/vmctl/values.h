// Building and rendering hv.cim.v1 values for vmctl: typed constructors, a
// property lookup, text for tables, JSON for --json, and WBEM URI text of a
// path. Pure functions.
#ifndef HV_TOOLS_VMCTL_VALUES_H_
#define HV_TOOLS_VMCTL_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "hv/cim/v1/cim.pb.h"

namespace hv::vmctl {

hv::cim::v1::CimValue UintValue(hv::cim::v1::CimType type, uint64_t v);
hv::cim::v1::CimValue UintArray(hv::cim::v1::CimType type, const std::vector<uint64_t>& v);
hv::cim::v1::CimValue StringValue(const std::string& s);
hv::cim::v1::CimValue StringArray(const std::vector<std::string>& s);
hv::cim::v1::CimValue BoolValue(bool b);
hv::cim::v1::CimValue RefValue(const hv::cim::v1::ObjectPath& p);
// An untyped string: the server types it from the method declaration.
hv::cim::v1::CimValue UntypedValue(const std::string& s);
hv::cim::v1::ParamValue Param(const std::string& name, hv::cim::v1::CimValue v);

// The property named `name` (case-insensitive), or nullptr.
const hv::cim::v1::CimValue* FindProperty(const hv::cim::v1::CimInstance& inst,
                                          const std::string& name);
std::optional<uint64_t> GetUint(const hv::cim::v1::CimInstance& inst, const std::string& name);
std::optional<int64_t> GetInt(const hv::cim::v1::CimInstance& inst, const std::string& name);
std::optional<std::string> GetString(const hv::cim::v1::CimInstance& inst, const std::string& name);
std::optional<bool> GetBool(const hv::cim::v1::CimInstance& inst, const std::string& name);
// The out parameter named `name`, or nullptr.
const hv::cim::v1::CimValue* FindOut(const hv::cim::v1::InvokeMethodResponse& r,
                                     const std::string& name);

std::string PathToUri(const hv::cim::v1::ObjectPath& p);
std::string ValueToText(const hv::cim::v1::CimValue& v);
std::string ValueToJson(const hv::cim::v1::CimValue& v);
std::string InstanceToJson(const hv::cim::v1::CimInstance& inst);
std::string JsonString(const std::string& s);
// A MOF "instance of" text of `inst` (for embedded instance parameters).
std::string InstanceToMofText(const std::string& cls,
                              const std::vector<std::pair<std::string, std::string>>& props);

}  // namespace hv::vmctl

#endif  // HV_TOOLS_VMCTL_VALUES_H_
