#include "cim-schema/names.h"

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(Names, CaseInsensitiveEqualityAndHash) {
  EXPECT_TRUE(CiEquals("Msvm_ComputerSystem", "MSVM_computersystem"));
  EXPECT_FALSE(CiEquals("Msvm_ComputerSystem", "Msvm_ComputerSystem2"));
  EXPECT_EQ(CiHash()("ElementName"), CiHash()("elementname"));
  EXPECT_EQ(CiLower("AbC_1"), "abc_1");
}

TEST(Names, MapKeepsOriginalCaseAndFindsAnyCase) {
  CiMap<int> m;
  m.emplace("EnabledState", 1);
  ASSERT_TRUE(m.contains("enabledstate"));
  EXPECT_EQ(m.find("ENABLEDSTATE")->first, "EnabledState");
  EXPECT_FALSE(m.emplace("enabledSTATE", 2).second);
}

TEST(Names, IdentifierCharactersPerDsp0004) {
  for (char c : {'A', 'z', '_', '\xC3'}) EXPECT_TRUE(IsIdentifierStart(c)) << c;
  for (char c : {'0', '9', '.', '-', ' ', '\0'}) EXPECT_FALSE(IsIdentifierStart(c)) << c;
  for (char c : {'A', '_', '0', '9', '\x80'}) EXPECT_TRUE(IsIdentifierChar(c)) << c;
  for (char c : {'.', '-', '"', '\0'}) EXPECT_FALSE(IsIdentifierChar(c)) << c;
}

}  // namespace
}  // namespace hv::cim
