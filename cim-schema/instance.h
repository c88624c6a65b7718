// CIM instances: a class name plus named property values in insertion
// order, looked up case-insensitively. Thread-compatible value type.
#ifndef HV_CIM_SCHEMA_INSTANCE_H_
#define HV_CIM_SCHEMA_INSTANCE_H_

#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/names.h"
#include "cim-schema/object_path.h"
#include "cim-schema/value.h"

namespace hv::cim {

struct PropertyValue {
  std::string name;
  Value value;
};

class Instance {
 public:
  Instance() = default;
  explicit Instance(std::string class_name) : class_name_(std::move(class_name)) {}

  const std::string& class_name() const { return class_name_; }
  // Adds or replaces; the first spelling of the name is kept.
  void Set(absl::string_view name, Value v);
  // The value, or nullptr when the property is not set.
  const Value* Get(absl::string_view name) const;
  bool Remove(absl::string_view name);
  const std::vector<PropertyValue>& properties() const { return properties_; }

  // The instance path from `cls`'s Key properties. FailedPrecondition names
  // the first key that is unset or NULL.
  absl::StatusOr<ObjectPath> Path(const Class& cls, absl::string_view name_space = "",
                                  absl::string_view host = "") const;

 private:
  std::string class_name_;
  std::vector<PropertyValue> properties_;
  CiMap<size_t> index_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_INSTANCE_H_
