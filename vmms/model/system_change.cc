#include "vmms/model/system_change.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hv::vmms {

namespace {

absl::Status CheckLength(const VmRecord& vm, absl::string_view field, const std::string& value,
                         size_t max) {
  if (value.size() > max) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': ", field, " is ",
                                                   value.size(), " bytes, more than ", max));
  }
  return absl::OkStatus();
}

absl::Status CheckList(const VmRecord& vm, absl::string_view field,
                       const std::vector<std::string>& list) {
  if (list.size() > kMaxListEntries) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': ", field, " has ",
                                                   list.size(), " entries, more than ",
                                                   kMaxListEntries));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].size() > kMaxListEntryLength) {
      return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': ", field, "[", i,
                                                     "] is ", list[i].size(),
                                                     " bytes, more than ", kMaxListEntryLength));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool VmSystemChange::empty() const {
  return !name && !guest_command_line && !recovery && !notes && !primary_owner_name &&
         !primary_owner_contact && !roles;
}

absl::Status ApplySystemChange(const VmSystemChange& c, VmRecord& vm) {
  if (c.name && (c.name->empty() || c.name->size() > kMaxVmNameLength)) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': new name '", *c.name,
                                                   "' must be 1..", kMaxVmNameLength,
                                                   " characters"));
  }
  if (c.guest_command_line) {
    if (absl::Status s = CheckLength(vm, "GuestCommandLine", *c.guest_command_line,
                                     kMaxGuestCommandLine);
        !s.ok()) {
      return s;
    }
  }
  if (c.recovery && *c.recovery != RecoveryAction::kNone && *c.recovery != RecoveryAction::kRestart &&
      *c.recovery != RecoveryAction::kRevertToSnapshot) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", vm.name, "': AutomaticRecoveryAction ",
                                                   static_cast<uint32_t>(*c.recovery),
                                                   " is not 0 (None), 1 (Restart) or 2 "
                                                   "(Revert to Snapshot)"));
  }
  if (c.recovery == RecoveryAction::kRevertToSnapshot) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vm '", vm.name, "': AutomaticRecoveryAction 2 (Revert to Snapshot) needs snapshots, "
                         "which vmms does not have"));
  }
  if (c.primary_owner_name) {
    if (absl::Status s = CheckLength(vm, "PrimaryOwnerName", *c.primary_owner_name,
                                     kMaxOwnerNameLength);
        !s.ok()) {
      return s;
    }
  }
  if (c.primary_owner_contact) {
    if (absl::Status s = CheckLength(vm, "PrimaryOwnerContact", *c.primary_owner_contact,
                                     kMaxOwnerContactLength);
        !s.ok()) {
      return s;
    }
  }
  if (c.notes) {
    if (absl::Status s = CheckList(vm, "Notes", *c.notes); !s.ok()) return s;
  }
  if (c.roles) {
    if (absl::Status s = CheckList(vm, "Roles", *c.roles); !s.ok()) return s;
  }
  if (c.name) vm.name = *c.name;
  if (c.guest_command_line) vm.guest_command_line = *c.guest_command_line;
  if (c.recovery) vm.recovery = *c.recovery;
  if (c.notes) vm.notes = *c.notes;
  if (c.primary_owner_name) vm.primary_owner_name = *c.primary_owner_name;
  if (c.primary_owner_contact) vm.primary_owner_contact = *c.primary_owner_contact;
  if (c.roles) vm.roles = *c.roles;
  return absl::OkStatus();
}

std::string DescribeSystemChange(const VmSystemChange& c) {
  std::vector<std::string> f;
  if (c.name) f.push_back(absl::StrCat("name '", *c.name, "'"));
  if (c.guest_command_line) f.push_back("GuestCommandLine");
  if (c.recovery) f.push_back(absl::StrCat("AutomaticRecoveryAction ", static_cast<uint32_t>(*c.recovery)));
  if (c.notes) f.push_back("Notes");
  if (c.primary_owner_name) f.push_back("PrimaryOwnerName");
  if (c.primary_owner_contact) f.push_back("PrimaryOwnerContact");
  if (c.roles) f.push_back("Roles");
  return absl::StrJoin(f, ", ");
}

}  // namespace hv::vmms
