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

}  // namespace
}  // namespace hv::cim
