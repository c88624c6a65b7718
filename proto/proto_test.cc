// The wire contracts: field numbers and enum values that other processes and
// stored data depend on must not drift.
#include "gtest/gtest.h"
#include "hv/cim/v1/cim.pb.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv {
namespace {

TEST(CimProto, StatusCodesMatchDsp0200) {
  EXPECT_EQ(cim::v1::CIM_ERR_NOT_FOUND, 6);
  EXPECT_EQ(cim::v1::CIM_ERR_METHOD_NOT_FOUND, 17);
  EXPECT_EQ(cim::v1::CIM_ERR_SERVER_LIMITS_EXCEEDED, 27);
}

TEST(CimProto, ValueRoundTripsThroughWire) {
  cim::v1::CimValue v;
  v.set_type(cim::v1::CIM_TYPE_REFERENCE);
  auto* path = v.add_elements()->mutable_reference_value();
  path->set_namespace_("root/virtualization/v2");
  path->set_class_name("Msvm_ComputerSystem");
  auto* key = path->add_keys();
  key->set_name("Name");
  key->mutable_value()->set_type(cim::v1::CIM_TYPE_STRING);
  key->mutable_value()->add_elements()->set_string_value("B1C5E5B0-0000-4000-8000-000000000001");
  std::string wire = v.SerializeAsString();
  cim::v1::CimValue back;
  ASSERT_TRUE(back.ParseFromString(wire));
  EXPECT_EQ(back.elements(0).reference_value().keys(0).value().elements(0).string_value(),
            "B1C5E5B0-0000-4000-8000-000000000001");
}

TEST(WorkerProto, VmStatesUseEnabledStateNumbers) {
  EXPECT_EQ(worker::v1::VM_STATE_RUNNING, 2);
  EXPECT_EQ(worker::v1::VM_STATE_OFF, 3);
  EXPECT_EQ(worker::v1::VM_STATE_SAVED, 6);
  EXPECT_EQ(worker::v1::VM_STATE_PAUSED, 9);
  EXPECT_EQ(worker::v1::HEARTBEAT_LOST_COMMUNICATION, 13);
}

}  // namespace
}  // namespace hv
