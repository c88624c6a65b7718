#include "cim-schema/wql_eval.h"

#include "cim-schema/mof_test_util.h"
#include "cim-schema/wql_parser.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

constexpr char kEvalMof[] = R"(
class E_Base { [Key] string Name; };
class E_Vm : E_Base {
  string ElementName;
  uint16 EnabledState;
  sint32 MemoryAvailable;
  uint64 Big;
  real64 Load;
  boolean Dm;
  datetime Since;
  uint16 Ops[];
  char16 Letter;
};
class E_Other : E_Base {};
[Association] class E_Link { [Key] E_Base REF A; [Key] E_Base REF B; };
)";

class WqlEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::CompileTestMof(kEvalMof);
    ASSERT_TRUE(s.ok()) << s.status();
    schema_ = *std::move(s);
    vm_ = Instance("E_Vm");
    vm_.Set("Name", Value::String("ABC"));
    vm_.Set("ElementName", Value::String("Web1"));
    vm_.Set("EnabledState", Value::Unsigned(CimType::kUint16, 2));
    vm_.Set("MemoryAvailable", Value::Signed(CimType::kSint32, -5));
    vm_.Set("Big", Value::Unsigned(CimType::kUint64, 18446744073709551615ull));
    vm_.Set("Load", Value::Real(CimType::kReal64, 0.5));
    vm_.Set("Dm", Value::Boolean(true));
    vm_.Set("Since", Value::FromDateTime(*DateTime::Parse("20240101000000.000000+000")));
    vm_.Set("Ops", Value::Array(CimType::kUint16, {uint64_t{1}}));
    vm_.Set("Letter", Value::Char16('q'));
    ctx_.cls = schema_->FindClass("E_Vm");
    ctx_.is_subclass = [this](absl::string_view c, absl::string_view a) {
      return schema_->IsSubclassOf(c, a);
    };
  }

  // "T", "F", "U" or the error message.
  std::string Eval(const std::string& where) {
    auto q = ParseWql("SELECT * FROM E_Vm WHERE " + where);
    if (!q.ok()) return std::string(q.status().message());
    auto t = EvaluateWql(*std::get<WqlSelect>(*q).where, vm_, ctx_);
    if (!t.ok()) return std::string(t.status().message());
    return *t == WqlTruth::kTrue ? "T" : (*t == WqlTruth::kFalse ? "F" : "U");
  }

  std::unique_ptr<Schema> schema_;
  Instance vm_;
  WqlEvalContext ctx_;
};

TEST_F(WqlEvalTest, StringsCompareCaseInsensitively) {
  EXPECT_EQ(Eval("ElementName = 'WEB1'"), "T");
  EXPECT_EQ(Eval("ElementName <> 'web1'"), "F");
  EXPECT_EQ(Eval("ElementName < 'x'"), "T");
  EXPECT_EQ(Eval("ElementName LIKE 'w_b%'"), "T");
  EXPECT_EQ(Eval("ElementName NOT LIKE 'w_b%'"), "F");
  EXPECT_EQ(Eval("Letter = 'Q'"), "T");
  EXPECT_EQ(Eval("elementname = \"Web1\""), "T");  // property names too
}

TEST_F(WqlEvalTest, NumbersCompareNumericallyWithTheirType) {
  EXPECT_EQ(Eval("EnabledState = 2"), "T");
  EXPECT_EQ(Eval("EnabledState >= 3"), "F");
  EXPECT_EQ(Eval("EnabledState = '2'"), "T");
  EXPECT_EQ(Eval("3 > EnabledState"), "T");  // constant on the left
  EXPECT_EQ(Eval("MemoryAvailable < 0"), "T");
  EXPECT_EQ(Eval("MemoryAvailable > -6"), "T");
  EXPECT_EQ(Eval("Big > 9223372036854775807"), "T");  // no signed overflow
  EXPECT_EQ(Eval("Big > -1"), "T");
  EXPECT_EQ(Eval("EnabledState < 2.5"), "T");
  EXPECT_EQ(Eval("Load <= 0.5"), "T");
  EXPECT_EQ(Eval("Dm = TRUE"), "T");
  EXPECT_EQ(Eval("Dm <> FALSE"), "T");
  EXPECT_EQ(Eval("Since > '20231231000000.000000+000'"), "T");
  EXPECT_EQ(Eval("Since = '20240101010000.000000+060'"), "T");  // same instant
}

TEST_F(WqlEvalTest, NullSemantics) {
  vm_.Set("EnabledState", Value::Null(CimType::kUint16));
  EXPECT_EQ(Eval("EnabledState = 2"), "U");
  EXPECT_EQ(Eval("NOT EnabledState = 2"), "U");
  EXPECT_EQ(Eval("EnabledState IS NULL"), "T");
  EXPECT_EQ(Eval("EnabledState IS NOT NULL"), "F");
  EXPECT_EQ(Eval("EnabledState = 2 OR Dm = TRUE"), "T");
  EXPECT_EQ(Eval("EnabledState = 2 AND Dm = TRUE"), "U");
  EXPECT_EQ(Eval("EnabledState = 2 AND Dm = FALSE"), "F");
  EXPECT_EQ(Eval("ElementName = NULL"), "U");
  vm_.Remove("ElementName");
  EXPECT_EQ(Eval("ElementName IS NULL"), "T");
}

TEST_F(WqlEvalTest, IsaAndClass) {
  EXPECT_EQ(Eval("__this ISA 'E_Base'"), "T");
  EXPECT_EQ(Eval("__this ISA E_Other"), "F");
  EXPECT_EQ(Eval("__CLASS = 'e_vm'"), "T");
  auto q = ParseWql("SELECT * FROM E_Base WHERE Name = 'abc'");
  ASSERT_TRUE(q.ok());
  auto m = MatchesSelect(std::get<WqlSelect>(*q), vm_, ctx_);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(*m);  // polymorphic FROM
  Instance link("E_Link");
  ObjectPath p;
  p.class_name = "E_Vm";
  p.keys.push_back({"Name", Value::String("ABC")});
  link.Set("A", Value::Reference(p));
  WqlEvalContext lctx = ctx_;
  lctx.cls = schema_->FindClass("E_Link");
  auto lq = ParseWql("SELECT * FROM E_Link WHERE A ISA 'E_Base' AND A = 'E_Vm.Name=\"ABC\"'");
  ASSERT_TRUE(lq.ok()) << lq.status();
  auto lm = MatchesSelect(std::get<WqlSelect>(*lq), link, lctx);
  ASSERT_TRUE(lm.ok()) << lm.status();
  EXPECT_TRUE(*lm);
}

TEST_F(WqlEvalTest, TypeErrorsNamePositionAndProperty) {
  EXPECT_NE(Eval("EnabledState = 'abc'").find("property 'EnabledState' is uint16"),
            std::string::npos);
  EXPECT_NE(Eval("Dm = 'x'").find("is boolean"), std::string::npos);
  EXPECT_NE(Eval("Nope = 1").find("position 26: class 'E_Vm' has no property 'Nope'"),
            std::string::npos)
      << Eval("Nope = 1");
  EXPECT_NE(Eval("Ops = 1").find("array"), std::string::npos);
  EXPECT_NE(Eval("EnabledState LIKE 'a'").find("LIKE needs a string"), std::string::npos);
  EXPECT_NE(Eval("ElementName LIKE '[a'").find("unterminated '['"), std::string::npos);
  EXPECT_NE(Eval("Since = 'yesterday'").find("datetime"), std::string::npos);
}

TEST_F(WqlEvalTest, CheckSelectAndProjection) {
  auto q = ParseWql("SELECT ElementName FROM E_Vm WHERE EnabledState = 'x'");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(CheckSelect(std::get<WqlSelect>(*q), *ctx_.cls).ok());
  auto q2 = ParseWql("SELECT ElementName, Bogus FROM E_Vm");
  EXPECT_FALSE(CheckSelect(std::get<WqlSelect>(*q2), *ctx_.cls).ok());
  auto q3 = ParseWql("SELECT ElementName FROM E_Vm WHERE EnabledState = 2");
  EXPECT_TRUE(CheckSelect(std::get<WqlSelect>(*q3), *ctx_.cls).ok());
  Instance out = ProjectSelect(std::get<WqlSelect>(*q3), vm_, ctx_);
  ASSERT_EQ(out.properties().size(), 2u);  // the selected one plus the key
  EXPECT_NE(out.Get("Name"), nullptr);
  EXPECT_NE(out.Get("ElementName"), nullptr);
}

}  // namespace
}  // namespace hv::cim
