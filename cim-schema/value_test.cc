#include "cim-schema/value.h"

#include "cim-schema/object_path.h"
#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(Value, ScalarsAndMof) {
  EXPECT_EQ(Value::Boolean(true).ToMof(), "TRUE");
  EXPECT_EQ(Value::Unsigned(CimType::kUint16, 65535).ToMof(), "65535");
  EXPECT_EQ(Value::Signed(CimType::kSint32, -5).ToMof(), "-5");
  EXPECT_EQ(Value::String("a\"b\\c\n").ToMof(), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(Value::Char16('x').ToMof(), "'x'");
  EXPECT_EQ(Value::Real(CimType::kReal64, 1.5).ToMof(), "1.5");
  EXPECT_EQ(Value::Null(CimType::kUint8).ToMof(), "NULL");
  EXPECT_TRUE(Value().is_null());
}

TEST(Value, ArraysAndEquality) {
  Value a = Value::Array(CimType::kUint16, {uint64_t{2}, uint64_t{3}});
  EXPECT_TRUE(a.is_array());
  EXPECT_EQ(a.ToMof(), "{2, 3}");
  EXPECT_EQ(a, Value::Array(CimType::kUint16, {uint64_t{2}, uint64_t{3}}));
  EXPECT_NE(a, Value::Array(CimType::kUint32, {uint64_t{2}, uint64_t{3}}));
  EXPECT_NE(a, Value::Array(CimType::kUint16, {uint64_t{2}}));
  EXPECT_EQ(Value::Null(CimType::kString), Value::Null(CimType::kString));
}

TEST(Value, ReferencesCompareByPath) {
  ObjectPath p;
  p.class_name = "Msvm_ConcreteJob";
  p.keys.push_back({"InstanceID", Value::String("J1")});
  ObjectPath q = p;
  q.class_name = "msvm_concretejob";
  EXPECT_EQ(Value::Reference(p), Value::Reference(q));
  EXPECT_EQ(Value::Reference(p).ToMof(), "\"Msvm_ConcreteJob.InstanceID=\\\"J1\\\"\"");
}

}  // namespace
}  // namespace hv::cim
