#include "vmms/cim/setting_changes.h"

#include "cim-schema/cim_class.h"
#include "gtest/gtest.h"

namespace hv::vmms::cim {
namespace {

using hv::cim::CimType;
using hv::cim::Instance;
using hv::cim::Value;

hv::cim::Class MemoryClass() {
  hv::cim::Class c("Msvm_MemorySettingData", "");
  hv::cim::Property key;
  key.name = "InstanceID";
  key.type.type = CimType::kString;
  key.qualifiers.Set({"Key", Value::Boolean(true)});
  c.SetProperty(key);
  hv::cim::Property rt;
  rt.name = "ResourceType";
  rt.type.type = CimType::kUint16;
  rt.default_value = Value::Unsigned(CimType::kUint16, 4);
  c.SetProperty(rt);
  for (const char* n : {"VirtualQuantity", "Limit"}) {
    hv::cim::Property p;
    p.name = n;
    p.type.type = CimType::kUint64;
    c.SetProperty(p);
  }
  hv::cim::Property huge;
  huge.name = "HugePagesEnabled";
  huge.type.type = CimType::kBoolean;
  c.SetProperty(huge);
  return c;
}

TEST(SettingChanges, IntegersCompareByValue) {
  EXPECT_TRUE(SameValue(Value::Unsigned(CimType::kUint16, 4), Value::Unsigned(CimType::kUint64, 4)));
  EXPECT_TRUE(SameValue(Value::Signed(CimType::kSint32, 4), Value::Unsigned(CimType::kUint8, 4)));
  EXPECT_FALSE(SameValue(Value::Signed(CimType::kSint32, -4), Value::Unsigned(CimType::kUint64, 4)));
  EXPECT_FALSE(SameValue(Value::String("a"), Value::String("A")));
  EXPECT_TRUE(SameValue(Value::Null(CimType::kString), Value::Null(CimType::kUint8)));
  EXPECT_FALSE(SameValue(Value::Null(CimType::kString), Value::String("")));
}

TEST(SettingChanges, OnlyChangedNonNullNonKeyPropertiesCount) {
  hv::cim::Class cls = MemoryClass();
  Instance current("Msvm_MemorySettingData");
  current.Set("InstanceID", Value::String("Microsoft:A\\M"));
  current.Set("VirtualQuantity", Value::Unsigned(CimType::kUint64, 1024));
  current.Set("Limit", Value::Unsigned(CimType::kUint64, 4096));
  current.Set("HugePagesEnabled", Value::Boolean(false));
  Instance update("Msvm_MemorySettingData");
  update.Set("InstanceID", Value::String("Microsoft:OTHER"));             // key: names, not changes
  update.Set("ResourceType", Value::Unsigned(CimType::kUint16, 4));         // the class default
  update.Set("VirtualQuantity", Value::Unsigned(CimType::kUint64, 1024));  // echoed
  update.Set("Limit", Value::Unsigned(CimType::kUint64, 8192));            // changed
  update.Set("HugePagesEnabled", Value::Null(CimType::kBoolean));          // not given
  std::vector<hv::cim::PropertyValue> changed = ChangedProperties(current, update, cls);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].name, "Limit");
  EXPECT_TRUE(RefuseUnstored("Msvm_MemorySettingData", changed, {"VirtualQuantity", "Limit"}).ok());

  update.Set("HugePagesEnabled", Value::Boolean(true));
  changed = ChangedProperties(current, update, cls);
  ASSERT_EQ(changed.size(), 2u);
  absl::Status s = RefuseUnstored("Msvm_MemorySettingData", changed, {"VirtualQuantity", "Limit"});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(),
            "Msvm_MemorySettingData.HugePagesEnabled cannot be changed: vmms does not store it (it "
            "stores VirtualQuantity, Limit); nothing was changed");
}

}  // namespace
}  // namespace hv::vmms::cim
