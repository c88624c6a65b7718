#include "cim-schema/method_rename.h"

#include "cim-schema/value_map.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(MethodRename, Words) {
  EXPECT_EQ(NameWords("ModifyVirtualSystemResources"),
            (std::vector<std::string>{"modify", "virtual", "system", "resource"}));
  EXPECT_EQ(NameWords("GetDMTFStatus"), (std::vector<std::string>{"get", "dmtf", "statu"}));
  EXPECT_EQ(RenameScore("DefineVirtualSystem", "DestroySystem"), 0.0);  // verb differs
}

TEST(MethodRename, PairsBestFirst) {
  Method mvs, mvsr, mss, mrs, other;
  mvs.name = "ModifyVirtualSystem";
  mvsr.name = "ModifyVirtualSystemResources";
  mss.name = "ModifySystemSettings";
  mrs.name = "ModifyResourceSettings";
  other.name = "Frobnicate";
  auto pairs = PairRenamedMethods({&mvsr, &mvs, &other}, {&mrs, &mss});
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].new_method, &mrs);
  EXPECT_EQ(pairs[1].new_method, &mss);
  EXPECT_EQ(pairs[2].new_method, nullptr);
  EXPECT_TRUE(IsRenameTarget(pairs, &mss));
}

TEST(ValueMap, EntriesAndRanges) {
  QualifierList q;
  q.Set({"ValueMap", Value::Array(CimType::kString, {std::string("0"), std::string("0x8000..")}), {}});
  q.Set({"Values", Value::Array(CimType::kString, {std::string("A"), std::string("Vendor")}), {}});
  auto v = GetValueMap(q);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].text, "Vendor");
  EXPECT_TRUE(RangeCovers("0x8000..", "40000"));
  EXPECT_FALSE(RangeCovers("0x8000..", "4"));
  EXPECT_TRUE(RangeCovers("4097..32767", "4097"));
  EXPECT_FALSE(RangeCovers("..", "5"));
  QualifierList only_values;
  only_values.Set({"Values", Value::Array(CimType::kString, {std::string("X"), std::string("Y")}), {}});
  EXPECT_EQ(GetValueMap(only_values)[1].value, "1");
}

}  // namespace
}  // namespace hv::cim
