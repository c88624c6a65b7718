// Embedded instances in method parameters (cim.md §1 "Embedded text on the
// wire", rule 4): a string parameter qualified EmbeddedInstance("Cls")
// carries either MOF text
//     instance of Msvm_MemorySettingData { VirtualQuantity = 2048; };
// or CIM-XML INSTANCE text (escaped XML inside the string)
//     <INSTANCE CLASSNAME="Msvm_MemorySettingData">
//       <PROPERTY NAME="VirtualQuantity" TYPE="uint64"><VALUE>2048</VALUE></PROPERTY>
//     </INSTANCE>
// Both are typed against the client's schema version: unknown classes and
// properties, values that do not fit the declared type, a TYPE attribute
// that contradicts the class, and a class that is not the declared one or
// a subclass of it are refused with CIM_ERR_INVALID_PARAMETER and a
// description naming the element. Input size is bounded.
// Pure functions; thread-safe.
#ifndef HV_VMMS_CIM_EMBEDDED_INSTANCE_H_
#define HV_VMMS_CIM_EMBEDDED_INSTANCE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/schema.h"

namespace hv::vmms::cim {

// Largest embedded instance text accepted.
inline constexpr size_t kMaxEmbeddedInstanceBytes = 256 * 1024;

absl::StatusOr<hv::cim::Instance> ParseEmbeddedInstance(absl::string_view text,
                                                        const hv::cim::Schema& schema,
                                                        absl::string_view required_class);

// A value of `type` from CIM-XML VALUE text (DSP0201): decimal or 0x
// integers, TRUE/FALSE, reals, DSP0004 datetimes, strings as is.
absl::StatusOr<hv::cim::Value> ValueFromText(const hv::cim::FeatureType& type,
                                             absl::string_view text);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_EMBEDDED_INSTANCE_H_
