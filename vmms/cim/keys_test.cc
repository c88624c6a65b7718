#include "vmms/cim/keys.h"

#include "gtest/gtest.h"

namespace hv::vmms::cim {
namespace {

constexpr char kId[] = "10F9807B-5B6E-4112-B8AF-311A664D0C43";

TEST(Keys, SettingIdsRoundTripEveryKind) {
  for (SettingKind k : {SettingKind::kSystem, SettingKind::kGlobal, SettingKind::kMemory,
                        SettingKind::kProcessor, SettingKind::kHeartbeat}) {
    std::string iid = SettingInstanceId(kId, k);
    EXPECT_EQ(iid.rfind("Microsoft:", 0), 0u);
    auto parsed = ParseSettingInstanceId(iid);
    ASSERT_TRUE(parsed) << iid;
    EXPECT_EQ(parsed->vm_id, kId);
    EXPECT_EQ(parsed->kind, k);
  }
  EXPECT_EQ(SettingInstanceId(kId, SettingKind::kMemory),
            std::string("Microsoft:") + kId + "\\4764334D-E001-4176-82EE-5594EC9B530E");
  // Lower-case GUIDs are the same object.
  auto lower = ParseSettingInstanceId("microsoft:10f9807b-5b6e-4112-b8af-311a664d0c43");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->vm_id, kId);
  EXPECT_FALSE(ParseSettingInstanceId("Microsoft:not-a-guid"));
  EXPECT_FALSE(ParseSettingInstanceId(std::string("Microsoft:") + kId + "\\Unknown"));
  EXPECT_FALSE(ParseSettingInstanceId("Contoso:" + std::string(kId)));
}

TEST(Keys, SameObjectIgnoresCaseOrderAndNamespace) {
  hv::cim::ObjectPath a = ComputerSystemPath(kId);
  hv::cim::ObjectPath b;
  b.name_space = "root/virtualization/v2";
  b.class_name = "msvm_computersystem";
  b.SetKey("name", hv::cim::Value::String("10f9807b-5b6e-4112-b8af-311a664d0c43"));
  b.SetKey("CREATIONCLASSNAME", hv::cim::Value::String("Msvm_ComputerSystem"));
  EXPECT_TRUE(SameObject(a, b));
  b.SetKey("name", hv::cim::Value::String("00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(SameObject(a, b));
  EXPECT_EQ(StringKey(a, "NAME"), kId);
  EXPECT_EQ(StringKey(a, "Missing"), "");
}

}  // namespace
}  // namespace hv::vmms::cim
