#include "vmms/cim/embedded_instance.h"

#include "cim-schema/cim_status.h"
#include "cim-schema/schema_registry.h"
#include "gtest/gtest.h"

namespace hv::vmms::cim {
namespace {

class EmbeddedInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = hv::cim::SchemaRegistry::LoadEmbedded();
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = *std::move(r);
    schema_ = *registry_->Get("root/virtualization/v2");
  }
  std::unique_ptr<hv::cim::SchemaRegistry> registry_;
  const hv::cim::Schema* schema_ = nullptr;
};

TEST_F(EmbeddedInstanceTest, MofAndXmlGiveTheSameInstance) {
  auto mof = ParseEmbeddedInstance(
      "instance of Msvm_MemorySettingData { VirtualQuantity = 2048; DynamicMemoryEnabled = TRUE; "
      "ElementName = \"a<b\"; };",
      *schema_, "CIM_ResourceAllocationSettingData");
  ASSERT_TRUE(mof.ok()) << mof.status();
  auto xml = ParseEmbeddedInstance(
      "<?xml version=\"1.0\"?><INSTANCE CLASSNAME=\"Msvm_MemorySettingData\">"
      "<PROPERTY NAME=\"VirtualQuantity\" TYPE=\"uint64\"><VALUE>2048</VALUE></PROPERTY>"
      "<PROPERTY NAME=\"DynamicMemoryEnabled\" TYPE=\"boolean\"><VALUE>TRUE</VALUE></PROPERTY>"
      "<PROPERTY NAME=\"ElementName\" TYPE=\"string\"><VALUE>a&lt;b</VALUE></PROPERTY>"
      "<PROPERTY.ARRAY NAME=\"HostResource\" TYPE=\"string\"><VALUE.ARRAY><VALUE>x</VALUE>"
      "<VALUE>y</VALUE></VALUE.ARRAY></PROPERTY.ARRAY></INSTANCE>",
      *schema_, "CIM_ResourceAllocationSettingData");
  ASSERT_TRUE(xml.ok()) << xml.status();
  for (const char* p : {"VirtualQuantity", "DynamicMemoryEnabled", "ElementName"}) {
    ASSERT_NE(xml->Get(p), nullptr) << p;
    EXPECT_EQ(*mof->Get(p), *xml->Get(p)) << p;
  }
  EXPECT_EQ(xml->Get("HostResource")->array().size(), 2u);
}

TEST_F(EmbeddedInstanceTest, MalformedTextIsRefusedWithADescription) {
  const char* bad[] = {
      "",
      "instance of",
      "instance of Nope { };",
      "class Foo { };",
      "instance of Msvm_MemorySettingData { VirtualQuantity = \"big\"; };",
      "instance of Msvm_MemorySettingData { VirtualQuantity = 1; }; instance of Msvm_MemorySettingData { };",
      "<INSTANCE>",
      "<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY NAME=\"VirtualQuantity\"><VALUE>-1</VALUE></PROPERTY></INSTANCE>",
      "<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY NAME=\"VirtualQuantity\"><VALUE>1</VALUE></PROPERTY>",
      "<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\">&bogus;</INSTANCE>",
      "<CLASS NAME=\"x\"/>",
      "<INSTANCE CLASSNAME=\"Msvm_MemorySettingData\"><PROPERTY.ARRAY NAME=\"Limit\"/></INSTANCE>",
  };
  for (const char* text : bad) {
    auto r = ParseEmbeddedInstance(text, *schema_, "CIM_ResourceAllocationSettingData");
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(hv::cim::GetCimStatus(r.status()), hv::cim::CimStatusCode::kInvalidParameter) << text;
    EXPECT_FALSE(r.status().message().empty());
  }
  // Right syntax, wrong class for the parameter.
  auto wrong = ParseEmbeddedInstance("instance of Msvm_VirtualSystemSettingData { };", *schema_,
                                     "CIM_ResourceAllocationSettingData");
  EXPECT_EQ(hv::cim::GetCimStatus(wrong.status()), hv::cim::CimStatusCode::kInvalidParameter);
  std::string huge(kMaxEmbeddedInstanceBytes + 1, ' ');
  EXPECT_EQ(hv::cim::GetCimStatus(ParseEmbeddedInstance(huge, *schema_, "").status()),
            hv::cim::CimStatusCode::kServerLimitsExceeded);
}

}  // namespace
}  // namespace hv::vmms::cim
