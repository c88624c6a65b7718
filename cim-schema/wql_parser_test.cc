#include "cim-schema/wql_parser.h"

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(WqlParser, SelectStarAndProperties) {
  auto q = ParseWql("select * from Msvm_ComputerSystem");
  ASSERT_TRUE(q.ok()) << q.status();
  const auto& s = std::get<WqlSelect>(*q);
  EXPECT_TRUE(s.all);
  EXPECT_EQ(s.class_name, "Msvm_ComputerSystem");
  EXPECT_EQ(s.where, nullptr);
  auto q2 = ParseWql("SELECT ElementName, EnabledState FROM Msvm_ComputerSystem");
  ASSERT_TRUE(q2.ok()) << q2.status();
  EXPECT_EQ(std::get<WqlSelect>(*q2).properties,
            (std::vector<std::string>{"ElementName", "EnabledState"}));
}

TEST(WqlParser, WherePrecedenceAndOperators) {
  auto q = ParseWql(
      "SELECT * FROM C WHERE A = 1 OR NOT B <> 'x' AND (C >= -2.5 OR D LIKE \"w%\") "
      "AND E IS NOT NULL AND F ISA \"Cls\" AND G != TRUE AND 5 < H AND I NOT LIKE '[a-c]%'");
  ASSERT_TRUE(q.ok()) << q.status();
  const WqlExpr& w = *std::get<WqlSelect>(*q).where;
  EXPECT_EQ(w.kind, WqlExpr::Kind::kOr);  // OR binds loosest
  EXPECT_EQ(w.lhs->kind, WqlExpr::Kind::kCompare);
  EXPECT_EQ(w.rhs->kind, WqlExpr::Kind::kAnd);
}

TEST(WqlParser, AssociatorsAndReferences) {
  auto q = ParseWql(
      "ASSOCIATORS OF {Msvm_ComputerSystem.CreationClassName=\"Msvm_ComputerSystem\",Name=\"X\"} "
      "WHERE AssocClass = Msvm_SettingsDefineState ResultClass = Msvm_VirtualSystemSettingData "
      "Role = ManagedElement ResultRole = SettingData");
  ASSERT_TRUE(q.ok()) << q.status();
  const auto& a = std::get<WqlAssociationQuery>(*q);
  EXPECT_FALSE(a.references);
  EXPECT_EQ(a.path.FindKey("Name")->AsString(), "X");
  EXPECT_EQ(a.assoc_class, "Msvm_SettingsDefineState");
  EXPECT_EQ(a.result_class, "Msvm_VirtualSystemSettingData");
  EXPECT_EQ(a.role, "ManagedElement");
  EXPECT_EQ(a.result_role, "SettingData");
  auto r = ParseWql("references of {Msvm_ConcreteJob.InstanceID=\"J1\"} where ClassDefsOnly Role = AffectingElement");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(std::get<WqlAssociationQuery>(*r).references);
  EXPECT_TRUE(std::get<WqlAssociationQuery>(*r).class_defs_only);
}

TEST(WqlParser, ErrorsCarryPositionAndExpectation) {
  struct Case {
    const char* q;
    const char* expect;
  } cases[] = {
      {"", "position 1: expected SELECT, ASSOCIATORS OF or REFERENCES OF, found end of query"},
      {"SELECT FROM C", "position 8: expected '*' or a property name"},
      {"SELECT * C", "expected FROM"},
      {"SELECT * FROM C WHERE", "expected a property name or a constant"},
      {"SELECT * FROM C WHERE A =", "expected a property name or a constant"},
      {"SELECT * FROM C WHERE (A = 1", "expected ')'"},
      {"SELECT * FROM C WHERE A = 'x", "unterminated string"},
      {"SELECT * FROM C WHERE A LIKE 5", "expected a string pattern"},
      {"SELECT * FROM C WHERE A IS 5", "expected NULL"},
      {"SELECT * FROM C WHERE 1 = 2", "needs a property"},
      {"SELECT * FROM C WHERE A = B", "two properties"},
      {"SELECT * FROM C WHERE A = 1 B", "expected AND, OR or the end"},
      {"SELECT * FROM C WHERE A # 1", "unexpected character '#'"},
      {"ASSOCIATORS OF {C.K=1", "unterminated object path"},
      {"ASSOCIATORS OF {C.K=} WHERE", "in the object path"},
      {"ASSOCIATORS OF {C.K=1} WHERE AssocClass = A, Role = R", "no commas"},
      {"REFERENCES OF {C.K=1} WHERE ResultRole = X", "not allowed in REFERENCES OF"},
      {"ASSOCIATORS OF {C.K=1} WHERE ClassDefsOnly ResultClass = X", "ClassDefsOnly cannot"},
      {"ASSOCIATORS OF {C.K=1} WHERE Role = A Role = B", "given twice"},
      {"SELECT * FROM C WHERE A = 99999999999999999999999", "64 bits"},
  };
  for (const auto& c : cases) {
    auto q = ParseWql(c.q);
    ASSERT_FALSE(q.ok()) << c.q;
    EXPECT_NE(q.status().message().find(c.expect), std::string::npos)
        << c.q << " -> " << q.status();
  }
}

TEST(WqlParser, LimitsDepthAndLength) {
  std::string deep = "SELECT * FROM C WHERE " + std::string(100, '(') + "A = 1" + std::string(100, ')');
  auto q = ParseWql(deep);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("nested deeper"), std::string::npos);
  std::string nots = "SELECT * FROM C WHERE ";
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  EXPECT_FALSE(ParseWql(nots + "A = 1").ok());
  std::string chain = "SELECT * FROM C WHERE A = 1";
  for (int i = 0; i < 2000; ++i) chain += " AND A = 1";
  auto c = ParseWql(chain);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("more than 1024 terms"), std::string::npos) << c.status();
  WqlLimits small;
  small.max_length = 10;
  EXPECT_FALSE(ParseWql("SELECT * FROM C", small).ok());
}

}  // namespace
}  // namespace hv::cim
