#include "cim-schema/mof_writer.h"

#include "absl/strings/str_cat.h"

namespace hv::cim {
namespace {

// "[Key, ValueMap {"1"}]\n" (indented), or "" when nothing is written.
std::string QualifiersToMof(const QualifierList& quals, const MofWriteOptions& opt,
                            absl::string_view indent) {
  std::string out;
  for (const Qualifier& q : quals.items()) {
    if (q.propagated || opt.skip_qualifiers.contains(q.name)) continue;
    out.append(out.empty() ? absl::StrCat(indent, "[") : std::string(",\n ") + std::string(indent));
    out.append(q.name);
    if (q.value.type() == CimType::kBoolean && !q.value.is_array() && !q.value.is_null() &&
        q.value.AsBool()) {
      continue;
    }
    if (q.value.is_array()) {
      absl::StrAppend(&out, " ", q.value.ToMof());
    } else {
      absl::StrAppend(&out, "(", q.value.ToMof(), ")");
    }
  }
  if (!out.empty()) out.append("]\n");
  return out;
}

std::string TypeAndName(const FeatureType& t, absl::string_view name) {
  if (t.type == CimType::kReference) return absl::StrCat(t.ref_class, " REF ", name, t.is_array ? "[]" : "");
  std::string out = absl::StrCat(CimTypeName(t.type), " ", name);
  if (t.is_array) absl::StrAppend(&out, "[", t.array_size ? absl::StrCat(*t.array_size) : "", "]");
  return out;
}

}  // namespace

std::string QualifierDeclToMof(const QualifierDecl& d) {
  std::string out = absl::StrCat("Qualifier ", d.name, " : ", CimTypeName(d.type),
                                 d.is_array ? "[]" : "");
  if (!d.default_value.is_null()) absl::StrAppend(&out, " = ", d.default_value.ToMof());
  absl::StrAppend(&out, ",\n    Scope(", QualifierScopeToString(d.scope), ")");
  Flavors f = d.flavors;
  absl::StrAppend(&out, ",\n    Flavor(", f.disable_override ? "DisableOverride" : "EnableOverride",
                  ", ", f.restricted ? "Restricted" : "ToSubclass",
                  f.translatable ? ", Translatable" : "", ");\n");
  return out;
}

std::string ClassToMof(const Class& cls, const MofWriteOptions& opt) {
  std::string out = QualifiersToMof(cls.qualifiers(), opt, "");
  absl::StrAppend(&out, "class ", cls.name());
  if (!cls.superclass().empty()) absl::StrAppend(&out, " : ", cls.superclass());
  out.append(" {\n");
  for (const Property& p : cls.properties()) {
    if (p.propagated) continue;
    absl::StrAppend(&out, "\n", QualifiersToMof(p.qualifiers, opt, "   "), "   ",
                    TypeAndName(p.type, p.name));
    if (!p.default_value.is_null()) absl::StrAppend(&out, " = ", p.default_value.ToMof());
    out.append(";\n");
  }
  for (const Method& m : cls.methods()) {
    if (m.propagated) continue;
    absl::StrAppend(&out, "\n", QualifiersToMof(m.qualifiers, opt, "   "), "   ",
                    TypeAndName(m.return_type, m.name), "(");
    for (size_t i = 0; i < m.parameters.size(); ++i) {
      const Parameter& p = m.parameters[i];
      std::string q = QualifiersToMof(p.qualifiers, opt, "      ");
      if (!q.empty()) q.pop_back();  // keep the qualifiers on the parameter's line
      absl::StrAppend(&out, i ? ",\n" : "\n", q, q.empty() ? "      " : " ", TypeAndName(p.type, p.name));
    }
    out.append(");\n");
  }
  out.append("};\n");
  return out;
}

std::string InstanceToMof(const Instance& inst) {
  std::string out = absl::StrCat("instance of ", inst.class_name(), " {\n");
  for (const PropertyValue& pv : inst.properties()) {
    absl::StrAppend(&out, "   ", pv.name, " = ", pv.value.ToMof(), ";\n");
  }
  out.append("};\n");
  return out;
}

}  // namespace hv::cim
