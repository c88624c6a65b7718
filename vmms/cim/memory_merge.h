// Applies a client's Msvm_MemorySettingData / Msvm_ProcessorSettingData to a
// VM's settings, merging: only properties present (non-NULL) in the
// client's instance change; everything else stays exactly as stored
// (cim.proto "Schema pinning", issue 8 "writes merge").
//
// A client of a schema version that predates Dynamic Memory (its
// Msvm_MemorySettingData has no DynamicMemoryEnabled, e.g.
// root/virtualization@2008R2-RTM) cannot mean the Dynamic Memory minimum and
// maximum by Reservation and Limit (in its schema they are the static
// memory's reservation and limit, which tools echo or set equal to
// VirtualQuantity), so from such a client only VirtualQuantity and Weight
// are applied; DynamicMemoryEnabled, TargetMemoryBuffer, minimum and maximum
// are left as they were. The rule is data-driven (the table in the .cc),
// not a version-name check.
// Pure functions; thread-safe.
#ifndef HV_VMMS_CIM_MEMORY_MERGE_H_
#define HV_VMMS_CIM_MEMORY_MERGE_H_

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "vmms/model/memory_settings.h"

namespace hv::vmms::cim {

// `client_class` is Msvm_MemorySettingData as the client's version defines
// it. Fails (CIM_ERR_INVALID_PARAMETER) when ResourceType is given and is
// not 4 (Memory) or a value does not fit its field. Rule checks (min ≤
// startup ≤ max, buffer, weight) are the domain's (ValidateMemorySettings).
absl::StatusOr<MemorySettings> MergeMemorySettings(const MemorySettings& current,
                                                   const hv::cim::Instance& update,
                                                   const hv::cim::Class& client_class);

// The processor count from a processor setting (VirtualQuantity), or
// `current` when absent.
absl::StatusOr<uint32_t> MergeProcessorCount(uint32_t current, const hv::cim::Instance& update);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_MEMORY_MERGE_H_
