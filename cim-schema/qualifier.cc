#include "cim-schema/qualifier.h"

#include "absl/strings/str_join.h"
#include "cim-schema/names.h"

namespace hv::cim {
namespace {

struct ScopeRow {
  uint32_t bit;
  absl::string_view name;
};
// DSP0004 scope keywords.
constexpr ScopeRow kScopes[] = {
    {kScopeClass, "class"},         {kScopeAssociation, "association"},
    {kScopeIndication, "indication"}, {kScopeProperty, "property"},
    {kScopeReference, "reference"}, {kScopeMethod, "method"},
    {kScopeParameter, "parameter"}, {kScopeQualifier, "qualifier"},
};

}  // namespace

uint32_t ParseQualifierScope(absl::string_view word) {
  if (CiEquals(word, "any")) return kScopeAny;
  for (const ScopeRow& r : kScopes) {
    if (CiEquals(r.name, word)) return r.bit;
  }
  return 0;
}

std::string QualifierScopeToString(uint32_t scope) {
  if (scope == kScopeAny) return "any";
  std::vector<absl::string_view> parts;
  for (const ScopeRow& r : kScopes) {
    if (scope & r.bit) parts.push_back(r.name);
  }
  return absl::StrJoin(parts, ", ");
}

bool ApplyFlavorKeyword(absl::string_view w, Flavors* f) {
  if (CiEquals(w, "EnableOverride")) {
    f->disable_override = false;
  } else if (CiEquals(w, "DisableOverride")) {
    f->disable_override = true;
  } else if (CiEquals(w, "ToSubclass")) {
    f->restricted = false;
  } else if (CiEquals(w, "Restricted")) {
    f->restricted = true;
  } else if (CiEquals(w, "Translatable")) {
    f->translatable = true;
  } else {
    return false;
  }
  return true;
}

std::string FlavorsToString(const Flavors& f) {
  std::vector<absl::string_view> parts;
  if (f.disable_override) parts.push_back("DisableOverride");
  if (f.restricted) parts.push_back("Restricted");
  if (f.translatable) parts.push_back("Translatable");
  return absl::StrJoin(parts, ", ");
}

const Qualifier* QualifierList::Find(absl::string_view name) const {
  for (const Qualifier& q : items_) {
    if (CiEquals(q.name, name)) return &q;
  }
  return nullptr;
}

void QualifierList::Set(Qualifier q) {
  for (Qualifier& existing : items_) {
    if (CiEquals(existing.name, q.name)) {
      existing = std::move(q);
      return;
    }
  }
  items_.push_back(std::move(q));
}

bool QualifierList::Remove(absl::string_view name) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (CiEquals(it->name, name)) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

bool QualifierList::IsTrue(absl::string_view name) const {
  const Qualifier* q = Find(name);
  return q != nullptr && !q->value.is_null() && !q->value.is_array() &&
         q->value.type() == CimType::kBoolean && q->value.AsBool();
}

std::optional<std::string> QualifierList::GetString(absl::string_view name) const {
  const Qualifier* q = Find(name);
  if (q == nullptr || q->value.is_null() || q->value.is_array() ||
      q->value.type() != CimType::kString) {
    return std::nullopt;
  }
  return q->value.AsString();
}

std::vector<std::string> QualifierList::GetStrings(absl::string_view name) const {
  std::vector<std::string> out;
  const Qualifier* q = Find(name);
  if (q == nullptr || q->value.is_null() || q->value.type() != CimType::kString) return out;
  if (!q->value.is_array()) {
    out.push_back(q->value.AsString());
    return out;
  }
  for (const Scalar& s : q->value.array()) out.push_back(std::get<std::string>(s));
  return out;
}

QualifierList QualifierList::Inheritable() const {
  QualifierList out;
  out.items_.reserve(items_.size());
  for (const Qualifier& q : items_) {
    if (q.flavors.restricted) continue;
    out.items_.push_back(q);
    out.items_.back().propagated = true;
  }
  return out;
}

}  // namespace hv::cim
