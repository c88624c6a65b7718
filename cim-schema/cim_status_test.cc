#include "cim-schema/cim_status.h"

#include <set>

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(CimStatus, TableCoversEveryCodeWithAUniqueName) {
  size_t n = 0;
  const CimStatusCode* all = AllCimStatusCodes(&n);
  EXPECT_EQ(n, 26u);  // 1..28 without the withdrawn 18 and 19
  std::set<std::string> names;
  for (size_t i = 0; i < n; ++i) {
    std::string name = CimStatusName(all[i]);
    EXPECT_EQ(name.rfind("CIM_ERR_", 0), 0u);
    EXPECT_TRUE(names.insert(name).second) << name;
    if (i > 0) EXPECT_LT(static_cast<int>(all[i - 1]), static_cast<int>(all[i]));
  }
  EXPECT_EQ(CimStatusName(CimStatusCode::kInvalidNamespace), "CIM_ERR_INVALID_NAMESPACE");
  EXPECT_EQ(CimStatusName(static_cast<CimStatusCode>(18)), "CIM_ERR_18");
}

TEST(CimStatus, CarriedOnAbslStatus) {
  absl::Status s = MakeCimError(CimStatusCode::kInvalidClass, "class 'X' does not exist");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(GetCimStatus(s).has_value());
  EXPECT_EQ(*GetCimStatus(s), CimStatusCode::kInvalidClass);
  EXPECT_FALSE(GetCimStatus(absl::NotFoundError("x")).has_value());
}

}  // namespace
}  // namespace hv::cim
