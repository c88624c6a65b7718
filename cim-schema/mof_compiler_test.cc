#include "cim-schema/mof_compiler.h"

#include "cim-schema/mof_test_util.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

using testing::CompileTestMof;

TEST(MofCompiler, ClassesPropertiesMethodsAndAliases) {
  auto s = CompileTestMof(R"(
// comment
[Version("1.0.0")]
class T_A AS $ta {
  [Key] string Id;
  uint8 Bytes[4];
  string Names[] = {"a", "b" "c"};
  sint32 Neg = -0x10;
  real64 R = 2.5e1;
  char16 C = '\x41';
  datetime When = "20240101000000.000000+000";
  boolean B = TRUE;
  uint32 Run([In, Required] uint16 Mode, [In(false), Out] T_A REF Result[]);
};
[Association] class T_Assoc { [Key] T_A REF Left; [Key] T_A REF Right; };
instance of T_A as $one { Id = "one"; Bytes = {1, 2, 3, 4}; };
instance of T_Assoc { Left = $one; Right = "T_A.Id=\"two\""; };
)");
  ASSERT_TRUE(s.ok()) << s.status();
  const Class* a = (*s)->FindClass("T_A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->FindProperty("Bytes")->type.ToString(), "uint8[4]");
  EXPECT_EQ(a->FindProperty("Names")->default_value.ToMof(), "{\"a\", \"bc\"}");
  EXPECT_EQ(a->FindProperty("Neg")->default_value.AsSigned(), -16);
  EXPECT_DOUBLE_EQ(a->FindProperty("R")->default_value.AsReal(), 25.0);
  EXPECT_EQ(a->FindProperty("C")->default_value.AsUnsigned(), 0x41u);
  EXPECT_EQ(a->FindProperty("When")->default_value.type(), CimType::kDatetime);
  EXPECT_EQ(a->FindMethod("Run")->Signature(),
            "uint32 Run([IN] uint16 Mode, [OUT] T_A REF Result[])");
  ASSERT_EQ((*s)->instances().size(), 2u);
  const Instance& assoc = (*s)->instances()[1];
  EXPECT_EQ(assoc.Get("Left")->AsReference().FindKey("Id")->AsString(), "one");
  EXPECT_EQ(assoc.Get("Right")->AsReference().FindKey("Id")->AsString(), "two");
}

TEST(MofCompiler, PragmaNamespaceSwitchesSchemas) {
  SchemaSet set;
  MemoryMofSource src({});
  MofCompiler c(&src, &set);
  ASSERT_TRUE(c.CompileText("x.mof", std::string(testing::kTestQualifiers) +
                                         "#pragma locale(\"en_US\")\n#pragma namespace(\"root/a\")\n" +
                                         testing::kTestQualifiers + "class A {};\n")
                  .ok());
  EXPECT_EQ(c.locale(), "en_US");
  EXPECT_NE(set.Find("root/a"), nullptr);
  EXPECT_NE(set.Find("ROOT/A")->FindClass("a"), nullptr);
  EXPECT_EQ(set.Find("root/cimv2")->class_count(), 0u);
}

TEST(MofCompiler, IncludesResolveRelativeAndDetectCycles) {
  std::string q = testing::kTestQualifiers;
  MemoryMofSource src({{"top.mof", "#pragma include(\"sub/a.mof\")\nclass Top : A {};"},
                       {"sub/a.mof", "#pragma include(\"../q.mof\")\nclass A {};"},
                       {"q.mof", q},
                       {"cyc1.mof", "#pragma include(\"cyc2.mof\")"},
                       {"cyc2.mof", "#pragma include(\"cyc1.mof\")"}});
  SchemaSet set;
  MofCompiler c(&src, &set);
  ASSERT_TRUE(c.CompileFile("top.mof").ok());
  EXPECT_EQ(c.files_compiled(), 3u);
  EXPECT_NE(set.Find("root/cimv2")->FindClass("Top"), nullptr);
  SchemaSet set2;
  MofCompiler c2(&src, &set2);
  absl::Status s = c2.CompileFile("cyc1.mof");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("include cycle: cyc1.mof -> cyc2.mof -> cyc1.mof"), std::string::npos)
      << s;
  SchemaSet set3;
  MofCompiler c3(&src, &set3);
  EXPECT_EQ(c3.CompileFile("missing.mof").code(), absl::StatusCode::kNotFound);
}

TEST(MofCompiler, LimitsBoundInput) {
  MemoryMofSource src({{"big.mof", std::string(2000, ' ')}});
  SchemaSet set;
  MofOptions opt;
  opt.max_file_bytes = 1000;
  MofCompiler c(&src, &set, opt);
  EXPECT_EQ(c.CompileFile("big.mof").code(), absl::StatusCode::kResourceExhausted);
  // Self-include without a cycle check would recurse forever; depth is bounded too.
  MemoryMofSource deep(std::map<std::string, absl::string_view, std::less<>>{{"d.mof", "#pragma include(\"./d.mof\")"}});
  SchemaSet set2;
  MofCompiler c2(&deep, &set2);
  EXPECT_FALSE(c2.CompileFile("d.mof").ok());
}

struct BadCase {
  const char* mof;
  const char* expect;  // substring of the error
};

TEST(MofCompiler, ErrorsCarryFileLineColumnAndExpectation) {
  const BadCase cases[] = {
      {"class A { [Nope] string X; };", "qualifier 'Nope' on class 'A' property 'X' is not declared"},
      {"class A { string X };", "expected ';' after property X, found '}'"},
      {"class A { strin X; };", "expected a CIM type or '<Class> REF', found 'strin'"},
      {"class A : Missing {};", "superclass 'Missing' is not defined"},
      {"class A {}; class a {};", "defined twice"},
      {"class A { uint8 X = 256; };", "value out of range for uint8"},
      {"class A { sint8 X = -129; };", "value out of range for sint8"},
      {"class A { uint8 X = -1; };", "value out of range"},
      {"class A { string X = 5; };", "expected a string value, found an integer"},
      {"class A { datetime X = \"2024\"; };", "expected 25 characters"},
      {"class A { uint8 X[] = 5; };", "expected an array {...}"},
      {"class A { uint8 X = {1}; };", "expected a scalar uint8 value"},
      {"class A { [Key(\"x\")] string X; };", "expected a boolean value, found a string"},
      {"class A { [ValueMap] uint8 X; };", "needs a value"},
      {"[Key] class A {};", "qualifier 'Key' is not allowed on class 'A'"},
      {"class A { string X; string x; };", "declared twice"},
      {"class A { string X = \"a\\q\"; };", "malformed escape"},
      {"instance of Nope { X = 1; };", "instance of undefined class 'Nope'"},
      {"class A { string X; }; instance of A { Y = 1; };", "class 'A' has no property 'Y'"},
      {"class A { string X; }; instance of A { X = $nope; };", "expected a string value, found an alias"},
      {"[Association] class R { A REF X = $nope; };", "alias '$nope' is not defined"},
      {"#pragma include(\"nothere.mof\")", "not found"},
      {"Qualifier Q : uint8, Scope(bogus);", "expected a scope"},
      {"Qualifier Q : uint8;", "has no Scope"},
      {"class A { uint32 M(uint8 a, uint8 a); };", "parameter 'a' declared twice"},
      {"garbage", "expected 'class', 'instance', 'qualifier' or '#pragma', found 'garbage'"},
      {"class A {", "found end of file"},
  };
  for (const BadCase& c : cases) {
    auto s = CompileTestMof(c.mof);
    ASSERT_FALSE(s.ok()) << c.mof;
    const std::string msg(s.status().message());
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.mof << "\n -> " << msg;
    EXPECT_EQ(msg.rfind("test.mof:", 0), 0u) << msg;  // file:line:col prefix
  }
}

TEST(MofCompiler, ErrorPositionIsLineAndColumn) {
  SchemaSet set;
  MemoryMofSource src({});
  MofCompiler c(&src, &set);
  absl::Status s = c.CompileText("f.mof", "\n\n  class A {\n    [Nope] string X; };");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().substr(0, 10), "f.mof:4:6:") << s;
}

}  // namespace
}  // namespace hv::cim
