#include "vmms/cim/arg_coercion.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "vmms/cim/embedded_instance.h"

namespace hv::vmms::cim {

using hv::cim::CimStatusCode;
using hv::cim::CimType;
using hv::cim::Scalar;
using hv::cim::Value;

namespace {

absl::Status Mismatch(absl::string_view what, const hv::cim::FeatureType& type, absl::string_view got) {
  return hv::cim::MakeCimError(CimStatusCode::kTypeMismatch,
                               absl::StrCat(what, " is ", type.ToString(), "; got ", got));
}

// One element of `from_type` converted to `to`.
absl::StatusOr<Scalar> CoerceScalar(absl::string_view what, const hv::cim::FeatureType& to,
                                    CimType from_type, const Scalar& s) {
  hv::cim::FeatureType scalar_to = to;
  scalar_to.is_array = false;
  const std::string got = hv::cim::ScalarToMof(from_type, s);
  if (from_type == to.type) return s;
  if (from_type == CimType::kString) {
    absl::StatusOr<Value> v = ValueFromText(scalar_to, std::get<std::string>(s));
    if (!v.ok()) return Mismatch(what, to, got);
    return v->scalar();
  }
  if (hv::cim::IsInteger(to.type) && hv::cim::IsInteger(from_type)) {
    hv::cim::IntRange r = hv::cim::IntegerRange(to.type);
    if (hv::cim::IsUnsignedInt(from_type)) {
      uint64_t u = std::get<uint64_t>(s);
      if (u > r.max) return Mismatch(what, to, got);
      if (hv::cim::IsUnsignedInt(to.type)) return Scalar{u};
      return Scalar{static_cast<int64_t>(u)};
    }
    int64_t i = std::get<int64_t>(s);
    if (i < r.min_signed || (i > 0 && static_cast<uint64_t>(i) > r.max)) return Mismatch(what, to, got);
    if (hv::cim::IsUnsignedInt(to.type)) return Scalar{static_cast<uint64_t>(i)};
    return Scalar{i};
  }
  if (hv::cim::IsReal(to.type) && hv::cim::IsInteger(from_type)) {
    return Scalar{hv::cim::IsUnsignedInt(from_type) ? static_cast<double>(std::get<uint64_t>(s))
                                                    : static_cast<double>(std::get<int64_t>(s))};
  }
  if (hv::cim::IsReal(to.type) && hv::cim::IsReal(from_type)) return s;
  return Mismatch(what, to, got);
}

}  // namespace

absl::StatusOr<Value> CoerceToType(absl::string_view what, const hv::cim::FeatureType& type,
                                   const Value& value) {
  if (value.is_null()) return Value::Null(type.type, type.is_array);
  if (value.is_array() != type.is_array) {
    return Mismatch(what, type, value.is_array() ? "an array" : "a scalar");
  }
  if (!value.is_array()) {
    absl::StatusOr<Scalar> s = CoerceScalar(what, type, value.type(), value.scalar());
    if (!s.ok()) return s.status();
    return Value::FromScalar(type.type, *std::move(s));
  }
  std::vector<Scalar> out;
  out.reserve(value.array().size());
  for (const Scalar& e : value.array()) {
    absl::StatusOr<Scalar> s = CoerceScalar(what, type, value.type(), e);
    if (!s.ok()) return s.status();
    out.push_back(*std::move(s));
  }
  return Value::Array(type.type, std::move(out));
}

}  // namespace hv::vmms::cim
