#include "cim-schema/schema_diff.h"

#include <cstdlib>
#include <filesystem>

#include "cim-schema/mof_test_util.h"
#include "cim-schema/schema_loader.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

// Verdict of the first change whose element and text contain the given parts.
std::optional<DiffVerdict> Find(const SchemaDiff& d, absl::string_view element,
                                absl::string_view what) {
  for (const SchemaChange& c : d.changes) {
    if (c.element == element && absl::string_view(c.what).find(what) != absl::string_view::npos) {
      return c.verdict;
    }
  }
  return std::nullopt;
}

SchemaDiff Diff(const std::string& old_mof, const std::string& new_mof) {
  auto o = testing::CompileTestMof(old_mof);
  auto n = testing::CompileTestMof(new_mof);
  EXPECT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(n.ok()) << n.status();
  if (!o.ok() || !n.ok()) return {};
  return DiffSchemas(**o, **n);
}

constexpr char kOld[] = R"(
[Version("1.0.0")] class D_A {
  [Key] string Id;
  [ValueMap {"0", "1", "32768..65535"}, Values {"Off", "On", "Vendor"}] uint16 State;
  [Units("MB")] uint64 Size;
  [Write] string Label;
  string Gone;
  uint16 Narrow;
  string Sub = "old";
  uint32 Go([In] uint16 How);
  uint32 Stop();
};
[Version("1.0.0")] class D_B : D_A {};
[Version("1.0.0")] class D_C {};
)";

TEST(SchemaDiff, ClassifiesPropertyAndMethodChanges) {
  SchemaDiff d = Diff(kOld, R"(
[Version("1.1.0")] class D_A {
  [Key] string Id;
  [ValueMap {"0", "2", "3", "32768..65535"}, Values {"Off", "On", "Paused", "Vendor"}] uint16 State;
  [PUnit("byte * 2^20")] uint64 Size;
  string Label;
  uint32 Narrow;
  string Sub = "new";
  string Added;
  [Key] string Id2;
  uint32 Go([In] uint16 How, [In] uint32 Extra);
  uint32 Halt();
};
[Version("1.0.0")] class D_Mid : D_A {};
[Version("1.0.0")] class D_B : D_Mid {};
[Version("1.0.0")] class D_New {};
)");
  EXPECT_EQ(Find(d, "D_A.Gone", "property removed"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.Narrow", "type uint16 -> uint32"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.Size", "units 'MB' -> 'byte * 2^20'"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.Label", "Write removed"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.Sub", "default \"old\" -> \"new\""), DiffVerdict::kWarning);
  EXPECT_EQ(Find(d, "D_A.Added", "property added"), DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "D_A.Id2", "key property added"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.State", "value 1 ('On') renumbered to 2"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.State", "value 3 ('Paused') added"), DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "D_A.Go(Extra)", "optional parameter added"), DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "D_A.Stop", "method removed"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_A.Halt", "method added"), DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "D_B", "ancestor inserted"), DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "D_C", "class removed"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "D_New", "class added"), DiffVerdict::kCompatible);
  // Breaking changes with only a minor bump are a versioning error.
  EXPECT_EQ(Find(d, "D_A", "only a minor/update bump"), DiffVerdict::kVersioningError);
  // Inherited features are reported once, at the declaring class.
  EXPECT_FALSE(Find(d, "D_B.Gone", "").has_value());
  EXPECT_TRUE(d.HasBreaking());
  EXPECT_NE(d.ToText().find("=> BREAKING"), std::string::npos);
}

TEST(SchemaDiff, VersionLoweredAndExperimentalAndCompatible) {
  SchemaDiff lowered = Diff("[Version(\"2.0.0\")] class X {};", "[Version(\"1.9.0\")] class X {};");
  EXPECT_EQ(Find(lowered, "X", "Version lowered"), DiffVerdict::kVersioningError);
  SchemaDiff exp = Diff("[Experimental, Version(\"1.0.0\")] class X { uint8 P; };",
                        "[Version(\"2.0.0\")] class X { string P; };");
  EXPECT_EQ(Find(exp, "X.P", "type uint8 -> string"), DiffVerdict::kInfo);
  EXPECT_FALSE(exp.HasBreaking());
  SchemaDiff major = Diff("[Version(\"1.0.0\")] class X { uint8 P; };",
                          "[Version(\"2.0.0\")] class X { string P; };");
  EXPECT_TRUE(major.HasBreaking());
  EXPECT_EQ(major.Count(DiffVerdict::kVersioningError), 0u);
  SchemaDiff same = Diff(kOld, kOld);
  EXPECT_TRUE(same.changes.empty());
  EXPECT_FALSE(same.HasBreaking());
}

TEST(SchemaDiff, AssociationCardinalityAndFlags) {
  SchemaDiff d = Diff(R"([Association, Version("1.0.0")] class L { [Key, Max(4)] L REF A; [Key, Min(0)] L REF B; };
                          [Version("1.0.0")] class K {};)",
                      R"([Association, Version("2.0.0")] class L { [Key, Max(1)] L REF A; [Key, Min(1)] L REF B; };
                          [Abstract, Version("2.0.0")] class K {};)");
  EXPECT_EQ(Find(d, "L.A", "cardinality Max 4 -> 1"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "L.B", "cardinality Min 0 -> 1"), DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "K", "Abstract added"), DiffVerdict::kBreaking);
}

std::string MofDir() {
  // HV_SOURCE_DIR is set by hv_test; fall back to this file's location.
  const char* src = std::getenv("HV_SOURCE_DIR");
  std::string root = src ? src : std::filesystem::path(__FILE__).parent_path().parent_path().string();
  return root + "/cim-schema/mof";
}

TEST(SchemaDiff, ProjectRtmToSp1IsCompatibleWithTheDynamicMemoryAdditions) {
  auto rtm = LoadSchemaFromPath(MofDir() + "/virtualization-v1-rtm");
  auto sp1 = LoadSchemaFromPath(MofDir() + "/virtualization-v1-sp1");
  ASSERT_TRUE(rtm.ok()) << rtm.status();
  ASSERT_TRUE(sp1.ok()) << sp1.status();
  SchemaDiff d = DiffSchemas(**rtm, **sp1);
  EXPECT_FALSE(d.HasBreaking()) << d.ToText();
  EXPECT_EQ(Find(d, "Msvm_MemorySettingData.DynamicMemoryEnabled", "property added"),
            DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "Msvm_MemorySettingData.TargetMemoryBuffer", "property added"),
            DiffVerdict::kCompatible);
  EXPECT_EQ(Find(d, "Msvm_MemorySettingData", "Version 1.0.0 -> 1.1.0"), DiffVerdict::kWarning);
}

TEST(SchemaDiff, ProjectV1ToV2IsBreakingWithRenamesUnitsAndReturnCodes) {
  auto v1 = LoadSchemaFromPath(MofDir() + "/virtualization-v1-sp1");
  auto v2 = LoadSchemaFromPath(MofDir() + "/virtualization-v2");
  ASSERT_TRUE(v1.ok()) << v1.status();
  ASSERT_TRUE(v2.ok()) << v2.status();
  SchemaDiff d = DiffSchemas(**v1, **v2);
  EXPECT_TRUE(d.HasBreaking());
  const std::string vsms = "Msvm_VirtualSystemManagementService.";
  const std::pair<const char*, const char*> renames[] = {
      {"DefineVirtualSystem", "DefineSystem"},
      {"DestroyVirtualSystem", "DestroySystem"},
      {"ModifyVirtualSystem", "ModifySystemSettings"},
      {"ModifyVirtualSystemResources", "ModifyResourceSettings"},
      {"AddVirtualSystemResources", "AddResourceSettings"},
      {"RemoveVirtualSystemResources", "RemoveResourceSettings"},
  };
  for (const auto& [from, to] : renames) {
    EXPECT_EQ(Find(d, vsms + from, std::string("method renamed to ") + to), DiffVerdict::kBreaking)
        << from;
  }
  EXPECT_EQ(Find(d, vsms + "ModifyVirtualSystemResources->ModifyResourceSettings return code",
                 "value 32773 ('Invalid parameter') renumbered to 4"),
            DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "Msvm_MemorySettingData.VirtualQuantity", "units 'MB' -> 'byte * 2^20'"),
            DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "Msvm_MemorySettingData.AllocationUnits", "default \"MB\""),
            DiffVerdict::kWarning);
  EXPECT_EQ(Find(d, "Msvm_ComputerSystem.EnabledState", "value 32768 ('Paused') removed"),
            DiffVerdict::kBreaking);
  EXPECT_EQ(Find(d, "Msvm_VirtualSystemGlobalSettingData", "class removed"), DiffVerdict::kBreaking);
  EXPECT_EQ(d.Count(DiffVerdict::kVersioningError), 0u);  // v2 classes carry a new major
}

TEST(SchemaLoader, FilesDirectoriesAndNamespaceChoice) {
  EXPECT_EQ(LoadSchemaFromPath("/nonexistent/x").status().code(), absl::StatusCode::kNotFound);
  auto file = LoadSchemaFromPath(MofDir() + "/interop/schema.mof");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->name_space(), "root/interop");
  EXPECT_EQ(LoadSchemaFromPath(MofDir() + "/interop", "root/other").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace hv::cim
