// The WorkerSavedState sections hv.worker.v1 does not declare yet: they go
// through the real wire (serialize + parse), files without them still read,
// and corrupt bytes are refused naming the field.
#include "worker/saved_state_extension.h"

#include <functional>
#include <memory>
#include <set>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;
using ::google::protobuf::UnknownFieldSet;
using ::testing::HasSubstr;

UnknownFieldSet* Unknown(pb::WorkerSavedState& m) {
  return m.GetReflection()->MutableUnknownFields(&m);
}

ShutdownSavedState Distinct() {
  ShutdownSavedState s;
  s.negotiated = true;
  s.negotiation_refused = true;  // not legal for the VSP; the codec does not judge
  s.framework_version = {3, 0};
  s.message_version = {3, 2};
  s.opens = 5;
  s.closes = 4;
  s.negotiations_sent = 7;
  s.requests_sent = 8;
  s.responses = 9;
  s.accepted = 10;
  s.refused = 11;
  s.bad_messages = ~uint64_t{0};
  return s;
}

pb::WorkerSavedState ThroughTheWire(const pb::WorkerSavedState& in) {
  std::string bytes;
  EXPECT_TRUE(in.SerializeToString(&bytes));
  pb::WorkerSavedState out;
  EXPECT_TRUE(out.ParseFromString(bytes));
  return out;
}

TEST(SavedStateExtension, SectionsRoundTripThroughTheWire) {
  pb::WorkerSavedState saved;
  saved.set_format_version(2);
  SetShutdownSection(ShutdownSavedState{}, saved);  // replaced below, not repeated
  SetShutdownSection(Distinct(), saved);
  SetCountersSection({{"misbehaviour_events", 42}, {"zero", 0}}, saved);
  const pb::WorkerSavedState read = ThroughTheWire(saved);
  EXPECT_EQ(read.format_version(), 2u);
  absl::StatusOr<std::optional<ShutdownSavedState>> s = GetShutdownSection(read);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->has_value());
  const ShutdownSavedState& got = **s;
  const ShutdownSavedState want = Distinct();
  EXPECT_EQ(got.negotiated, want.negotiated);
  EXPECT_EQ(got.negotiation_refused, want.negotiation_refused);
  EXPECT_EQ(got.framework_version.major, 3);
  EXPECT_EQ(got.message_version.minor, 2);
  EXPECT_EQ(got.opens, want.opens);
  EXPECT_EQ(got.closes, want.closes);
  EXPECT_EQ(got.negotiations_sent, want.negotiations_sent);
  EXPECT_EQ(got.requests_sent, want.requests_sent);
  EXPECT_EQ(got.responses, want.responses);
  EXPECT_EQ(got.accepted, want.accepted);
  EXPECT_EQ(got.refused, want.refused);
  EXPECT_EQ(got.bad_messages, want.bad_messages);
  absl::StatusOr<std::map<std::string, uint64_t>> c = GetCountersSection(read);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, (std::map<std::string, uint64_t>{{"misbehaviour_events", 42}, {"zero", 0}}));
}

TEST(SavedStateExtension, AFileWithoutTheSectionsHasNone) {
  pb::WorkerSavedState saved;  // as a format-2 vmwp wrote it before the sections
  saved.set_format_version(2);
  saved.mutable_heartbeat()->set_responses(3);
  const pb::WorkerSavedState read = ThroughTheWire(saved);
  absl::StatusOr<std::optional<ShutdownSavedState>> s = GetShutdownSection(read);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->has_value());
  absl::StatusOr<std::map<std::string, uint64_t>> c = GetCountersSection(read);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->empty());
}

TEST(SavedStateExtension, EveryShutdownFieldIsNamedOnceInTheTable) {
  std::set<std::string_view> names;
  for (int n = 1; n <= kShutdownStateFieldCount; ++n) {
    EXPECT_FALSE(ShutdownStateFieldName(n).empty()) << n;
    names.insert(ShutdownStateFieldName(n));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kShutdownStateFieldCount));
  EXPECT_EQ(ShutdownStateFieldName(0), "");
  EXPECT_EQ(ShutdownStateFieldName(kShutdownStateFieldCount + 1), "");
  EXPECT_EQ(ShutdownStateFieldName(3), "framework_version");
  // Every field reaches the wire: a state with each field non-zero writes
  // one varint per field.
  pb::WorkerSavedState saved;
  SetShutdownSection(Distinct(), saved);
  UnknownFieldSet section;
  ASSERT_TRUE(section.ParseFromString(Unknown(saved)->field(0).length_delimited()));
  EXPECT_EQ(section.field_count(), kShutdownStateFieldCount);
}

// The sections read as the declarations they stand for: a message type built
// at run time with exactly those fields (what proto/ would declare later)
// parses the bytes with nothing left unknown.
TEST(SavedStateExtension, TheBytesAreWhatTheLaterDeclarationsRead) {
  namespace gp = ::google::protobuf;
  gp::FileDescriptorProto file;
  file.set_name("later.proto");
  file.set_package("later");
  file.set_syntax("proto3");
  gp::DescriptorProto* sd = file.add_message_type();
  sd->set_name("ShutdownVspState");
  for (int n = 1; n <= kShutdownStateFieldCount; ++n) {
    gp::FieldDescriptorProto* f = sd->add_field();
    f->set_name(std::string(ShutdownStateFieldName(n)));
    f->set_number(n);
    f->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
    f->set_type(n <= 2   ? gp::FieldDescriptorProto::TYPE_BOOL
                : n <= 4 ? gp::FieldDescriptorProto::TYPE_UINT32
                         : gp::FieldDescriptorProto::TYPE_UINT64);
  }
  gp::DescriptorProto* saved_d = file.add_message_type();
  saved_d->set_name("WorkerSavedState");
  gp::DescriptorProto* entry = saved_d->add_nested_type();
  entry->set_name("CountersEntry");
  entry->mutable_options()->set_map_entry(true);
  gp::FieldDescriptorProto* key = entry->add_field();
  key->set_name("key");
  key->set_number(1);
  key->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
  key->set_type(gp::FieldDescriptorProto::TYPE_STRING);
  gp::FieldDescriptorProto* value = entry->add_field();
  value->set_name("value");
  value->set_number(2);
  value->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
  value->set_type(gp::FieldDescriptorProto::TYPE_UINT64);
  gp::FieldDescriptorProto* shutdown = saved_d->add_field();
  shutdown->set_name("shutdown");
  shutdown->set_number(kSavedShutdownField);
  shutdown->set_label(gp::FieldDescriptorProto::LABEL_OPTIONAL);
  shutdown->set_type(gp::FieldDescriptorProto::TYPE_MESSAGE);
  shutdown->set_type_name(".later.ShutdownVspState");
  gp::FieldDescriptorProto* counters = saved_d->add_field();
  counters->set_name("counters");
  counters->set_number(kSavedCountersField);
  counters->set_label(gp::FieldDescriptorProto::LABEL_REPEATED);
  counters->set_type(gp::FieldDescriptorProto::TYPE_MESSAGE);
  counters->set_type_name(".later.WorkerSavedState.CountersEntry");
  gp::DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  gp::DynamicMessageFactory factory(&pool);
  const gp::Descriptor* d = pool.FindMessageTypeByName("later.WorkerSavedState");
  ASSERT_NE(d, nullptr);
  std::unique_ptr<gp::Message> later(factory.GetPrototype(d)->New());

  pb::WorkerSavedState saved;
  SetShutdownSection(Distinct(), saved);
  SetCountersSection({{"misbehaviour_events", 42}}, saved);
  std::string bytes;
  ASSERT_TRUE(saved.SerializeToString(&bytes));
  ASSERT_TRUE(later->ParseFromString(bytes));
  const gp::Reflection* r = later->GetReflection();
  EXPECT_EQ(r->GetUnknownFields(*later).field_count(), 0);
  const gp::Message& sm = r->GetMessage(*later, d->FindFieldByName("shutdown"));
  EXPECT_EQ(sm.GetReflection()->GetUnknownFields(sm).field_count(), 0);
  const gp::Descriptor* sdesc = sm.GetDescriptor();
  EXPECT_TRUE(sm.GetReflection()->GetBool(sm, sdesc->FindFieldByName("negotiated")));
  EXPECT_EQ(sm.GetReflection()->GetUInt32(sm, sdesc->FindFieldByName("message_version")),
            (3u << 16) | 2);
  EXPECT_EQ(sm.GetReflection()->GetUInt64(sm, sdesc->FindFieldByName("refused")), 11u);
  EXPECT_EQ(sm.GetReflection()->GetUInt64(sm, sdesc->FindFieldByName("bad_messages")),
            ~uint64_t{0});
  const gp::FieldDescriptor* cf = d->FindFieldByName("counters");
  ASSERT_EQ(r->FieldSize(*later, cf), 1);
  const gp::Message& e = r->GetRepeatedMessage(*later, cf, 0);
  EXPECT_EQ(e.GetReflection()->GetString(e, e.GetDescriptor()->FindFieldByName("key")),
            "misbehaviour_events");
  EXPECT_EQ(e.GetReflection()->GetUInt64(e, e.GetDescriptor()->FindFieldByName("value")), 42u);
}

// A saved state whose shutdown section is `section` (a hand-made message).
pb::WorkerSavedState WithShutdownSection(const UnknownFieldSet& section) {
  pb::WorkerSavedState saved;
  std::string bytes;
  section.SerializeToString(&bytes);
  Unknown(saved)->AddLengthDelimited(kSavedShutdownField, bytes);
  return ThroughTheWire(saved);
}

TEST(SavedStateExtension, CorruptShutdownSectionsAreRefusedNamingTheField) {
  struct Case {
    std::string want;
    std::function<void(UnknownFieldSet&)> build;
  };
  const std::vector<Case> cases = {
      {"shutdown.negotiated: 2 is not a bool", [](UnknownFieldSet& s) { s.AddVarint(1, 2); }},
      {"shutdown.framework_version: 4294967296",
       [](UnknownFieldSet& s) { s.AddVarint(3, uint64_t{1} << 32); }},
      {"shutdown.opens: not a single varint",
       [](UnknownFieldSet& s) {
         s.AddVarint(5, 1);
         s.AddVarint(5, 2);
       }},
      {"shutdown.responses: not a single varint",
       [](UnknownFieldSet& s) { s.AddLengthDelimited(9, "x"); }},
      {"shutdown: unknown field 13", [](UnknownFieldSet& s) { s.AddVarint(13, 1); }},
  };
  for (const Case& c : cases) {
    UnknownFieldSet section;
    c.build(section);
    absl::StatusOr<std::optional<ShutdownSavedState>> s =
        GetShutdownSection(WithShutdownSection(section));
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << c.want;
    EXPECT_THAT(s.status().message(), HasSubstr(c.want));
  }
  pb::WorkerSavedState twice;
  Unknown(twice)->AddLengthDelimited(kSavedShutdownField, "");
  Unknown(twice)->AddLengthDelimited(kSavedShutdownField, "");
  EXPECT_THAT(GetShutdownSection(ThroughTheWire(twice)).status().message(),
              HasSubstr("shutdown: field 16 is not one length-delimited section"));
  pb::WorkerSavedState garbage;
  Unknown(garbage)->AddLengthDelimited(kSavedShutdownField, "\xff\xff\xff");
  EXPECT_EQ(GetShutdownSection(ThroughTheWire(garbage)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SavedStateExtension, CorruptCounterEntriesAreRefused) {
  pb::WorkerSavedState dup;
  SetCountersSection({{"misbehaviour_events", 1}}, dup);
  UnknownFieldSet entry;
  entry.AddLengthDelimited(1, "misbehaviour_events");
  std::string bytes;
  entry.SerializeToString(&bytes);
  Unknown(dup)->AddLengthDelimited(kSavedCountersField, bytes);
  EXPECT_THAT(GetCountersSection(ThroughTheWire(dup)).status().message(),
              HasSubstr("counters['misbehaviour_events']: duplicate"));
  pb::WorkerSavedState nameless;
  Unknown(nameless)->AddVarint(kSavedCountersField, 7);
  EXPECT_EQ(GetCountersSection(ThroughTheWire(nameless)).status().code(),
            absl::StatusCode::kInvalidArgument);
  pb::WorkerSavedState bad_value;
  UnknownFieldSet e2;
  e2.AddLengthDelimited(1, "x");
  e2.AddLengthDelimited(2, "not a number");
  e2.SerializeToString(&bytes);
  Unknown(bad_value)->AddLengthDelimited(kSavedCountersField, bytes);
  EXPECT_THAT(GetCountersSection(ThroughTheWire(bad_value)).status().message(),
              HasSubstr("counters: an entry has a bad field 2"));
}

}  // namespace
}  // namespace hv::worker
