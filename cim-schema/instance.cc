#include "cim-schema/instance.h"

#include "absl/strings/str_cat.h"

namespace hv::cim {

void Instance::Set(absl::string_view name, Value v) {
  auto it = index_.find(name);
  if (it != index_.end()) {
    properties_[it->second].value = std::move(v);
    return;
  }
  index_.emplace(std::string(name), properties_.size());
  properties_.push_back({std::string(name), std::move(v)});
}

const Value* Instance::Get(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &properties_[it->second].value;
}

bool Instance::Remove(absl::string_view name) {
  auto it = index_.find(name);
  if (it == index_.end()) return false;
  properties_.erase(properties_.begin() + it->second);
  index_.clear();
  for (size_t i = 0; i < properties_.size(); ++i) index_.emplace(properties_[i].name, i);
  return true;
}

absl::StatusOr<ObjectPath> Instance::Path(const Class& cls, absl::string_view name_space,
                                          absl::string_view host) const {
  ObjectPath p;
  p.host = std::string(host);
  p.name_space = std::string(name_space);
  p.class_name = class_name_.empty() ? cls.name() : class_name_;
  for (const Property* key : cls.Keys()) {
    const Value* v = Get(key->name);
    if (v == nullptr || v->is_null()) {
      return absl::FailedPreconditionError(absl::StrCat("instance of '", p.class_name,
                                                        "': key property '", key->name,
                                                        "' is not set"));
    }
    p.keys.push_back({key->name, *v});
  }
  return p;
}

}  // namespace hv::cim
