#include "tests/integration/cim_grpc/cim_values.h"

#include <utility>

#include "absl/strings/match.h"

namespace hv::testing {

namespace pb = hv::cim::v1;

pb::CimValue Str(const std::string& s) {
  pb::CimValue v;
  v.set_type(pb::CIM_TYPE_STRING);
  v.add_elements()->set_string_value(s);
  return v;
}

pb::CimValue StrArr(const std::vector<std::string>& s) {
  pb::CimValue v;
  v.set_type(pb::CIM_TYPE_STRING);
  v.set_is_array(true);
  for (const auto& x : s) v.add_elements()->set_string_value(x);
  return v;
}

pb::CimValue U16(uint64_t x) {
  pb::CimValue v;
  v.set_type(pb::CIM_TYPE_UINT16);
  v.add_elements()->set_unsigned_value(x);
  return v;
}

pb::CimValue Ref(const pb::ObjectPath& p) {
  pb::CimValue v;
  v.set_type(pb::CIM_TYPE_REFERENCE);
  *v.add_elements()->mutable_reference_value() = p;
  return v;
}

pb::ParamValue P(const std::string& name, pb::CimValue v) {
  pb::ParamValue p;
  p.set_name(name);
  *p.mutable_value() = std::move(v);
  return p;
}

std::string MofQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

const pb::CimValue* Prop(const pb::CimInstance& i, std::string_view name) {
  for (const auto& p : i.properties()) {
    if (absl::EqualsIgnoreCase(p.name(), absl::string_view(name.data(), name.size()))) {
      return &p.value();
    }
  }
  return nullptr;
}

uint64_t U(const pb::CimInstance& i, std::string_view name, uint64_t missing) {
  const pb::CimValue* v = Prop(i, name);
  return v != nullptr && !v->elements().empty() ? v->elements(0).unsigned_value() : missing;
}

std::string S(const pb::CimInstance& i, std::string_view name) {
  const pb::CimValue* v = Prop(i, name);
  return v != nullptr && !v->elements().empty() ? v->elements(0).string_value() : "";
}

}  // namespace hv::testing
