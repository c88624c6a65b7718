// Types a method argument against its parameter declaration (cim.md rule 3:
// clients such as wbemcli send untyped values, so strings are converted to
// the declared type; typed values must fit it). Integers convert between
// widths when the value fits; strings parse as the declared type; a scalar
// for an array parameter or the reverse is a mismatch. Failures are
// CIM_ERR_TYPE_MISMATCH naming the parameter, the declared type and the
// value. Pure; thread-safe.
#ifndef HV_VMMS_CIM_ARG_COERCION_H_
#define HV_VMMS_CIM_ARG_COERCION_H_

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/value.h"

namespace hv::vmms::cim {

absl::StatusOr<hv::cim::Value> CoerceToType(absl::string_view what,
                                            const hv::cim::FeatureType& type,
                                            const hv::cim::Value& value);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_ARG_COERCION_H_
