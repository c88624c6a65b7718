#include "cim-schema/cim_type.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(CimType, EveryTypeHasAUniqueNameThatParsesBack) {
  std::set<std::string> names;
  for (int i = 0; i < kCimTypeCount; ++i) {
    const CimType t = static_cast<CimType>(i);
    std::string name(CimTypeName(t));
    EXPECT_TRUE(names.insert(name).second) << name;
    if (t == CimType::kReference) {
      EXPECT_FALSE(ParseCimType(name).has_value());
    } else {
      ASSERT_TRUE(ParseCimType(name).has_value()) << name;
      EXPECT_EQ(*ParseCimType(name), t);
    }
  }
  EXPECT_EQ(*ParseCimType("UINT16"), CimType::kUint16);
  EXPECT_FALSE(ParseCimType("uint128").has_value());
}

TEST(CimType, Ranges) {
  EXPECT_EQ(IntegerRange(CimType::kUint8).max, 255u);
  EXPECT_EQ(IntegerRange(CimType::kSint16).min_signed, -32768);
  EXPECT_TRUE(IsSignedInt(CimType::kSint64));
  EXPECT_TRUE(IsUnsignedInt(CimType::kUint32));
  EXPECT_TRUE(IsReal(CimType::kReal32));
  EXPECT_FALSE(IsNumeric(CimType::kString));
}

}  // namespace
}  // namespace hv::cim
