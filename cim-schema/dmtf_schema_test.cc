// Parses the whole DMTF CIM 2.49 schema (../shared/data/dmtf-cim-schema-2.49)
// and checks class count, superclass chains, keys and method signatures.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "cim-schema/mof_compiler.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

std::string DmtfRoot() {
  // HV_SOURCE_DIR is set by hv_test; fall back to this file's location.
  const char* src = std::getenv("HV_SOURCE_DIR");
  std::string base =
      src ? src : std::filesystem::path(__FILE__).parent_path().parent_path().string();
  return base + "/../shared/data/dmtf-cim-schema-2.49/cim_schema_2.49.0.mof";
}

class DmtfSchemaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(DmtfRoot())) return;
    set_ = new SchemaSet;
    FileMofSource source;
    MofCompiler compiler(&source, set_);
    status_ = new absl::Status(compiler.CompileFile(DmtfRoot()));
    files_ = compiler.files_compiled();
  }
  static void TearDownTestSuite() {
    delete set_;
    delete status_;
  }
  void SetUp() override {
    if (set_ == nullptr) GTEST_SKIP() << "DMTF CIM 2.49 not found at " << DmtfRoot();
    ASSERT_TRUE(status_->ok()) << *status_;
    schema_ = set_->Find("root/cimv2");
    ASSERT_NE(schema_, nullptr);
  }
  static SchemaSet* set_;
  static absl::Status* status_;
  static size_t files_;
  const Schema* schema_ = nullptr;
};
SchemaSet* DmtfSchemaTest::set_ = nullptr;
absl::Status* DmtfSchemaTest::status_ = nullptr;
size_t DmtfSchemaTest::files_ = 0;

TEST_F(DmtfSchemaTest, ParsesEveryFile) {
  // cim_schema_2.49.0.mof: the root file plus 1633 includes (2 of them qualifier files).
  EXPECT_EQ(files_, 1634u);
  EXPECT_EQ(schema_->class_count(), 1631u);
  EXPECT_NE(schema_->FindQualifierDecl("Description"), nullptr);
}

TEST_F(DmtfSchemaTest, SuperclassChains) {
  EXPECT_EQ(schema_->SuperclassChain("CIM_ComputerSystem"),
            (std::vector<std::string>{"CIM_System", "CIM_AllocatedLogicalElement",
                                      "CIM_EnabledLogicalElement",
                                      "CIM_LogicalElement", "CIM_ManagedSystemElement",
                                      "CIM_ManagedElement"}));
  EXPECT_EQ(schema_->SuperclassChain("cim_resourceallocationsettingdata"),
            (std::vector<std::string>{"CIM_SettingData", "CIM_ManagedElement"}));
  EXPECT_TRUE(schema_->IsSubclassOf("CIM_ConcreteJob", "CIM_Job"));
}

TEST_F(DmtfSchemaTest, KeysAndInheritedFeatures) {
  const Class* cs = schema_->FindClass("CIM_ComputerSystem");
  ASSERT_NE(cs, nullptr);
  std::vector<std::string> keys;
  for (const Property* p : cs->Keys()) keys.push_back(p->name);
  // Inherited order: Name comes from CIM_ManagedSystemElement, overridden as a Key by CIM_System.
  EXPECT_EQ(keys, (std::vector<std::string>{"Name", "CreationClassName"}));
  const Property* name = cs->FindProperty("name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->class_origin, "CIM_System");  // overridden there with [Key]
  EXPECT_TRUE(name->propagated);
  EXPECT_EQ(cs->FindProperty("ElementName")->class_origin, "CIM_ManagedElement");
  EXPECT_EQ(cs->Version(), "2.42.0");
  // Version and Abstract are Restricted: CIM_System's are not inherited.
  EXPECT_FALSE(cs->IsAbstract());
  EXPECT_TRUE(schema_->FindClass("CIM_System")->IsAbstract());
  EXPECT_EQ(cs->FindProperty("NameFormat")->class_origin, "CIM_ComputerSystem");

  const Class* sd = schema_->FindClass("CIM_SettingData");
  ASSERT_EQ(sd->Keys().size(), 1u);
  EXPECT_EQ(sd->Keys()[0]->name, "InstanceID");

  const Class* sds = schema_->FindClass("CIM_SettingsDefineState");
  EXPECT_TRUE(sds->IsAssociation());
  EXPECT_EQ(sds->FindProperty("SettingData")->type.ToString(), "CIM_SettingData REF");
}

TEST_F(DmtfSchemaTest, MethodSignatures) {
  const Class* vsms = schema_->FindClass("CIM_VirtualSystemManagementService");
  ASSERT_NE(vsms, nullptr);
  const Method* define = vsms->FindMethod("DefineSystem");
  ASSERT_NE(define, nullptr);
  EXPECT_EQ(define->Signature(),
            "uint32 DefineSystem([IN] string SystemSettings, [IN] string ResourceSettings[], "
            "[IN] CIM_VirtualSystemSettingData REF ReferenceConfiguration, "
            "[OUT] CIM_ComputerSystem REF ResultingSystem, [OUT] CIM_ConcreteJob REF Job)");
  const Method* rsc = vsms->FindMethod("RequestStateChange");  // inherited
  ASSERT_NE(rsc, nullptr);
  EXPECT_TRUE(rsc->propagated);
  EXPECT_EQ(rsc->class_origin, "CIM_EnabledLogicalElement");
  EXPECT_EQ(schema_->FindClass("CIM_ConcreteJob")->FindMethod("GetError")->return_type.type,
            CimType::kUint32);
}

}  // namespace
}  // namespace hv::cim
