#include "cim-schema/object_path.h"

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(ObjectPath, ParsesWbemUriWithSchemeHostAndKeys) {
  auto p = ObjectPath::Parse(
      "http://h:5988/root/virtualization/v2:Msvm_ComputerSystem.CreationClassName="
      "\"Msvm_ComputerSystem\",Name=\"ABC-123\"");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->scheme, "http");
  EXPECT_EQ(p->host, "h:5988");
  EXPECT_EQ(p->name_space, "root/virtualization/v2");
  EXPECT_EQ(p->class_name, "Msvm_ComputerSystem");
  ASSERT_EQ(p->keys.size(), 2u);
  EXPECT_EQ(p->FindKey("name")->AsString(), "ABC-123");
  EXPECT_EQ(p->ToWbemUri(),
            "http://h:5988/root/virtualization/v2:Msvm_ComputerSystem.CreationClassName="
            "\"Msvm_ComputerSystem\",Name=\"ABC-123\"");
}

TEST(ObjectPath, WmiFormRoundTripsAndSingletons) {
  const std::string wmi = "\\\\SRV\\root\\virtualization\\v2:Msvm_ConcreteJob.InstanceID=\"J\\\\1\"";
  auto p = ObjectPath::Parse(wmi);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->host, "SRV");
  EXPECT_EQ(p->name_space, "root/virtualization/v2");
  EXPECT_EQ(p->FindKey("InstanceID")->AsString(), "J\\1");
  EXPECT_EQ(p->ToWmi(), wmi);
  EXPECT_EQ(p->ToWbemUri(), "//SRV/root/virtualization/v2:Msvm_ConcreteJob.InstanceID=\"J\\\\1\"");
  auto s = ObjectPath::Parse("Win32_OperatingSystem=@");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->singleton);
  EXPECT_EQ(s->ToWmi(), "Win32_OperatingSystem=@");
}

TEST(ObjectPath, TypedKeysAndNestedReferences) {
  auto p = ObjectPath::Parse(
      "root/cimv2:Assoc.Num=-5,Big=18446744073709551615,Flag=TRUE,R=1.5,"
      "Ref=\"/root/v2:Msvm_ComputerSystem.Name=\\\"X\\\"\"");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->FindKey("Num")->AsSigned(), -5);
  EXPECT_EQ(p->FindKey("Big")->AsUnsigned(), 18446744073709551615ull);
  EXPECT_TRUE(p->FindKey("Flag")->AsBool());
  EXPECT_DOUBLE_EQ(p->FindKey("R")->AsReal(), 1.5);
  const Value* ref = p->FindKey("Ref");
  ASSERT_EQ(ref->type(), CimType::kReference);
  EXPECT_EQ(ref->AsReference().class_name, "Msvm_ComputerSystem");
  EXPECT_EQ(ref->AsReference().FindKey("Name")->AsString(), "X");
  auto again = ObjectPath::Parse(p->ToWbemUri());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *p);
  auto wmi = ObjectPath::Parse(p->ToWmi());
  ASSERT_TRUE(wmi.ok()) << wmi.status() << " " << p->ToWmi();
  EXPECT_EQ(wmi->FindKey("Ref")->AsReference().class_name, "Msvm_ComputerSystem");
}

TEST(ObjectPath, EqualityIgnoresCaseOfNamesAndKeyOrder) {
  auto a = ObjectPath::Parse("root/x:C.A=\"1\",B=2");
  auto b = ObjectPath::Parse("ROOT/X:c.b=2,a=\"1\"");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  auto c = ObjectPath::Parse("root/x:C.A=\"2\",B=2");
  EXPECT_NE(*a, *c);
}

TEST(ObjectPath, ErrorsNamePositionAndExpectation) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"", "expected a class name"},
      {"Cls.", "position 5: expected a key name"},
      {"Cls.K", "expected '=' after key name 'K'"},
      {"Cls.K=\"abc", "unterminated string"},
      {"Cls.K=zz", "expected a key value"},
      {"Cls.K=1,K=2", "duplicate key"},
      {"Cls=", "expected '@'"},
      {"Cls.K=1;", "position 7: expected a key value"},
      {"Cls.K=\"a\";", "expected ',' or the end"},
      {"//host", "expected 'host/'"},
      {"root//x:Cls", "empty namespace segment"},
  };
  for (const Case& c : cases) {
    auto p = ObjectPath::Parse(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos)
        << c.text << " -> " << p.status();
  }
}

TEST(ObjectPath, LimitsBoundLengthAndNesting) {
  ObjectPathLimits limits;
  limits.max_length = 10;
  EXPECT_FALSE(ObjectPath::Parse("Cls.Key=\"0123456789\"", limits).ok());
  std::string nested = "C.K=1";
  for (int i = 0; i < 12; ++i) {
    std::string quoted;
    for (char c : nested) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    nested = "C.K=\"" + quoted + "\"";
  }
  auto deep = ObjectPath::Parse(nested);
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("nested deeper"), std::string::npos) << deep.status();
}

}  // namespace
}  // namespace hv::cim
