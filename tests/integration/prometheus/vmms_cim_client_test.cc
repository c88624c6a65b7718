#include "tests/integration/prometheus/vmms_cim_client.h"

#include "gtest/gtest.h"

namespace hv::testing {
namespace {

TEST(MetricsPortFromLogTest, FindsThePortOfTheStartedLine) {
  EXPECT_EQ(MetricsPortFromLog("ts=1 event=started pid=7 grpc=\"unix:/x\" grpc_port=0 "
                               "metrics=http://127.0.0.1:40123/metrics database=\"/x/vmms.db\"\n"),
            40123);
  EXPECT_EQ(MetricsPortFromLog("event=config_error\n"), std::nullopt);
  EXPECT_EQ(MetricsPortFromLog("metrics=http://127.0.0.1:0/metrics"), std::nullopt);
  EXPECT_EQ(MetricsPortFromLog("metrics=http://127.0.0.1:99999/metrics"), std::nullopt);
  EXPECT_EQ(MetricsPortFromLog("metrics=http://127.0.0.1:12"), std::nullopt);
}

TEST(UnsignedTest, ReadsUnsignedScalarsOnly) {
  hv::cim::v1::CimInstance i;
  auto* p = i.add_properties();
  p->set_name("PhysicalMemory");
  p->mutable_value()->add_elements()->set_unsigned_value(256);
  auto* s = i.add_properties();
  s->set_name("Name");
  s->mutable_value()->add_elements()->set_string_value("vm1");
  i.add_properties()->set_name("Null");
  EXPECT_EQ(Unsigned(i, "PhysicalMemory"), 256u);
  EXPECT_EQ(Unsigned(i, "Name"), std::nullopt);
  EXPECT_EQ(Unsigned(i, "Null"), std::nullopt);
  EXPECT_EQ(Unsigned(i, "Missing"), std::nullopt);
  std::vector<hv::cim::v1::CimInstance> all = {i};
  EXPECT_EQ(FindByName(all, "vm1"), &all[0]);
  EXPECT_EQ(FindByName(all, "vm2"), nullptr);
}

}  // namespace
}  // namespace hv::testing
