#include "cim-schema/schema_registry.h"

#include "cim-schema/cim_status.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = SchemaRegistry::LoadEmbedded();
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = r->release();
  }
  static void TearDownTestSuite() { delete registry_; }
  static SchemaRegistry* registry_;
};
SchemaRegistry* RegistryTest::registry_ = nullptr;

TEST_F(RegistryTest, NamespacesAndVersionsFromTheEmbeddedManifest) {
  EXPECT_EQ(registry_->Namespaces(),
            (std::vector<std::string>{"root/virtualization", "root/virtualization/v2",
                                      "root/interop", "root/cimv2"}));
  EXPECT_EQ(registry_->Versions("ROOT/Virtualization"),
            (std::vector<std::string>{"2008R2-RTM", "2008R2-SP1"}));
  EXPECT_EQ(*registry_->NewestVersion("root/virtualization"), "2008R2-SP1");
  EXPECT_EQ(*registry_->NewestVersion("root/virtualization/v2"), "2012");
  auto bad = registry_->Get("root/nope");
  EXPECT_EQ(GetCimStatus(bad.status()), CimStatusCode::kInvalidNamespace);
  EXPECT_EQ(GetCimStatus(registry_->Get("root/virtualization", "2019").status()),
            CimStatusCode::kNotFound);
}

TEST_F(RegistryTest, EveryClassHasAVersionQualifier) {
  for (const std::string& ns : registry_->Namespaces()) {
    for (const std::string& v : registry_->Versions(ns)) {
      const Schema* s = *registry_->Get(ns, v);
      for (const auto& c : s->classes()) {
        EXPECT_FALSE(c->Version().empty()) << ns << " " << v << " " << c->name();
      }
    }
  }
}

TEST_F(RegistryTest, V2ClassesWithInheritedFeatures) {
  auto cs = registry_->GetClass("root/virtualization/v2", "", "msvm_computersystem");
  ASSERT_TRUE(cs.ok()) << cs.status();
  EXPECT_EQ((*cs)->name(), "Msvm_ComputerSystem");
  EXPECT_EQ((*cs)->Keys().size(), 2u);
  EXPECT_NE((*cs)->FindProperty("ElementName"), nullptr);  // from CIM_ManagedElement
  auto vsms = registry_->GetClass("root/virtualization/v2", "2012",
                                  "Msvm_VirtualSystemManagementService");
  ASSERT_TRUE(vsms.ok());
  for (const char* m : {"DefineSystem", "DestroySystem", "ModifySystemSettings",
                        "ModifyResourceSettings", "AddResourceSettings", "RemoveResourceSettings",
                        "GetSummaryInformation", "RequestStateChange"}) {
    EXPECT_NE((*vsms)->FindMethod(m), nullptr) << m;
  }
  auto job = registry_->GetClass("root/virtualization/v2", "", "Msvm_ConcreteJob");
  ASSERT_TRUE(job.ok());
  EXPECT_NE((*job)->FindMethod("GetError"), nullptr);
  for (const char* a : {"Msvm_SettingsDefineState", "Msvm_VirtualSystemSettingDataComponent",
                        "Msvm_ElementSettingData", "Msvm_SystemDevice", "Msvm_AffectedJobElement"}) {
    auto c = registry_->GetClass("root/virtualization/v2", "", a);
    ASSERT_TRUE(c.ok()) << a;
    EXPECT_TRUE((*c)->IsAssociation()) << a;
  }
  auto mem = registry_->GetClass("root/virtualization/v2", "", "Msvm_MemorySettingData");
  EXPECT_EQ((*mem)->FindProperty("AllocationUnits")->default_value.AsString(), "byte * 2^20");
  EXPECT_EQ(GetCimStatus(registry_->GetClass("root/virtualization/v2", "", "Nope").status()),
            CimStatusCode::kInvalidClass);
}

TEST_F(RegistryTest, V1VersionsDifferByDynamicMemory) {
  auto rtm = registry_->GetClass("root/virtualization", "2008R2-RTM", "Msvm_MemorySettingData");
  auto sp1 = registry_->GetClass("root/virtualization", "2008R2-SP1", "Msvm_MemorySettingData");
  ASSERT_TRUE(rtm.ok() && sp1.ok());
  EXPECT_EQ((*rtm)->FindProperty("DynamicMemoryEnabled"), nullptr);
  EXPECT_NE((*sp1)->FindProperty("DynamicMemoryEnabled"), nullptr);
  EXPECT_NE((*sp1)->FindProperty("TargetMemoryBuffer"), nullptr);
  EXPECT_EQ((*rtm)->FindProperty("AllocationUnits")->default_value.AsString(), "MB");
  auto vsms = registry_->GetClass("root/virtualization", "", "Msvm_VirtualSystemManagementService");
  ASSERT_TRUE(vsms.ok());
  EXPECT_NE((*vsms)->FindMethod("ModifyVirtualSystemResources"), nullptr);
  EXPECT_EQ((*vsms)->FindMethod("ModifyResourceSettings"), nullptr);
  EXPECT_EQ((*vsms)->FindMethod("DefineVirtualSystem")->qualifiers.GetStrings("ValueMap")[2],
            "32768");
}

TEST_F(RegistryTest, SubclassesAndProjection) {
  auto subs = registry_->Subclasses("root/virtualization/v2", "", "CIM_ResourceAllocationSettingData",
                                    true);
  ASSERT_TRUE(subs.ok());
  std::vector<std::string> names;
  for (const Class* c : *subs) names.push_back(c->name());
  EXPECT_EQ(names, (std::vector<std::string>{"Msvm_MemorySettingData", "Msvm_ProcessorSettingData"}));
  Instance sp1("msvm_memorysettingdata");
  sp1.Set("InstanceID", Value::String("Microsoft:1"));
  sp1.Set("VirtualQuantity", Value::Unsigned(CimType::kUint64, 1024));
  sp1.Set("DynamicMemoryEnabled", Value::Boolean(true));
  sp1.Set("targetmemorybuffer", Value::Unsigned(CimType::kUint32, 20));
  auto rtm = registry_->ProjectInstance(sp1, "root/virtualization", "2008R2-RTM");
  ASSERT_TRUE(rtm.ok()) << rtm.status();
  EXPECT_EQ(rtm->class_name(), "Msvm_MemorySettingData");
  EXPECT_EQ(rtm->properties().size(), 2u);
  EXPECT_EQ(rtm->Get("DynamicMemoryEnabled"), nullptr);
  auto same = registry_->ProjectInstance(sp1, "root/virtualization", "2008R2-SP1");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->properties().size(), 4u);
  EXPECT_EQ(same->properties()[3].name, "TargetMemoryBuffer");  // the class's spelling
  EXPECT_EQ(GetCimStatus(registry_->ProjectInstance(Instance("Msvm_Nope"), "root/virtualization",
                                                    "2008R2-RTM")
                             .status()),
            CimStatusCode::kInvalidClass);
}

TEST_F(RegistryTest, InteropAndPerfNamespaces) {
  for (const char* c : {"CIM_Namespace", "CIM_ObjectManager", "CIM_RegisteredProfile"}) {
    EXPECT_TRUE(registry_->GetClass("root/interop", "", c).ok()) << c;
  }
  auto vm = registry_->GetClass("root/cimv2", "", "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM");
  ASSERT_TRUE(vm.ok());
  EXPECT_EQ((*vm)->FindProperty("AddedMemory")->type.type, CimType::kUint64);
  EXPECT_EQ((*vm)->FindProperty("CurrentPressure")->type.type, CimType::kUint32);
  EXPECT_NE((*vm)->FindProperty("Timestamp_PerfTime"), nullptr);
  EXPECT_NE((*vm)->FindProperty("Frequency_PerfTime"), nullptr);
  EXPECT_TRUE((*vm)->FindProperty("Name")->IsKey());
  for (const char* c : {"Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM",
                        "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryBalancer",
                        "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer"}) {
    EXPECT_TRUE(registry_->GetClass("root/cimv2", "", c).ok()) << c;
  }
}

TEST(SchemaManifest, ParsesAndRejects) {
  auto m = ParseSchemaManifest("# c\nroot/a  v1  a.mof\n\n root/a v2 b.mof \n");
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[1].root_file, "b.mof");
  EXPECT_FALSE(ParseSchemaManifest("root/a v1\n").ok());
}

}  // namespace
}  // namespace hv::cim
