#include "worker/saved_state_extension.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;
using ::google::protobuf::UnknownField;
using ::google::protobuf::UnknownFieldSet;

enum class Kind { kBool, kVersion, kCount };

// ShutdownVspState, field by field (the one table; numbers are the wire's).
struct ShutdownField {
  int number;
  std::string_view name;
  Kind kind;
  bool ShutdownSavedState::*flag = nullptr;
  vmbus_ic_version ShutdownSavedState::*version = nullptr;
  uint64_t ShutdownSavedState::*count = nullptr;
};

constexpr ShutdownField kShutdownFields[] = {
    {1, "negotiated", Kind::kBool, &ShutdownSavedState::negotiated},
    {2, "negotiation_refused", Kind::kBool, &ShutdownSavedState::negotiation_refused},
    {3, "framework_version", Kind::kVersion, nullptr, &ShutdownSavedState::framework_version},
    {4, "message_version", Kind::kVersion, nullptr, &ShutdownSavedState::message_version},
    {5, "opens", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::opens},
    {6, "closes", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::closes},
    {7, "negotiations_sent", Kind::kCount, nullptr, nullptr,
     &ShutdownSavedState::negotiations_sent},
    {8, "requests_sent", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::requests_sent},
    {9, "responses", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::responses},
    {10, "accepted", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::accepted},
    {11, "refused", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::refused},
    {12, "bad_messages", Kind::kCount, nullptr, nullptr, &ShutdownSavedState::bad_messages},
};
static_assert(std::size(kShutdownFields) == kShutdownStateFieldCount);

uint64_t Encode(const ShutdownField& f, const ShutdownSavedState& s) {
  switch (f.kind) {
    case Kind::kBool:
      return s.*f.flag ? 1 : 0;
    case Kind::kVersion:
      return uint64_t{(s.*f.version).major} << 16 | (s.*f.version).minor;
    case Kind::kCount:
      return s.*f.count;
  }
  return 0;
}

absl::Status Decode(const ShutdownField& f, uint64_t v, ShutdownSavedState& s) {
  const std::string field = absl::StrCat("shutdown.", std::string(f.name));
  switch (f.kind) {
    case Kind::kBool:
      if (v > 1) return absl::InvalidArgumentError(absl::StrCat(field, ": ", v, " is not a bool"));
      s.*f.flag = v == 1;
      return absl::OkStatus();
    case Kind::kVersion:
      if (v > 0xFFFFFFFFu) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": ", v, " is not a (major << 16) | minor version"));
      }
      s.*f.version = {static_cast<uint16_t>(v >> 16), static_cast<uint16_t>(v & 0xFFFF)};
      return absl::OkStatus();
    case Kind::kCount:
      s.*f.count = v;
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

// The one length-delimited field `number` of `saved`'s unknown fields, or
// nullopt; InvalidArgument naming `what` when it is repeated or not
// length-delimited.
absl::StatusOr<std::optional<std::string>> SingleSection(const pb::WorkerSavedState& saved,
                                                         int number, std::string_view what) {
  std::optional<std::string> out;
  const UnknownFieldSet& fields = saved.GetReflection()->GetUnknownFields(saved);
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    if (f.number() != number) continue;
    if (f.type() != UnknownField::TYPE_LENGTH_DELIMITED || out.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": field ", number,
                                                     " is not one length-delimited section"));
    }
    out = f.length_delimited();
  }
  return out;
}

}  // namespace

std::string_view ShutdownStateFieldName(int number) {
  for (const ShutdownField& f : kShutdownFields) {
    if (f.number == number) return f.name;
  }
  return "";
}

void SetShutdownSection(const ShutdownSavedState& s, pb::WorkerSavedState& saved) {
  UnknownFieldSet section;
  for (const ShutdownField& f : kShutdownFields) {
    // proto3 leaves zero scalars out; so does this.
    if (const uint64_t v = Encode(f, s); v != 0) section.AddVarint(f.number, v);
  }
  std::string bytes;
  section.SerializeToString(&bytes);
  UnknownFieldSet* fields = saved.GetReflection()->MutableUnknownFields(&saved);
  fields->DeleteByNumber(kSavedShutdownField);
  fields->AddLengthDelimited(kSavedShutdownField, bytes);
}

absl::StatusOr<std::optional<ShutdownSavedState>> GetShutdownSection(
    const pb::WorkerSavedState& saved) {
  absl::StatusOr<std::optional<std::string>> bytes =
      SingleSection(saved, kSavedShutdownField, "shutdown");
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<ShutdownSavedState>();
  UnknownFieldSet section;
  if (!section.ParseFromString(**bytes)) {
    return absl::InvalidArgumentError("shutdown: the section is not a protobuf message");
  }
  ShutdownSavedState s;
  std::set<int> seen;
  for (int i = 0; i < section.field_count(); ++i) {
    const UnknownField& u = section.field(i);
    const ShutdownField* f = nullptr;
    for (const ShutdownField& c : kShutdownFields) {
      if (c.number == u.number()) f = &c;
    }
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("shutdown: unknown field ", u.number(),
                                                     " (this vmwp knows 1..",
                                                     kShutdownStateFieldCount, ")"));
    }
    if (u.type() != UnknownField::TYPE_VARINT || !seen.insert(f->number).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("shutdown.", std::string(f->name), ": not a single varint"));
    }
    if (absl::Status st = Decode(*f, u.varint(), s); !st.ok()) return st;
  }
  return std::optional<ShutdownSavedState>(s);
}

void SetCountersSection(const std::map<std::string, uint64_t>& counters,
                        pb::WorkerSavedState& saved) {
  UnknownFieldSet* fields = saved.GetReflection()->MutableUnknownFields(&saved);
  fields->DeleteByNumber(kSavedCountersField);
  for (const auto& [name, value] : counters) {
    // A map entry: key = 1 (string), value = 2 (varint).
    UnknownFieldSet entry;
    entry.AddLengthDelimited(1, name);
    if (value != 0) entry.AddVarint(2, value);
    entry.SerializeToString(fields->AddLengthDelimited(kSavedCountersField));
  }
}

absl::StatusOr<std::map<std::string, uint64_t>> GetCountersSection(
    const pb::WorkerSavedState& saved) {
  std::map<std::string, uint64_t> out;
  const UnknownFieldSet& fields = saved.GetReflection()->GetUnknownFields(saved);
  for (int i = 0; i < fields.field_count(); ++i) {
    const UnknownField& f = fields.field(i);
    if (f.number() != kSavedCountersField) continue;
    UnknownFieldSet entry;
    if (f.type() != UnknownField::TYPE_LENGTH_DELIMITED ||
        !entry.ParseFromString(f.length_delimited())) {
      return absl::InvalidArgumentError("counters: an entry is not a map entry");
    }
    std::optional<std::string> name;
    uint64_t value = 0;
    bool have_value = false;
    for (int j = 0; j < entry.field_count(); ++j) {
      const UnknownField& e = entry.field(j);
      if (e.number() == 1 && e.type() == UnknownField::TYPE_LENGTH_DELIMITED && !name) {
        name = e.length_delimited();
      } else if (e.number() == 2 && e.type() == UnknownField::TYPE_VARINT && !have_value) {
        value = e.varint();
        have_value = true;
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("counters: an entry has a bad field ", e.number()));
      }
    }
    if (!name.has_value() || name->empty()) {
      return absl::InvalidArgumentError("counters: an entry has no name");
    }
    if (!out.emplace(*name, value).second) {
      return absl::InvalidArgumentError(absl::StrCat("counters['", *name, "']: duplicate"));
    }
  }
  return out;
}

}  // namespace hv::worker
