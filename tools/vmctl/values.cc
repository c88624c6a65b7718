#include "tools/vmctl/values.h"

#include <strings.h>

#include <cstdio>

namespace hv::vmctl {

namespace pb = hv::cim::v1;

pb::CimValue UintValue(pb::CimType type, uint64_t v) {
  pb::CimValue out;
  out.set_type(type);
  out.add_elements()->set_unsigned_value(v);
  return out;
}

pb::CimValue UintArray(pb::CimType type, const std::vector<uint64_t>& v) {
  pb::CimValue out;
  out.set_type(type);
  out.set_is_array(true);
  for (uint64_t x : v) out.add_elements()->set_unsigned_value(x);
  return out;
}

pb::CimValue StringValue(const std::string& s) {
  pb::CimValue out;
  out.set_type(pb::CIM_TYPE_STRING);
  out.add_elements()->set_string_value(s);
  return out;
}

pb::CimValue StringArray(const std::vector<std::string>& s) {
  pb::CimValue out;
  out.set_type(pb::CIM_TYPE_STRING);
  out.set_is_array(true);
  for (const auto& x : s) out.add_elements()->set_string_value(x);
  return out;
}

pb::CimValue BoolValue(bool b) {
  pb::CimValue out;
  out.set_type(pb::CIM_TYPE_BOOLEAN);
  out.add_elements()->set_boolean_value(b);
  return out;
}

pb::CimValue RefValue(const pb::ObjectPath& p) {
  pb::CimValue out;
  out.set_type(pb::CIM_TYPE_REFERENCE);
  *out.add_elements()->mutable_reference_value() = p;
  return out;
}

pb::CimValue UntypedValue(const std::string& s) {
  pb::CimValue out;
  out.add_elements()->set_string_value(s);
  return out;
}

pb::ParamValue Param(const std::string& name, pb::CimValue v) {
  pb::ParamValue p;
  p.set_name(name);
  *p.mutable_value() = std::move(v);
  return p;
}

const pb::CimValue* FindProperty(const pb::CimInstance& inst, const std::string& name) {
  for (const auto& p : inst.properties()) {
    if (strcasecmp(p.name().c_str(), name.c_str()) == 0) return &p.value();
  }
  return nullptr;
}

std::optional<uint64_t> GetUint(const pb::CimInstance& inst, const std::string& name) {
  const pb::CimValue* v = FindProperty(inst, name);
  if (v == nullptr || v->elements().empty()) return std::nullopt;
  const auto& e = v->elements(0);
  if (e.has_unsigned_value()) return e.unsigned_value();
  if (e.has_signed_value() && e.signed_value() >= 0) return static_cast<uint64_t>(e.signed_value());
  return std::nullopt;
}

std::optional<int64_t> GetInt(const pb::CimInstance& inst, const std::string& name) {
  const pb::CimValue* v = FindProperty(inst, name);
  if (v == nullptr || v->elements().empty()) return std::nullopt;
  const auto& e = v->elements(0);
  if (e.has_signed_value()) return e.signed_value();
  if (e.has_unsigned_value()) return static_cast<int64_t>(e.unsigned_value());
  return std::nullopt;
}

std::optional<std::string> GetString(const pb::CimInstance& inst, const std::string& name) {
  const pb::CimValue* v = FindProperty(inst, name);
  if (v == nullptr || v->elements().empty() || !v->elements(0).has_string_value()) return std::nullopt;
  return v->elements(0).string_value();
}

std::optional<bool> GetBool(const pb::CimInstance& inst, const std::string& name) {
  const pb::CimValue* v = FindProperty(inst, name);
  if (v == nullptr || v->elements().empty() || !v->elements(0).has_boolean_value()) return std::nullopt;
  return v->elements(0).boolean_value();
}

const pb::CimValue* FindOut(const pb::InvokeMethodResponse& r, const std::string& name) {
  for (const auto& p : r.out_params()) {
    if (strcasecmp(p.name().c_str(), name.c_str()) == 0) return &p.value();
  }
  return nullptr;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

namespace {
std::string QuoteKey(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string ScalarText(const pb::CimScalar& e, bool json) {
  switch (e.kind_case()) {
    case pb::CimScalar::kUnsignedValue: return std::to_string(e.unsigned_value());
    case pb::CimScalar::kSignedValue: return std::to_string(e.signed_value());
    case pb::CimScalar::kRealValue: return std::to_string(e.real_value());
    case pb::CimScalar::kBooleanValue:
      return json ? (e.boolean_value() ? "true" : "false") : (e.boolean_value() ? "True" : "False");
    case pb::CimScalar::kStringValue: return json ? JsonString(e.string_value()) : e.string_value();
    case pb::CimScalar::kDatetimeValue:
      return json ? JsonString(e.datetime_value()) : e.datetime_value();
    case pb::CimScalar::kReferenceValue:
      return json ? JsonString(PathToUri(e.reference_value())) : PathToUri(e.reference_value());
    case pb::CimScalar::kInstanceValue:
      return json ? InstanceToJson(e.instance_value()) : "instance of " + e.instance_value().class_name();
    case pb::CimScalar::kChar16Value: return std::to_string(e.char16_value());
    default: return json ? "null" : "";
  }
}
}  // namespace

std::string PathToUri(const pb::ObjectPath& p) {
  std::string out;
  if (!p.namespace_().empty()) out = "/" + p.namespace_() + ":";
  out += p.class_name();
  for (int i = 0; i < p.keys_size(); ++i) {
    out += i == 0 ? "." : ",";
    out += p.keys(i).name() + "=";
    const pb::CimValue& v = p.keys(i).value();
    if (v.elements().empty()) continue;
    const auto& e = v.elements(0);
    if (e.has_string_value()) {
      out += QuoteKey(e.string_value());
    } else if (e.has_reference_value()) {
      out += QuoteKey(PathToUri(e.reference_value()));
    } else {
      out += ScalarText(e, false);
    }
  }
  return out;
}

std::string ValueToText(const pb::CimValue& v) {
  if (!v.is_array()) return v.elements().empty() ? "" : ScalarText(v.elements(0), false);
  std::string out = "{";
  for (int i = 0; i < v.elements_size(); ++i) {
    if (i) out += ", ";
    out += ScalarText(v.elements(i), false);
  }
  return out + "}";
}

std::string ValueToJson(const pb::CimValue& v) {
  if (!v.is_array()) return v.elements().empty() ? "null" : ScalarText(v.elements(0), true);
  std::string out = "[";
  for (int i = 0; i < v.elements_size(); ++i) {
    if (i) out += ",";
    out += ScalarText(v.elements(i), true);
  }
  return out + "]";
}

std::string InstanceToJson(const pb::CimInstance& inst) {
  std::string out = "{\"ClassName\":" + JsonString(inst.class_name());
  if (inst.has_path()) out += ",\"Path\":" + JsonString(PathToUri(inst.path()));
  out += ",\"Properties\":{";
  for (int i = 0; i < inst.properties_size(); ++i) {
    if (i) out += ",";
    out += JsonString(inst.properties(i).name()) + ":" + ValueToJson(inst.properties(i).value());
  }
  return out + "}}";
}

std::string InstanceToMofText(const std::string& cls,
                              const std::vector<std::pair<std::string, std::string>>& props) {
  std::string out = "instance of " + cls + " {\n";
  for (const auto& [name, literal] : props) out += "  " + name + " = " + literal + ";\n";
  return out + "};\n";
}

}  // namespace hv::vmctl
