#include <sstream>

#include "gtest/gtest.h"
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

TEST(VmctlSchemaDiff, RtmToSp1IsCompatibleV1ToV2IsBreaking) {
  std::ostringstream out, err;
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-RTM", "root/virtualization@2008R2-SP1"}, true,
                       out, err),
            kExitOk)
      << err.str();
  EXPECT_NE(out.str().find("DynamicMemoryEnabled"), std::string::npos) << out.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(SchemaDiff({"root/virtualization@2008R2-SP1", "root/nope@1"}, false, out2, err2),
            kExitUsage);
  EXPECT_FALSE(err2.str().empty());
}

}  // namespace
}  // namespace hv::vmctl
