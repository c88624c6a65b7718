#include "cim-schema/value.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cim-schema/object_path.h"

namespace hv::cim {

Value Value::Null(CimType type, bool is_array) {
  Value v;
  v.type_ = type;
  v.is_array_ = is_array;
  return v;
}

Value Value::FromScalar(CimType type, Scalar s) {
  Value v;
  v.type_ = type;
  v.null_ = false;
  v.scalar_ = std::move(s);
  return v;
}

Value Value::Boolean(bool b) { return FromScalar(CimType::kBoolean, b); }
Value Value::Unsigned(CimType type, uint64_t x) { return FromScalar(type, x); }
Value Value::Signed(CimType type, int64_t x) { return FromScalar(type, x); }
Value Value::Real(CimType type, double x) { return FromScalar(type, x); }
Value Value::Char16(uint32_t cp) { return FromScalar(CimType::kChar16, uint64_t{cp}); }
Value Value::String(std::string s) { return FromScalar(CimType::kString, std::move(s)); }
Value Value::FromDateTime(DateTime dt) { return FromScalar(CimType::kDatetime, std::move(dt)); }
Value Value::Reference(ObjectPath path) {
  return FromScalar(CimType::kReference, std::make_shared<const ObjectPath>(std::move(path)));
}

Value Value::Array(CimType type, std::vector<Scalar> elements) {
  Value v;
  v.type_ = type;
  v.is_array_ = true;
  v.null_ = false;
  v.array_ = std::move(elements);
  return v;
}

void AppendQuoted(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\x%04X", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string ScalarToMof(CimType type, const Scalar& s) {
  std::string out;
  switch (type) {
    case CimType::kBoolean:
      return std::get<bool>(s) ? "TRUE" : "FALSE";
    case CimType::kChar16: {
      uint64_t c = std::get<uint64_t>(s);
      if (c == '\'' || c == '\\') return absl::StrCat("'\\", std::string(1, static_cast<char>(c)), "'");
      if (c >= 0x20 && c < 0x7f) return absl::StrCat("'", std::string(1, static_cast<char>(c)), "'");
      return absl::StrFormat("'\\x%04X'", c);
    }
    case CimType::kReal32:
      return absl::StrFormat("%.9g", std::get<double>(s));
    case CimType::kReal64:
      return absl::StrFormat("%.17g", std::get<double>(s));
    case CimType::kString:
      AppendQuoted(&out, std::get<std::string>(s));
      return out;
    case CimType::kDatetime:
      AppendQuoted(&out, std::get<DateTime>(s).text());
      return out;
    case CimType::kReference:
      AppendQuoted(&out, std::get<std::shared_ptr<const ObjectPath>>(s)->ToWbemUri());
      return out;
    default:
      break;
  }
  if (IsUnsignedInt(type)) return absl::StrCat(std::get<uint64_t>(s));
  return absl::StrCat(std::get<int64_t>(s));
}

std::string Value::ToMof() const {
  if (null_) return "NULL";
  if (!is_array_) return ScalarToMof(type_, scalar_);
  std::string out = "{";
  for (size_t i = 0; i < array_.size(); ++i) {
    if (i) out.append(", ");
    out.append(ScalarToMof(type_, array_[i]));
  }
  out.append("}");
  return out;
}

bool ScalarEquals(const Scalar& a, const Scalar& b) {
  if (a.index() != b.index()) return false;
  if (const auto* pa = std::get_if<std::shared_ptr<const ObjectPath>>(&a)) {
    const auto& pb = std::get<std::shared_ptr<const ObjectPath>>(b);
    return *pa && pb ? **pa == *pb : *pa == pb;
  }
  return a == b;
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_ || a.is_array_ != b.is_array_ || a.null_ != b.null_) return false;
  if (a.null_) return true;
  if (!a.is_array_) return ScalarEquals(a.scalar_, b.scalar_);
  if (a.array_.size() != b.array_.size()) return false;
  for (size_t i = 0; i < a.array_.size(); ++i) {
    if (!ScalarEquals(a.array_[i], b.array_[i])) return false;
  }
  return true;
}

}  // namespace hv::cim
