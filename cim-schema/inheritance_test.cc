#include "cim-schema/inheritance.h"

#include "cim-schema/mof_test_util.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

using testing::CompileTestMof;

constexpr char kBase[] = R"(
[Abstract, Version("1.0.0"), Description("base")]
class T_Base {
  [Key] string Id;
  [ValueMap {"0", "1"}, Values {"Off", "On"}] uint16 State = 0;
  [Write] string Label;
  uint32 Go([In] uint16 How, [In(false), Out] string Result);
};
)";

TEST(Inheritance, RestrictedQualifiersAreNotInherited) {
  auto s = CompileTestMof(std::string(kBase) + "[Version(\"1.1.0\")] class T_Sub : T_Base {};");
  ASSERT_TRUE(s.ok()) << s.status();
  const Class* sub = (*s)->FindClass("t_sub");
  ASSERT_NE(sub, nullptr);
  EXPECT_FALSE(sub->IsAbstract());  // Abstract is Restricted
  EXPECT_EQ(sub->Version(), "1.1.0");
  const Qualifier* d = sub->qualifiers().Find("Description");
  ASSERT_NE(d, nullptr);  // ToSubclass
  EXPECT_TRUE(d->propagated);
  const Property* id = sub->FindProperty("ID");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(id->propagated);
  EXPECT_TRUE(id->IsKey());
  EXPECT_EQ(id->class_origin, "T_Base");
  EXPECT_TRUE(sub->FindMethod("go")->propagated);
}

TEST(Inheritance, OverrideKeepsPositionMergesQualifiersAndDefaults) {
  auto s = CompileTestMof(std::string(kBase) + R"(
class T_Sub : T_Base {
  [Override("State"), Values {"Stopped", "Running"}] uint16 State;
  string Extra;
};)");
  ASSERT_TRUE(s.ok()) << s.status();
  const Class* sub = (*s)->FindClass("T_Sub");
  ASSERT_EQ(sub->properties().size(), 4u);
  EXPECT_EQ(sub->properties()[1].name, "State");
  const Property& st = sub->properties()[1];
  EXPECT_FALSE(st.propagated);
  EXPECT_EQ(st.class_origin, "T_Sub");
  EXPECT_EQ(st.qualifiers.GetStrings("Values")[0], "Stopped");
  EXPECT_EQ(st.qualifiers.GetStrings("ValueMap")[1], "1");  // inherited
  EXPECT_EQ(st.default_value, Value::Unsigned(CimType::kUint16, 0));
  EXPECT_EQ(sub->properties()[3].name, "Extra");
}

TEST(Inheritance, DisableOverrideIsEnforced) {
  auto s = CompileTestMof(std::string(kBase) + R"(
class T_Sub : T_Base { [Override("Id"), Key(false)] string Id; };)");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("qualifier 'Key' is DisableOverride"), std::string::npos)
      << s.status();
  // Repeating the same value is fine.
  EXPECT_TRUE(CompileTestMof(std::string(kBase) +
                             "class T_Sub : T_Base { [Override(\"Id\"), Key] string Id; };")
                  .ok());
}

TEST(Inheritance, OverrideCannotChangeTypeButMayNarrowReferences) {
  auto bad = CompileTestMof(std::string(kBase) + "class T_Sub : T_Base { uint32 State; };");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("changes the type from uint16 to uint32"),
            std::string::npos);
  auto assoc = CompileTestMof(std::string(kBase) + R"(
class T_Sub : T_Base {};
[Association] class T_A { [Key] T_Base REF Left; };
[Association] class T_B : T_A { [Override("Left")] T_Sub REF Left; };
[Association] class T_C : T_A { [Override("Left")] T_C REF Left; };)");
  ASSERT_FALSE(assoc.ok());
  EXPECT_NE(assoc.status().message().find("to 'T_C'"), std::string::npos) << assoc.status();
  EXPECT_NE(assoc.status().message().find("not a subclass"), std::string::npos);
}

TEST(Inheritance, ReferencesOnlyInAssociations) {
  auto s = CompileTestMof(std::string(kBase) + "class T_X { T_Base REF R; };");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("only in associations"), std::string::npos);
}

TEST(Inheritance, MethodOverrideMergesParameterQualifiers) {
  auto s = CompileTestMof(std::string(kBase) + R"(
class T_Sub : T_Base {
  [Override("Go"), ValueMap {"0", "4096"}] uint32 Go([ValueMap {"1"}] uint16 How, [Out, In(false)] string Result);
};)");
  ASSERT_TRUE(s.ok()) << s.status();
  const Method* m = (*s)->FindClass("T_Sub")->FindMethod("Go");
  EXPECT_FALSE(m->propagated);
  EXPECT_TRUE(m->parameters[0].IsIn());
  EXPECT_TRUE(m->parameters[1].IsOut());
  EXPECT_FALSE(m->parameters[1].IsIn());
  EXPECT_EQ(m->qualifiers.GetStrings("ValueMap").size(), 2u);
}

}  // namespace
}  // namespace hv::cim
