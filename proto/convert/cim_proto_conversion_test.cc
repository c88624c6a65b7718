#include "proto/convert/cim_proto_conversion.h"

#include "cim-schema/cim_status.h"
#include "cim-schema/schema_diff.h"
#include "cim-schema/schema_registry.h"
#include "gtest/gtest.h"

namespace hv::proto {
namespace {

namespace pb = hv::cim::v1;

// Every class of every embedded schema version goes to the wire and back as a
// local class; the schema rebuilt from those diffs empty against the
// original (types, defaults, qualifiers and flavors, methods, parameters,
// EmbeddedInstance parameters and overrides all survive the trip).
TEST(CimProtoConversion, EveryEmbeddedClassRoundTripsThroughTheWire) {
  auto registry = hv::cim::SchemaRegistry::LoadEmbedded();
  ASSERT_TRUE(registry.ok()) << registry.status();
  size_t classes = 0;
  for (const std::string& ns : (*registry)->Namespaces()) {
    for (const std::string& version : (*registry)->Versions(ns)) {
      const hv::cim::Schema* original = *(*registry)->Get(ns, version);
      hv::cim::Schema rebuilt(ns);
      for (const auto& c : original->classes()) {
        absl::StatusOr<hv::cim::Class> local = LocalClassFromProto(ClassToProto(*c, ns, true));
        ASSERT_TRUE(local.ok()) << ns << "@" << version << " " << c->name() << ": "
                                << local.status();
        ASSERT_TRUE(rebuilt.AddClass(*local).ok()) << c->name();
        ++classes;
      }
      hv::cim::SchemaDiff diff = hv::cim::DiffSchemas(*original, rebuilt);
      EXPECT_TRUE(diff.changes.empty()) << ns << "@" << version << ":\n" << diff.ToText();
    }
  }
  EXPECT_GT(classes, 100u);
}

TEST(CimProtoConversion, LocalClassDropsPropagatedFeatures) {
  pb::CimClass c;
  c.set_name("Sub");
  c.set_superclass("Base");
  pb::Property* inherited = c.add_properties();
  inherited->set_name("Inherited");
  inherited->mutable_value()->set_type(pb::CIM_TYPE_STRING);
  inherited->set_propagated(true);
  pb::Property* own = c.add_properties();
  own->set_name("Own");
  own->mutable_value()->set_type(pb::CIM_TYPE_UINT16);
  pb::Qualifier* q = c.add_qualifiers();
  q->set_name("Abstract");
  q->mutable_value()->set_type(pb::CIM_TYPE_BOOLEAN);
  q->mutable_value()->add_elements()->set_boolean_value(true);
  q->set_propagated(true);
  absl::StatusOr<hv::cim::Class> local = LocalClassFromProto(c);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(local->properties().size(), 1u);
  EXPECT_NE(local->FindProperty("Own"), nullptr);
  EXPECT_TRUE(local->qualifiers().empty());
}

TEST(CimProtoConversion, BadClassesNameTheElement) {
  EXPECT_FALSE(LocalClassFromProto(pb::CimClass()).ok());
  pb::CimClass c;
  c.set_name("C");
  pb::Property* p = c.add_properties();
  p->set_name("Weird");
  p->mutable_value()->set_type(static_cast<pb::CimType>(999));
  absl::StatusOr<hv::cim::Class> r = LocalClassFromProto(c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("class 'C' Weird"), std::string::npos) << r.status();
  c.clear_properties();
  for (int i = 0; i < 2; ++i) {
    pb::Property* dup = c.add_properties();
    dup->set_name("Twice");
    dup->mutable_value()->set_type(pb::CIM_TYPE_STRING);
  }
  EXPECT_FALSE(LocalClassFromProto(c).ok());
}

}  // namespace
}  // namespace hv::proto
