#include <sstream>

#include "cim-schema/schema_registry.h"
#include "gtest/gtest.h"
#include "proto/convert/cim_proto_conversion.h"
#include "tools/vmctl/commands.h"
#include "tools/vmctl/values.h"

namespace hv::vmctl {
namespace {

TEST(VmctlArgs, NamedPositionalAndSwitches) {
  Args a = ParseArgs({"-Name", "web1", "-TurnOff", "--Buffer=30", "-Priority:80", "extra"});
  EXPECT_EQ(a.Get("name"), "web1");
  EXPECT_EQ(a.Get("turnoff"), "true");
  EXPECT_EQ(a.Get("buffer"), "30");
  EXPECT_EQ(a.Get("priority"), "80");
  ASSERT_EQ(a.positional.size(), 1u);
  EXPECT_EQ(a.positional[0], "extra");
}

TEST(VmctlArgs, Sizes) {
  uint64_t b = 0;
  EXPECT_TRUE(ParseBytes("512MB", &b));
  EXPECT_EQ(b, 512ull << 20);
  EXPECT_TRUE(ParseBytes("2gb", &b));
  EXPECT_EQ(b, 2ull << 30);
  EXPECT_TRUE(ParseBytes("1048576", &b));
  EXPECT_EQ(b, 1ull << 20);
  EXPECT_FALSE(ParseBytes("12XB", &b));
  EXPECT_FALSE(ParseBytes("", &b));
  EXPECT_FALSE(ParseBytes("99999999999999999999TB", &b));
}

TEST(VmctlValues, JsonEscapesAndPaths) {
  EXPECT_EQ(JsonString("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
  hv::cim::v1::ObjectPath p;
  p.set_namespace_("root/virtualization/v2");
  p.set_class_name("Msvm_ComputerSystem");
  auto* k = p.add_keys();
  k->set_name("Name");
  *k->mutable_value() = StringValue("AB\"C");
  EXPECT_EQ(PathToUri(p), "/root/virtualization/v2:Msvm_ComputerSystem.Name=\"AB\\\"C\"");
}

// A fetcher for diffs without a live side: it reports vmms unreachable.
ClassFetcher NoServer() {
  return [](const std::string&) {
    Result<std::vector<hv::cim::v1::CimClass>> r;
    r.error.unreachable = true;
    r.error.description = "no server in this test";
    return r;
  };
}

TEST(VmctlSchemaDiff, RtmToSp1IsCompatibleV1ToV2IsBreaking) {
  std::ostringstream out, err;
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-RTM", "root/virtualization@2008R2-SP1"}, true,
                       NoServer(), out, err),
            kExitOk)
      << err.str();
  EXPECT_NE(out.str().find("DynamicMemoryEnabled"), std::string::npos) << out.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-SP1", "root/nope@1"}, false, NoServer(), out2,
                       err2),
            kExitUsage);
  EXPECT_FALSE(err2.str().empty());
}

// A live side is what the server sends (here: the embedded SP1 classes as
// vmms puts them on the wire, in reverse order so subclasses come first); it
// diffs exactly like the same schema loaded from MOF.
TEST(VmctlSchemaDiff, LiveNamespaceDiffsLikeItsMof) {
  auto registry = *hv::cim::SchemaRegistry::LoadEmbedded();
  const hv::cim::Schema* sp1 = *registry->Get("root/virtualization", "2008R2-SP1");
  std::vector<hv::cim::v1::CimClass> wire;
  for (const auto& c : sp1->classes()) {
    wire.insert(wire.begin(), hv::proto::ClassToProto(*c, "root/virtualization", true));
  }
  std::string asked;
  ClassFetcher fetch = [&](const std::string& ns) {
    asked = ns;
    Result<std::vector<hv::cim::v1::CimClass>> r;
    r.ok = true;
    r.value = wire;
    return r;
  };
  std::ostringstream from_mof, from_live, err;
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-RTM", "root/virtualization@2008R2-SP1"}, false,
                       NoServer(), from_mof, err),
            kExitOk);
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-RTM", "live:root/virtualization"}, false, fetch,
                       from_live, err),
            kExitOk)
      << err.str();
  EXPECT_EQ(asked, "root/virtualization");
  EXPECT_EQ(from_live.str(), from_mof.str());
  std::ostringstream same;
  EXPECT_EQ(SchemaDiff({"live:root/virtualization", "root/virtualization@2008R2-SP1"}, false, fetch,
                       same, err),
            kExitOk);
  EXPECT_NE(same.str().find("0 changes"), std::string::npos) << same.str();

  // A class whose superclass the server does not send is named.
  wire.pop_back();  // the first root class
  std::ostringstream out2, err2;
  EXPECT_EQ(SchemaDiff({"live:root/virtualization", "root/virtualization@2008R2-SP1"}, false, fetch,
                       out2, err2),
            kExitUsage);
  EXPECT_NE(err2.str().find("is not served"), std::string::npos) << err2.str();
  // No server: exit 2 (unreachable), as for every other verb.
  std::ostringstream out3, err3;
  EXPECT_EQ(SchemaDiff({"live:root/virtualization", "root/virtualization@2008R2-SP1"}, false,
                       NoServer(), out3, err3),
            kExitUnreachable);
}

}  // namespace
}  // namespace hv::vmctl
