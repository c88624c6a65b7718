#include "vmms/model/system_change.h"

#include <string>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

VmRecord Vm() {
  VmRecord vm;
  vm.name = "web1";
  vm.notes = {"old"};
  vm.primary_owner_name = "ops";
  return vm;
}

TEST(SystemChange, AppliesOnlyTheFieldsItSets) {
  VmRecord vm = Vm();
  VmSystemChange c;
  c.notes = std::vector<std::string>{"a", "b"};
  c.recovery = RecoveryAction::kRestart;
  ASSERT_TRUE(ApplySystemChange(c, vm).ok());
  EXPECT_EQ(vm.notes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(vm.recovery, RecoveryAction::kRestart);
  EXPECT_EQ(vm.primary_owner_name, "ops");  // unset: unchanged
  EXPECT_EQ(vm.name, "web1");
  EXPECT_EQ(DescribeSystemChange(c), "AutomaticRecoveryAction 1, Notes");
  EXPECT_FALSE(c.empty());
  EXPECT_TRUE(VmSystemChange{}.empty());
}

TEST(SystemChange, RefusesEachBrokenLimitAndChangesNothing) {
  struct Case {
    VmSystemChange change;
    std::string message;
  };
  std::vector<Case> cases(7);
  cases[0].change.name = std::string("");
  cases[0].message = "new name '' must be 1..100";
  cases[1].change.guest_command_line = std::string(1001, 'x');
  cases[1].message = "GuestCommandLine is 1001 bytes, more than 1000";
  cases[2].change.primary_owner_name = std::string(65, 'x');
  cases[2].message = "PrimaryOwnerName is 65 bytes, more than 64";
  cases[3].change.primary_owner_contact = std::string(257, 'x');
  cases[3].message = "PrimaryOwnerContact is 257 bytes, more than 256";
  cases[4].change.notes = std::vector<std::string>(65, "n");
  cases[4].message = "Notes has 65 entries, more than 64";
  cases[5].change.roles = std::vector<std::string>{"ok", std::string(4097, 'r')};
  cases[5].message = "Roles[1] is 4097 bytes";
  cases[6].change.recovery = static_cast<RecoveryAction>(7);
  cases[6].message = "AutomaticRecoveryAction 7 is not";
  for (const Case& c : cases) {
    VmRecord vm = Vm();
    VmSystemChange with_more = c.change;
    with_more.primary_owner_contact = with_more.primary_owner_contact.value_or("new contact");
    absl::Status s = ApplySystemChange(with_more, vm);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(s.message().find("vm 'web1': "), std::string::npos) << s;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s;
    EXPECT_EQ(vm.primary_owner_contact, "");  // nothing applied
    EXPECT_EQ(vm.notes, std::vector<std::string>{"old"});
  }
}

TEST(SystemChange, RevertToSnapshotNeedsSnapshots) {
  VmRecord vm = Vm();
  VmSystemChange c;
  c.recovery = RecoveryAction::kRevertToSnapshot;
  absl::Status s = ApplySystemChange(c, vm);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(vm.recovery, RecoveryAction::kNone);
}

}  // namespace
}  // namespace hv::vmms
