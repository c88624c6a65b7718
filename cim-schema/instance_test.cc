#include "cim-schema/instance.h"

#include "cim-schema/mof_test_util.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(Instance, SetGetRemoveCaseInsensitive) {
  Instance i("Msvm_ComputerSystem");
  i.Set("ElementName", Value::String("vm1"));
  i.Set("elementname", Value::String("vm2"));
  ASSERT_EQ(i.properties().size(), 1u);
  EXPECT_EQ(i.properties()[0].name, "ElementName");
  EXPECT_EQ(i.Get("ELEMENTNAME")->AsString(), "vm2");
  i.Set("EnabledState", Value::Unsigned(CimType::kUint16, 2));
  EXPECT_TRUE(i.Remove("elementName"));
  EXPECT_EQ(i.Get("ElementName"), nullptr);
  EXPECT_EQ(i.Get("EnabledState")->AsUnsigned(), 2u);
}

TEST(Instance, PathFromKeys) {
  auto s = testing::CompileTestMof("class Cs { [Key] string CreationClassName; [Key] string Name; };");
  ASSERT_TRUE(s.ok()) << s.status();
  const Class* cs = (*s)->FindClass("Cs");
  Instance i("Cs");
  i.Set("Name", Value::String("ABC-123"));
  EXPECT_EQ(i.Path(*cs).status().code(), absl::StatusCode::kFailedPrecondition);
  i.Set("CreationClassName", Value::String("Cs"));
  auto p = i.Path(*cs, "root/virtualization/v2");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->ToWbemUri(), "/root/virtualization/v2:Cs.CreationClassName=\"Cs\",Name=\"ABC-123\"");
}

}  // namespace
}  // namespace hv::cim
