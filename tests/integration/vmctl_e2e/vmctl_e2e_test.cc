// vmctl end to end: the built `vmctl` binary against a real vmms process with
// real vmwp workers, checked through its --json output and exit codes.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <regex>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/cim_grpc/vmms_process.h"

namespace hv::testing {
namespace {

using ::testing::HasSubstr;

struct VmctlRun {
  int exit_code = -1;
  std::string out;
};

class VmctlE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string missing = VmmsProcess::Missing();
    if (missing.empty() && access((BinaryDir() + "/tools/vmctl").c_str(), X_OK) != 0) {
      missing = BinaryDir() + "/tools/vmctl is missing";
    }
    if (!missing.empty()) GTEST_SKIP() << "real vmms/vmwp/vmctl needed: " << missing;
    auto p = VmmsProcess::Start(::testing::UnitTest::GetInstance()->current_test_info()->name(), 2048);
    ASSERT_TRUE(p.ok()) << p.status();
    vmms_ = *std::move(p);
  }
  // Runs vmctl --json with `args` (shell words, already quoted); stderr is dropped.
  VmctlRun Vmctl(const std::string& args) {
    std::string cmd = BinaryDir() + "/tools/vmctl --json --server " + vmms_->address() + " " + args +
                      " 2>/dev/null";
    VmctlRun r;
    FILE* f = popen(cmd.c_str(), "r");
    if (f == nullptr) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.out.append(buf.data(), n);
    int status = pclose(f);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  }
  // The first JSON value of `key` in `json` (number, bool or string, unquoted).
  static std::string Field(const std::string& json, const std::string& key) {
    std::smatch m;
    std::regex re("\"" + key + "\":(\"([^\"]*)\"|[^,}\\]]+)");
    if (!std::regex_search(json, m, re)) return "";
    return m[2].matched ? m[2].str() : m[1].str();
  }

  std::unique_ptr<VmmsProcess> vmms_;
};

TEST_F(VmctlE2eTest, ReadmeDemoAndLifecycle) {
  VmctlRun r = Vmctl("New-VM -Name demo -MemoryStartupBytes 256MB");
  ASSERT_EQ(r.exit_code, 0) << r.out << vmms_->Log();
  EXPECT_EQ(Field(r.out, "Name"), "demo");
  EXPECT_EQ(Field(r.out, "State"), "Off");

  r = Vmctl("Set-VMMemory -VMName demo -DynamicMemoryEnabled '$true' -MinimumBytes 128MB "
            "-MaximumBytes 512MB -Buffer 25 -Priority 70");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "DynamicMemoryEnabled"), "true");
  EXPECT_EQ(Field(r.out, "Minimum"), std::to_string(128ull << 20));
  EXPECT_EQ(Field(r.out, "Maximum"), std::to_string(512ull << 20));
  EXPECT_EQ(Field(r.out, "Buffer"), "25");
  EXPECT_EQ(Field(r.out, "Priority"), "70");

  r = Vmctl("Start-VM -Name demo");
  ASSERT_EQ(r.exit_code, 0) << r.out << vmms_->Log();
  EXPECT_EQ(Field(r.out, "State"), "Running");
  EXPECT_EQ(Field(r.out, "JobState"), "7");

  r = Vmctl("Get-VMMemory -VMName demo");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "Startup"), std::to_string(256ull << 20));

  r = Vmctl("Get-VM -Name demo");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "State"), "Running");

  // A running VM's minimum may not grow: method failure, exit 4, description.
  r = Vmctl("Set-VMMemory -VMName demo -MinimumBytes 256MB");
  EXPECT_EQ(r.exit_code, 4) << r.out;
  EXPECT_EQ(Field(r.out, "return_value"), "5");
  EXPECT_FALSE(Field(r.out, "description").empty());

  EXPECT_EQ(Vmctl("Suspend-VM -Name demo").exit_code, 0);
  EXPECT_EQ(Field(Vmctl("Get-VM -Name demo").out, "State"), "Paused");
  EXPECT_EQ(Vmctl("Resume-VM -Name demo").exit_code, 0);
  r = Vmctl("Save-VM -Name demo");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "State"), "Saved");
  // Restore from Saved: a new worker resumes the saved state (the Save above
  // completed only once the saved worker had exited and freed the socket).
  r = Vmctl("Start-VM -Name demo");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "State"), "Running") << r.out;
  r = Vmctl("Get-VMCounters -VMName demo");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = Vmctl("Stop-VM -Name demo -TurnOff");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "State"), "Off");
  r = Vmctl("Remove-VM -Name demo");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = Vmctl("Get-VM -Name demo");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Field(r.out, "cim_status"), "6");
}

TEST_F(VmctlE2eTest, GenericCimVerbsAndErrors) {
  ASSERT_EQ(Vmctl("New-VM -Name g1").exit_code, 0);
  VmctlRun r = Vmctl("cim query \"SELECT ElementName FROM Msvm_ComputerSystem WHERE ElementName = 'g1'\"");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "ElementName"), "g1");
  r = Vmctl("cim enum Msvm_VirtualSystemManagementService");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "Name"), "vmms");
  r = Vmctl("cim enum CIM_Namespace --namespace root/interop");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("root/virtualization/v2"));
  r = Vmctl("cim enum Msvm_Nope");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Field(r.out, "cim_status"), "5");
  r = Vmctl("cim get 'Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"x\"'");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Field(r.out, "cim_status"), "6");
  r = Vmctl("cim invoke Msvm_VirtualSystemManagementService GetSummaryInformation "
            "'RequestedInformation[]=0' 'RequestedInformation[]=1'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Field(r.out, "ElementName"), "g1");
  r = Vmctl("--schema root/virtualization@2008R2-RTM cim enum Msvm_MemorySettingData "
            "--namespace root/virtualization");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("DynamicMemoryEnabled")));
  r = Vmctl("schema diff root/virtualization@2008R2-SP1 root/virtualization/v2@2012");
  EXPECT_EQ(r.exit_code, 5) << r.out;
  EXPECT_THAT(r.out, HasSubstr("BREAKING"));
  // A live namespace is a diff side: v2 as served equals its MOF, and an RTM
  // pin makes the served v1 namespace the RTM one (SP1 then adds to it).
  r = Vmctl("schema diff live:root/virtualization/v2 root/virtualization/v2@2012");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\"changes\":[]"));
  r = Vmctl("--schema root/virtualization@2008R2-RTM schema diff live:root/virtualization "
            "root/virtualization@2008R2-SP1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("Msvm_MemorySettingData.DynamicMemoryEnabled\",\"what\":\"property added"));
  EXPECT_EQ(Vmctl("Frob-VM").exit_code, 1);
}

}  // namespace
}  // namespace hv::testing
