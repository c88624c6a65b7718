// A change to a VM's persistent, non-memory configuration, as clients ask for
// it (ModifySystemSettings, ModifyInstance on Msvm_ComputerSystem): each set
// field replaces the stored one, unset fields stay as they are. Limits are
// the schema's (CIM_System MaxLen 64/256) or the guest's (the boot-info
// command line holds 1024 bytes; vmms accepts up to 1000).
#ifndef HV_VMMS_MODEL_SYSTEM_CHANGE_H_
#define HV_VMMS_MODEL_SYSTEM_CHANGE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "vmms/model/vm.h"

namespace hv::vmms {

inline constexpr size_t kMaxVmNameLength = 100;
inline constexpr size_t kMaxGuestCommandLine = 1000;
inline constexpr size_t kMaxOwnerNameLength = 64;      // CIM_System.PrimaryOwnerName MaxLen
inline constexpr size_t kMaxOwnerContactLength = 256;  // CIM_System.PrimaryOwnerContact MaxLen
// Bounds on the string lists (Notes, Roles): entries and bytes per entry.
inline constexpr size_t kMaxListEntries = 64;
inline constexpr size_t kMaxListEntryLength = 4096;

struct VmSystemChange {
  std::optional<std::string> name;
  std::optional<std::string> guest_command_line;
  std::optional<RecoveryAction> recovery;
  std::optional<std::vector<std::string>> notes;
  std::optional<std::string> primary_owner_name;
  std::optional<std::string> primary_owner_contact;
  std::optional<std::vector<std::string>> roles;

  bool empty() const;
};

// Applies `change` to `vm` after checking every field; on error `vm` is
// unchanged and the message names the VM, the field and the limit
// ("vm 'web1': PrimaryOwnerName is 70 bytes, more than 64").
// kInvalidArgument. Pure; thread-compatible.
absl::Status ApplySystemChange(const VmSystemChange& change, VmRecord& vm);

// "name, notes, ..." for the fields `change` sets (event text).
std::string DescribeSystemChange(const VmSystemChange& change);

}  // namespace hv::vmms

#endif  // HV_VMMS_MODEL_SYSTEM_CHANGE_H_
