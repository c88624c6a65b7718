#include "cim-schema/cim_class.h"

#include "absl/strings/str_cat.h"

namespace hv::cim {

std::string FeatureType::ToString() const {
  std::string out = type == CimType::kReference ? absl::StrCat(ref_class, " REF")
                                                : std::string(CimTypeName(type));
  if (is_array) absl::StrAppend(&out, "[", array_size ? absl::StrCat(*array_size) : "", "]");
  return out;
}

bool operator==(const FeatureType& a, const FeatureType& b) {
  return a.type == b.type && a.is_array == b.is_array && a.array_size == b.array_size &&
         CiEquals(a.ref_class, b.ref_class);
}

bool Parameter::IsIn() const {
  const Qualifier* q = qualifiers.Find("In");
  if (q == nullptr || q->value.is_null() || q->value.type() != CimType::kBoolean) return true;
  return q->value.AsBool();
}

const Parameter* Method::FindParameter(absl::string_view n) const {
  for (const Parameter& p : parameters) {
    if (CiEquals(p.name, n)) return &p;
  }
  return nullptr;
}

std::string Method::Signature() const {
  std::string out = absl::StrCat(return_type.ToString(), " ", name, "(");
  for (size_t i = 0; i < parameters.size(); ++i) {
    const Parameter& p = parameters[i];
    if (i) out.append(", ");
    out.append(p.IsIn() && p.IsOut() ? "[IN, OUT] " : (p.IsOut() ? "[OUT] " : "[IN] "));
    absl::StrAppend(&out, p.type.type == CimType::kReference
                              ? absl::StrCat(p.type.ref_class, " REF")
                              : std::string(CimTypeName(p.type.type)),
                    " ", p.name, p.type.is_array ? "[]" : "");
  }
  out.append(")");
  return out;
}

const Property* Class::FindProperty(absl::string_view n) const {
  auto it = property_index_.find(n);
  return it == property_index_.end() ? nullptr : &properties_[it->second];
}

Property* Class::MutableProperty(absl::string_view n) {
  auto it = property_index_.find(n);
  return it == property_index_.end() ? nullptr : &properties_[it->second];
}

absl::Status Class::AddProperty(Property p) {
  if (property_index_.contains(p.name) || method_index_.contains(p.name)) {
    return absl::AlreadyExistsError(
        absl::StrCat("class '", name_, "': feature '", p.name, "' declared twice"));
  }
  property_index_.emplace(p.name, properties_.size());
  properties_.push_back(std::move(p));
  return absl::OkStatus();
}

void Class::SetProperty(Property p) {
  if (Property* existing = MutableProperty(p.name)) {
    *existing = std::move(p);
    return;
  }
  property_index_.emplace(p.name, properties_.size());
  properties_.push_back(std::move(p));
}

const Method* Class::FindMethod(absl::string_view n) const {
  auto it = method_index_.find(n);
  return it == method_index_.end() ? nullptr : &methods_[it->second];
}

absl::Status Class::AddMethod(Method m) {
  if (method_index_.contains(m.name) || property_index_.contains(m.name)) {
    return absl::AlreadyExistsError(
        absl::StrCat("class '", name_, "': feature '", m.name, "' declared twice"));
  }
  method_index_.emplace(m.name, methods_.size());
  methods_.push_back(std::move(m));
  return absl::OkStatus();
}

void Class::SetMethod(Method m) {
  auto it = method_index_.find(m.name);
  if (it != method_index_.end()) {
    methods_[it->second] = std::move(m);
    return;
  }
  method_index_.emplace(m.name, methods_.size());
  methods_.push_back(std::move(m));
}

std::vector<const Property*> Class::Keys() const {
  std::vector<const Property*> out;
  for (const Property& p : properties_) {
    if (p.IsKey()) out.push_back(&p);
  }
  return out;
}

}  // namespace hv::cim
