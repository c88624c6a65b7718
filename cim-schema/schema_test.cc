#include "cim-schema/schema.h"

#include "cim-schema/mof_test_util.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

constexpr char kTree[] = R"(
class A { [Key] string K; };
class B : A {};
class C : B {};
class D : A {};
)";

TEST(Schema, SubclassesChainsAndLookups) {
  auto s = testing::CompileTestMof(kTree);
  ASSERT_TRUE(s.ok()) << s.status();
  const Schema& sc = **s;
  EXPECT_EQ(sc.class_count(), 4u);
  std::vector<std::string> direct, deep;
  for (const Class* c : sc.Subclasses("a", false)) direct.push_back(c->name());
  for (const Class* c : sc.Subclasses("A", true)) deep.push_back(c->name());
  EXPECT_EQ(direct, (std::vector<std::string>{"B", "D"}));
  EXPECT_EQ(deep, (std::vector<std::string>{"B", "C", "D"}));
  EXPECT_EQ(sc.SuperclassChain("c"), (std::vector<std::string>{"B", "A"}));
  EXPECT_TRUE(sc.IsSubclassOf("C", "a"));
  EXPECT_TRUE(sc.IsSubclassOf("C", "C"));
  EXPECT_FALSE(sc.IsSubclassOf("D", "B"));
  EXPECT_TRUE(sc.Subclasses("nope", true).empty());
}

TEST(Schema, RejectsDuplicatesAndUnknownSuperclass) {
  Schema s("root/x");
  EXPECT_TRUE(s.AddClass(Class("A", "")).ok());
  EXPECT_EQ(s.AddClass(Class("a", "")).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(s.AddClass(Class("B", "Zed")).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.AddInstance(Instance("Nope")).code(), absl::StatusCode::kNotFound);
  QualifierDecl d;
  d.name = "Key";
  d.scope = kScopeProperty;
  EXPECT_TRUE(s.AddQualifierDecl(d).ok());
  EXPECT_TRUE(s.AddQualifierDecl(d).ok());  // identical redeclaration
  d.type = CimType::kString;
  EXPECT_EQ(s.AddQualifierDecl(d).code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace hv::cim
