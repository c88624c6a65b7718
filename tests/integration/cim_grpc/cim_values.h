// Building and reading hv.cim.v1 values in the clients of the integration
// tests and the scale bench (which speak the wire protocol directly, as a
// remote management tool would). Pure functions; thread-safe.
#ifndef HV_TESTS_INTEGRATION_CIM_GRPC_CIM_VALUES_H_
#define HV_TESTS_INTEGRATION_CIM_GRPC_CIM_VALUES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hv/cim/v1/cim.pb.h"

namespace hv::testing {

hv::cim::v1::CimValue Str(const std::string& s);
hv::cim::v1::CimValue StrArr(const std::vector<std::string>& s);
hv::cim::v1::CimValue U16(uint64_t x);
hv::cim::v1::CimValue Ref(const hv::cim::v1::ObjectPath& p);
// A named method parameter.
hv::cim::v1::ParamValue P(const std::string& name, hv::cim::v1::CimValue v);

// `s` as a MOF string literal: quoted, with '"' and '\' escaped.
std::string MofQuote(std::string_view s);

// The value of property `name` (case-insensitive, as CIM names are), or
// nullptr when the instance does not carry it.
const hv::cim::v1::CimValue* Prop(const hv::cim::v1::CimInstance& i, std::string_view name);
// The first element of an unsigned / string property; `missing` (~0) / ""
// when the property is absent, NULL or empty.
uint64_t U(const hv::cim::v1::CimInstance& i, std::string_view name, uint64_t missing = ~0ull);
std::string S(const hv::cim::v1::CimInstance& i, std::string_view name);

}  // namespace hv::testing

#endif  // HV_TESTS_INTEGRATION_CIM_GRPC_CIM_VALUES_H_
