#include "tests/integration/cim_grpc/cim_values.h"

#include "gtest/gtest.h"

namespace hv::testing {
namespace {

namespace pb = hv::cim::v1;

TEST(CimValues, BuildTypedValuesAndParameters) {
  pb::ParamValue p = P("ResourceSettings", StrArr({"a", "b"}));
  EXPECT_EQ(p.name(), "ResourceSettings");
  EXPECT_TRUE(p.value().is_array());
  ASSERT_EQ(p.value().elements_size(), 2);
  EXPECT_EQ(p.value().elements(1).string_value(), "b");
  EXPECT_FALSE(Str("x").is_array());
  EXPECT_EQ(U16(3).type(), pb::CIM_TYPE_UINT16);
  pb::ObjectPath path;
  path.set_class_name("Msvm_ComputerSystem");
  EXPECT_EQ(Ref(path).elements(0).reference_value().class_name(), "Msvm_ComputerSystem");
  EXPECT_EQ(MofQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(CimValues, ReadsPropertiesCaseInsensitivelyWithAFallbackWhenAbsent) {
  pb::CimInstance i;
  auto* e = i.add_properties();
  e->set_name("EnabledState");
  e->mutable_value()->add_elements()->set_unsigned_value(2);
  auto* n = i.add_properties();
  n->set_name("ElementName");
  n->mutable_value()->add_elements()->set_string_value("web1");
  auto* null = i.add_properties();
  null->set_name("Notes");  // NULL: no elements
  EXPECT_EQ(U(i, "enabledstate"), 2u);
  EXPECT_EQ(S(i, "ELEMENTNAME"), "web1");
  EXPECT_EQ(U(i, "Missing"), ~0ull);
  EXPECT_EQ(U(i, "Missing", 0), 0u);
  EXPECT_EQ(S(i, "Notes"), "");
  EXPECT_NE(Prop(i, "notes"), nullptr);
  EXPECT_EQ(Prop(i, "Missing"), nullptr);
}

}  // namespace
}  // namespace hv::testing
