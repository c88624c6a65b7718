#include "proto/convert/cim_proto_conversion.h"

#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/mof_writer.h"
#include "common/status_macros.h"

namespace hv::proto {

namespace pb = hv::cim::v1;
using hv::cim::CimStatusCode;
using hv::cim::CimType;
using hv::cim::MakeCimError;
using hv::cim::Scalar;
using hv::cim::Value;

namespace {

constexpr int kMaxDepth = 8;

struct TypeRow {
  pb::CimType wire;
  CimType cim;
};
constexpr TypeRow kTypes[] = {
    {pb::CIM_TYPE_UINT8, CimType::kUint8},     {pb::CIM_TYPE_SINT8, CimType::kSint8},
    {pb::CIM_TYPE_UINT16, CimType::kUint16},   {pb::CIM_TYPE_SINT16, CimType::kSint16},
    {pb::CIM_TYPE_UINT32, CimType::kUint32},   {pb::CIM_TYPE_SINT32, CimType::kSint32},
    {pb::CIM_TYPE_UINT64, CimType::kUint64},   {pb::CIM_TYPE_SINT64, CimType::kSint64},
    {pb::CIM_TYPE_REAL32, CimType::kReal32},   {pb::CIM_TYPE_REAL64, CimType::kReal64},
    {pb::CIM_TYPE_CHAR16, CimType::kChar16},   {pb::CIM_TYPE_STRING, CimType::kString},
    {pb::CIM_TYPE_BOOLEAN, CimType::kBoolean}, {pb::CIM_TYPE_DATETIME, CimType::kDatetime},
    {pb::CIM_TYPE_REFERENCE, CimType::kReference},
};

pb::CimType ToWire(CimType t) {
  for (const TypeRow& r : kTypes) {
    if (r.cim == t) return r.wire;
  }
  return pb::CIM_TYPE_UNSPECIFIED;
}

std::optional<CimType> FromWire(pb::CimType t) {
  for (const TypeRow& r : kTypes) {
    if (r.wire == t) return r.cim;
  }
  if (t == pb::CIM_TYPE_INSTANCE) return CimType::kString;  // embedded: carried as text
  return std::nullopt;
}

// The type an untyped element implies.
CimType Implied(const pb::CimScalar& s) {
  switch (s.kind_case()) {
    case pb::CimScalar::kUnsignedValue: return CimType::kUint64;
    case pb::CimScalar::kSignedValue: return CimType::kSint64;
    case pb::CimScalar::kRealValue: return CimType::kReal64;
    case pb::CimScalar::kBooleanValue: return CimType::kBoolean;
    case pb::CimScalar::kDatetimeValue: return CimType::kDatetime;
    case pb::CimScalar::kReferenceValue: return CimType::kReference;
    case pb::CimScalar::kChar16Value: return CimType::kChar16;
    default: return CimType::kString;
  }
}

absl::StatusOr<Scalar> ScalarFromProto(CimType type, const pb::CimScalar& s, int depth) {
  auto mismatch = [&](absl::string_view what) {
    return MakeCimError(CimStatusCode::kTypeMismatch,
                        absl::StrCat("a ", hv::cim::CimTypeName(type), " value cannot carry ", what));
  };
  switch (s.kind_case()) {
    case pb::CimScalar::kUnsignedValue:
      if (hv::cim::IsUnsignedInt(type) || type == CimType::kChar16) {
        if (s.unsigned_value() > hv::cim::IntegerRange(type).max && type != CimType::kChar16) {
          return mismatch(absl::StrCat(s.unsigned_value(), " (out of range)"));
        }
        return Scalar{s.unsigned_value()};
      }
      if (hv::cim::IsSignedInt(type)) {
        if (s.unsigned_value() > hv::cim::IntegerRange(type).max) return mismatch("an out-of-range value");
        return Scalar{static_cast<int64_t>(s.unsigned_value())};
      }
      if (hv::cim::IsReal(type)) return Scalar{static_cast<double>(s.unsigned_value())};
      return mismatch("an unsigned integer");
    case pb::CimScalar::kSignedValue:
      if (hv::cim::IsSignedInt(type)) {
        hv::cim::IntRange r = hv::cim::IntegerRange(type);
        if (s.signed_value() < r.min_signed ||
            (s.signed_value() > 0 && static_cast<uint64_t>(s.signed_value()) > r.max)) {
          return mismatch("an out-of-range value");
        }
        return Scalar{s.signed_value()};
      }
      if (hv::cim::IsUnsignedInt(type) && s.signed_value() >= 0 &&
          static_cast<uint64_t>(s.signed_value()) <= hv::cim::IntegerRange(type).max) {
        return Scalar{static_cast<uint64_t>(s.signed_value())};
      }
      if (hv::cim::IsReal(type)) return Scalar{static_cast<double>(s.signed_value())};
      return mismatch("a signed integer");
    case pb::CimScalar::kRealValue:
      if (hv::cim::IsReal(type)) return Scalar{s.real_value()};
      return mismatch("a real number");
    case pb::CimScalar::kStringValue:
      if (type == CimType::kString) return Scalar{s.string_value()};
      // Untyped text for a typed value: parsed later against the declaration.
      return mismatch("a string");
    case pb::CimScalar::kBooleanValue:
      if (type == CimType::kBoolean) return Scalar{s.boolean_value()};
      return mismatch("a boolean");
    case pb::CimScalar::kDatetimeValue: {
      if (type != CimType::kDatetime) return mismatch("a datetime");
      absl::StatusOr<hv::cim::DateTime> dt = hv::cim::DateTime::Parse(s.datetime_value());
      if (!dt.ok()) return MakeCimError(CimStatusCode::kInvalidParameter, dt.status().message());
      return Scalar{*dt};
    }
    case pb::CimScalar::kReferenceValue: {
      if (type != CimType::kReference) return mismatch("a reference");
      ASSIGN_OR_RETURN(hv::cim::ObjectPath p, PathFromProto(s.reference_value(), depth + 1));
      return Scalar{std::make_shared<const hv::cim::ObjectPath>(std::move(p))};
    }
    case pb::CimScalar::kInstanceValue: {
      if (type != CimType::kString) return mismatch("an embedded instance");
      ASSIGN_OR_RETURN(hv::cim::Instance inst, InstanceFromProto(s.instance_value(), depth + 1));
      return Scalar{hv::cim::InstanceToMof(inst)};
    }
    case pb::CimScalar::kChar16Value:
      if (type == CimType::kChar16) return Scalar{uint64_t{s.char16_value()}};
      return mismatch("a char16");
    case pb::CimScalar::kNullValue:
    case pb::CimScalar::KIND_NOT_SET:
      return MakeCimError(CimStatusCode::kInvalidParameter, "NULL array elements are not supported");
  }
  return mismatch("this element");
}

void ScalarToProto(CimType type, const Scalar& s, pb::CimScalar* out) {
  if (hv::cim::IsUnsignedInt(type)) {
    out->set_unsigned_value(std::get<uint64_t>(s));
  } else if (hv::cim::IsSignedInt(type)) {
    out->set_signed_value(std::get<int64_t>(s));
  } else if (hv::cim::IsReal(type)) {
    out->set_real_value(std::get<double>(s));
  } else if (type == CimType::kBoolean) {
    out->set_boolean_value(std::get<bool>(s));
  } else if (type == CimType::kChar16) {
    out->set_char16_value(static_cast<uint32_t>(std::get<uint64_t>(s)));
  } else if (type == CimType::kDatetime) {
    out->set_datetime_value(std::get<hv::cim::DateTime>(s).text());
  } else if (type == CimType::kReference) {
    PathToProto(*std::get<std::shared_ptr<const hv::cim::ObjectPath>>(s), out->mutable_reference_value());
  } else {
    out->set_string_value(std::get<std::string>(s));
  }
}

void QualifiersToProto(const hv::cim::QualifierList& quals,
                       google::protobuf::RepeatedPtrField<pb::Qualifier>* out) {
  for (const hv::cim::Qualifier& q : quals.items()) {
    pb::Qualifier* pq = out->Add();
    pq->set_name(q.name);
    ValueToProto(q.value, pq->mutable_value());
    pq->set_overridable(!q.flavors.disable_override);
    pq->set_to_subclass(!q.flavors.restricted);
    pq->set_translatable(q.flavors.translatable);
    pq->set_propagated(q.propagated);
  }
}

}  // namespace

absl::StatusOr<Value> ValueFromProto(const pb::CimValue& v, int depth) {
  if (depth > kMaxDepth) return MakeCimError(CimStatusCode::kInvalidParameter, "value nested too deeply");
  std::optional<CimType> type = FromWire(v.type());
  if (!type) {
    if (v.type() != pb::CIM_TYPE_UNSPECIFIED) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("unknown CimType ", static_cast<int>(v.type())));
    }
    type = v.elements().empty() ? CimType::kString : Implied(v.elements(0));
  }
  if (!v.is_array()) {
    if (v.elements().empty()) return Value::Null(*type);
    if (v.elements_size() > 1) {
      return MakeCimError(CimStatusCode::kInvalidParameter, "a scalar value has more than one element");
    }
    if (v.elements(0).kind_case() == pb::CimScalar::kNullValue) return Value::Null(*type);
    ASSIGN_OR_RETURN(Scalar s, ScalarFromProto(*type, v.elements(0), depth));
    return Value::FromScalar(*type, std::move(s));
  }
  if (v.null_array() && v.elements().empty()) return Value::Null(*type, /*is_array=*/true);
  std::vector<Scalar> elems;
  elems.reserve(v.elements_size());
  for (const pb::CimScalar& e : v.elements()) {
    ASSIGN_OR_RETURN(Scalar s, ScalarFromProto(*type, e, depth));
    elems.push_back(std::move(s));
  }
  return Value::Array(*type, std::move(elems));
}

void ValueToProto(const Value& v, pb::CimValue* out) {
  out->set_type(ToWire(v.type()));
  out->set_is_array(v.is_array());
  if (v.is_null()) {
    out->set_null_array(v.is_array());
    return;
  }
  if (v.is_array()) {
    out->mutable_elements()->Reserve(static_cast<int>(v.array().size()));
    for (const Scalar& e : v.array()) ScalarToProto(v.type(), e, out->add_elements());
  } else {
    ScalarToProto(v.type(), v.scalar(), out->add_elements());
    if (v.type() == CimType::kReference) out->set_ref_class(v.AsReference().class_name);
  }
}

pb::CimValue ValueToProto(const Value& v) {
  pb::CimValue out;
  ValueToProto(v, &out);
  return out;
}

absl::StatusOr<hv::cim::ObjectPath> PathFromProto(const pb::ObjectPath& p, int depth) {
  if (depth > kMaxDepth) return MakeCimError(CimStatusCode::kInvalidParameter, "path nested too deeply");
  hv::cim::ObjectPath out;
  out.host = p.host();
  out.name_space = p.namespace_();
  out.class_name = p.class_name();
  for (const pb::KeyBinding& k : p.keys()) {
    if (k.name().empty()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("object path of ", p.class_name(), ": a key has no name"));
    }
    ASSIGN_OR_RETURN(Value v, ValueFromProto(k.value(), depth + 1));
    if (v.is_null() || v.is_array()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("object path of ", p.class_name(), ": key ", k.name(),
                                       " must be a non-NULL scalar"));
    }
    out.keys.push_back({k.name(), std::move(v)});
  }
  return out;
}

void PathToProto(const hv::cim::ObjectPath& p, pb::ObjectPath* out) {
  out->set_host(p.host);
  out->set_namespace_(p.name_space);
  out->set_class_name(p.class_name);
  for (const auto& k : p.keys) {
    pb::KeyBinding* kb = out->add_keys();
    kb->set_name(k.name);
    ValueToProto(k.value, kb->mutable_value());
  }
}

pb::ObjectPath PathToProto(const hv::cim::ObjectPath& p) {
  pb::ObjectPath out;
  PathToProto(p, &out);
  return out;
}

absl::StatusOr<hv::cim::Instance> InstanceFromProto(const pb::CimInstance& i, int depth) {
  if (depth > kMaxDepth) return MakeCimError(CimStatusCode::kInvalidParameter, "instance nested too deeply");
  std::string cls = i.class_name().empty() ? i.path().class_name() : i.class_name();
  hv::cim::Instance out(cls);
  for (const pb::Property& p : i.properties()) {
    if (p.name().empty()) {
      return MakeCimError(CimStatusCode::kInvalidParameter,
                          absl::StrCat("instance of ", cls, ": a property has no name"));
    }
    ASSIGN_OR_RETURN(Value v, ValueFromProto(p.value(), depth + 1));
    out.Set(p.name(), std::move(v));
  }
  return out;
}

void InstanceToProto(const hv::cim::Instance& i, const hv::cim::ObjectPath* path,
                     pb::CimInstance* out) {
  out->set_class_name(i.class_name());
  if (path != nullptr) PathToProto(*path, out->mutable_path());
  out->mutable_properties()->Reserve(static_cast<int>(i.properties().size()));
  for (const hv::cim::PropertyValue& pv : i.properties()) {
    pb::Property* p = out->add_properties();
    p->set_name(pv.name);
    ValueToProto(pv.value, p->mutable_value());
  }
}

pb::CimInstance InstanceToProto(const hv::cim::Instance& i, const hv::cim::ObjectPath* path) {
  pb::CimInstance out;
  InstanceToProto(i, path, &out);
  return out;
}

void ClassToProto(const hv::cim::Class& c, absl::string_view name_space, bool include_class_origin,
                  pb::CimClass* out) {
  out->set_name(c.name());
  out->set_superclass(c.superclass());
  out->set_namespace_(std::string(name_space));
  QualifiersToProto(c.qualifiers(), out->mutable_qualifiers());
  for (const hv::cim::Property& p : c.properties()) {
    pb::Property* pp = out->add_properties();
    pp->set_name(p.name);
    ValueToProto(p.default_value.is_null() ? Value::Null(p.type.type, p.type.is_array)
                                           : p.default_value,
                 pp->mutable_value());
    pp->mutable_value()->set_type(ToWire(p.type.type));
    pp->mutable_value()->set_is_array(p.type.is_array);
    pp->mutable_value()->set_ref_class(p.type.ref_class);
    QualifiersToProto(p.qualifiers, pp->mutable_qualifiers());
    if (include_class_origin) pp->set_class_origin(p.class_origin);
    pp->set_propagated(p.propagated);
    pp->set_array_size(p.type.array_size.value_or(0));
  }
  for (const hv::cim::Method& m : c.methods()) {
    pb::Method* pm = out->add_methods();
    pm->set_name(m.name);
    pm->set_return_type(ToWire(m.return_type.type));
    QualifiersToProto(m.qualifiers, pm->mutable_qualifiers());
    if (include_class_origin) pm->set_class_origin(m.class_origin);
    pm->set_propagated(m.propagated);
    for (const hv::cim::Parameter& p : m.parameters) {
      pb::Parameter* pp = pm->add_parameters();
      pp->set_name(p.name);
      std::optional<std::string> ei = p.qualifiers.GetString("EmbeddedInstance");
      pp->set_type(ei ? pb::CIM_TYPE_INSTANCE : ToWire(p.type.type));
      pp->set_is_array(p.type.is_array);
      pp->set_ref_class(ei ? *ei : p.type.ref_class);
      QualifiersToProto(p.qualifiers, pp->mutable_qualifiers());
    }
  }
}

pb::CimClass ClassToProto(const hv::cim::Class& c, absl::string_view name_space,
                          bool include_class_origin) {
  pb::CimClass out;
  ClassToProto(c, name_space, include_class_origin, &out);
  return out;
}

namespace {

absl::Status ClassError(const pb::CimClass& c, absl::string_view element, absl::string_view what) {
  return MakeCimError(CimStatusCode::kInvalidParameter,
                      absl::StrCat("class '", c.name(), "' ", element, ": ", what));
}

absl::StatusOr<hv::cim::QualifierList> LocalQualifiersFromProto(
    const pb::CimClass& c, absl::string_view element,
    const google::protobuf::RepeatedPtrField<pb::Qualifier>& in) {
  hv::cim::QualifierList out;
  for (const pb::Qualifier& pq : in) {
    if (pq.propagated()) continue;
    absl::StatusOr<Value> v = ValueFromProto(pq.value());
    if (!v.ok()) return ClassError(c, element, absl::StrCat("qualifier ", pq.name(), ": ", v.status().message()));
    hv::cim::Qualifier q;
    q.name = pq.name();
    q.value = *std::move(v);
    q.flavors.disable_override = !pq.overridable();
    q.flavors.restricted = !pq.to_subclass();
    q.flavors.translatable = pq.translatable();
    out.Set(std::move(q));
  }
  return out;
}

// INSTANCE (an EmbeddedInstance parameter on the wire) is declared a string.
absl::StatusOr<hv::cim::FeatureType> FeatureTypeFromProto(const pb::CimClass& c,
                                                          absl::string_view element,
                                                          pb::CimType type, bool is_array,
                                                          const std::string& ref_class,
                                                          uint32_t array_size) {
  hv::cim::FeatureType t;
  if (type == pb::CIM_TYPE_INSTANCE) {
    t.type = CimType::kString;
  } else {
    std::optional<CimType> ct = FromWire(type);
    if (!ct) return ClassError(c, element, absl::StrCat("unknown type ", static_cast<int>(type)));
    t.type = *ct;
    if (t.type == CimType::kReference) t.ref_class = ref_class;
  }
  t.is_array = is_array;
  if (array_size != 0) t.array_size = array_size;
  return t;
}

absl::StatusOr<hv::cim::Method> LocalMethodFromProto(const pb::CimClass& c, const pb::Method& pm) {
  hv::cim::Method m;
  m.name = pm.name();
  ASSIGN_OR_RETURN(m.return_type, FeatureTypeFromProto(c, pm.name(), pm.return_type(), false, "", 0));
  ASSIGN_OR_RETURN(m.qualifiers, LocalQualifiersFromProto(c, pm.name(), pm.qualifiers()));
  for (const pb::Parameter& pp : pm.parameters()) {
    const std::string element = absl::StrCat(pm.name(), "(", pp.name(), ")");
    hv::cim::Parameter p;
    p.name = pp.name();
    ASSIGN_OR_RETURN(p.type, FeatureTypeFromProto(c, element, pp.type(), pp.is_array(),
                                                  pp.ref_class(), 0));
    ASSIGN_OR_RETURN(p.qualifiers, LocalQualifiersFromProto(c, element, pp.qualifiers()));
    m.parameters.push_back(std::move(p));
  }
  m.class_origin = c.name();
  return m;
}

}  // namespace

absl::StatusOr<hv::cim::Class> LocalClassFromProto(const pb::CimClass& c) {
  if (c.name().empty()) {
    return MakeCimError(CimStatusCode::kInvalidParameter, "class without a name");
  }
  hv::cim::Class out(c.name(), c.superclass());
  ASSIGN_OR_RETURN(out.qualifiers(), LocalQualifiersFromProto(c, "qualifiers", c.qualifiers()));
  for (const pb::Property& pp : c.properties()) {
    if (pp.propagated()) continue;
    hv::cim::Property p;
    p.name = pp.name();
    ASSIGN_OR_RETURN(p.type, FeatureTypeFromProto(c, pp.name(), pp.value().type(),
                                                  pp.value().is_array(), pp.value().ref_class(),
                                                  pp.array_size()));
    absl::StatusOr<Value> def = ValueFromProto(pp.value());
    if (!def.ok()) return ClassError(c, pp.name(), def.status().message());
    p.default_value = *std::move(def);
    ASSIGN_OR_RETURN(p.qualifiers, LocalQualifiersFromProto(c, pp.name(), pp.qualifiers()));
    p.class_origin = c.name();
    RETURN_IF_ERROR(out.AddProperty(std::move(p)));
  }
  for (const pb::Method& pm : c.methods()) {
    if (pm.propagated()) continue;
    ASSIGN_OR_RETURN(hv::cim::Method m, LocalMethodFromProto(c, pm));
    RETURN_IF_ERROR(out.AddMethod(std::move(m)));
  }
  return out;
}

}  // namespace hv::proto
