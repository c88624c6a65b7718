#include "cim-schema/mof_writer.h"

#include "cim-schema/mof_test_util.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

constexpr char kMof[] = R"(
[Version("1.0.0")]
class W_Base {
  [Key] string Id;
  [ValueMap {"0", "1"}, Values {"Off", "On"}] uint16 State = 1;
  uint32 Go([In] uint16 How, [In(false), Out] W_Base REF Result);
};
[Version("1.1.0")]
class W_Sub : W_Base {
  [Override("State"), Units("MB")] uint16 State;
  string Tags[] = {"a", "b"};
};
)";

TEST(MofWriter, WrittenClassesCompileBackToTheSameClasses) {
  auto s = testing::CompileTestMof(kMof);
  ASSERT_TRUE(s.ok()) << s.status();
  std::string text;
  for (const auto& c : (*s)->classes()) text += ClassToMof(*c) + "\n";
  auto again = testing::CompileTestMof(text);
  ASSERT_TRUE(again.ok()) << again.status() << "\n" << text;
  for (const auto& c : (*s)->classes()) {
    const Class* d = (*again)->FindClass(c->name());
    ASSERT_NE(d, nullptr);
    ASSERT_EQ(c->properties().size(), d->properties().size());
    for (size_t i = 0; i < c->properties().size(); ++i) {
      EXPECT_EQ(c->properties()[i].name, d->properties()[i].name);
      EXPECT_EQ(c->properties()[i].type, d->properties()[i].type);
      EXPECT_EQ(c->properties()[i].default_value, d->properties()[i].default_value);
      EXPECT_EQ(c->properties()[i].qualifiers.items().size(),
                d->properties()[i].qualifiers.items().size());
    }
    EXPECT_EQ(c->FindMethod("Go")->Signature(), d->FindMethod("Go")->Signature());
  }
}

TEST(MofWriter, SkipsQualifiersAndWritesDeclsAndInstances) {
  auto s = testing::CompileTestMof(kMof);
  ASSERT_TRUE(s.ok());
  MofWriteOptions opt;
  opt.skip_qualifiers.insert("values");
  std::string text = ClassToMof(*(*s)->FindClass("W_Base"), opt);
  EXPECT_EQ(text.find("Values"), std::string::npos) << text;
  EXPECT_NE(text.find("ValueMap {\"0\", \"1\"}"), std::string::npos) << text;
  EXPECT_NE(QualifierDeclToMof(*(*s)->FindQualifierDecl("Key")).find("Flavor(DisableOverride, ToSubclass)"),
            std::string::npos);
  Instance i("W_Base");
  i.Set("Id", Value::String("x"));
  EXPECT_EQ(InstanceToMof(i), "instance of W_Base {\n   Id = \"x\";\n};\n");
}

}  // namespace
}  // namespace hv::cim
