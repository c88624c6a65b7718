#include "cim-schema/schema_diff.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cim-schema/method_rename.h"
#include "cim-schema/value_map.h"

namespace hv::cim {

const char* DiffVerdictName(DiffVerdict v) {
  switch (v) {
    case DiffVerdict::kInfo: return "info";
    case DiffVerdict::kCompatible: return "compatible";
    case DiffVerdict::kWarning: return "warning";
    case DiffVerdict::kBreaking: return "BREAKING";
    case DiffVerdict::kVersioningError: return "VERSIONING-ERROR";
  }
  return "?";
}

bool SchemaDiff::HasBreaking() const {
  return Count(DiffVerdict::kBreaking) + Count(DiffVerdict::kVersioningError) > 0;
}

size_t SchemaDiff::Count(DiffVerdict v) const {
  return std::count_if(changes.begin(), changes.end(),
                       [v](const SchemaChange& c) { return c.verdict == v; });
}

std::string SchemaDiff::ToText() const {
  std::string out;
  for (const SchemaChange& c : changes) {
    absl::StrAppendFormat(&out, "%-17s %s: %s\n", DiffVerdictName(c.verdict), c.element, c.what);
  }
  absl::StrAppendFormat(&out,
                        "summary: %d changes: %d breaking, %d versioning errors, %d warnings, "
                        "%d compatible, %d info => %s\n",
                        changes.size(), Count(DiffVerdict::kBreaking),
                        Count(DiffVerdict::kVersioningError), Count(DiffVerdict::kWarning),
                        Count(DiffVerdict::kCompatible), Count(DiffVerdict::kInfo),
                        HasBreaking() ? "BREAKING" : "compatible");
  return out;
}

namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("'", s, "'"); }

std::string ValueText(const QualifierList& q, absl::string_view name) {
  const Qualifier* x = q.Find(name);
  return x == nullptr ? "" : x->value.ToMof();
}

// PUnit, else the older Units qualifier.
std::string UnitOf(const QualifierList& q) {
  std::optional<std::string> p = q.GetString("PUnit");
  return p ? *p : q.GetString("Units").value_or("");
}

std::optional<std::tuple<int, int, int>> ParseVersion(absl::string_view v) {
  std::vector<std::string> parts = absl::StrSplit(v, '.');
  if (parts.size() != 3) return std::nullopt;
  int a, b, c;
  if (!absl::SimpleAtoi(parts[0], &a) || !absl::SimpleAtoi(parts[1], &b) ||
      !absl::SimpleAtoi(parts[2], &c)) {
    return std::nullopt;
  }
  return std::make_tuple(a, b, c);
}

std::string ParamList(const Method& m) {
  std::vector<std::string> parts;
  for (const Parameter& p : m.parameters) {
    parts.push_back(absl::StrCat(p.IsOut() ? (p.IsIn() ? "INOUT " : "OUT ") : "",
                                 p.type.ToString(), " ", p.name));
  }
  return absl::StrCat("(", absl::StrJoin(parts, ", "), ")");
}

class Differ {
 public:
  Differ(const Schema& o, const Schema& n) : o_(o), n_(n) {}
  SchemaDiff Run();

 private:
  void Add(DiffVerdict v, std::string element, std::string what);
  void DiffClass(const Class& o, const Class& n);
  void DiffClassQualifiers(const Class& o, const Class& n);
  void DiffProperties(const Class& o, const Class& n);
  void DiffProperty(const std::string& el, const Property& o, const Property& n);
  void DiffElementQualifiers(const std::string& el, const QualifierList& o, const QualifierList& n);
  void DiffMethods(const Class& o, const Class& n);
  void DiffMethod(const std::string& el, const Method& o, const Method& n);
  void DiffParameters(const std::string& el, const Method& o, const Method& n);
  void DiffValueMaps(const std::string& el, const QualifierList& o, const QualifierList& n);
  void CheckVersion(const Class& o, const Class& n, size_t first);
  bool Skip(const Class& n, bool old_propagated, bool new_propagated,
            const std::string& old_origin) const;

  const Schema& o_;
  const Schema& n_;
  std::vector<SchemaChange> out_;
  bool experimental_ = false;
};

void Differ::Add(DiffVerdict v, std::string element, std::string what) {
  if (experimental_ && (v == DiffVerdict::kBreaking || v == DiffVerdict::kWarning)) {
    v = DiffVerdict::kInfo;
    what += " (element is Experimental: allowed)";
  }
  out_.push_back({v, std::move(element), std::move(what)});
}

SchemaDiff Differ::Run() {
  if (!CiEquals(o_.name_space(), n_.name_space())) {
    Add(DiffVerdict::kInfo, "namespace",
        absl::StrCat(o_.name_space(), " -> ", n_.name_space()));
  }
  for (const auto& oc : o_.classes()) {
    experimental_ = oc->qualifiers().IsTrue("Experimental");
    const Class* nc = n_.FindClass(oc->name());
    if (nc == nullptr) {
      Add(DiffVerdict::kBreaking, oc->name(), "class removed");
      continue;
    }
    DiffClass(*oc, *nc);
  }
  experimental_ = false;
  for (const auto& nc : n_.classes()) {
    if (o_.FindClass(nc->name()) == nullptr) {
      Add(DiffVerdict::kCompatible, nc->name(),
          absl::StrCat("class added", nc->superclass().empty() ? "" : " : " + nc->superclass()));
    }
  }
  SchemaDiff d;
  d.changes = std::move(out_);
  return d;
}

void Differ::DiffClass(const Class& o, const Class& n) {
  const size_t first = out_.size();
  if (!CiEquals(o.superclass(), n.superclass())) {
    const bool inserted = !o.superclass().empty() && n_.IsSubclassOf(n.name(), o.superclass());
    Add(inserted ? DiffVerdict::kCompatible : DiffVerdict::kBreaking, n.name(),
        absl::StrCat("superclass ", o.superclass().empty() ? "(none)" : o.superclass(), " -> ",
                     n.superclass().empty() ? "(none)" : n.superclass(),
                     inserted ? " (ancestor inserted)" : ""));
  }
  DiffClassQualifiers(o, n);
  DiffProperties(o, n);
  DiffMethods(o, n);
  CheckVersion(o, n, first);
}

void Differ::DiffClassQualifiers(const Class& o, const Class& n) {
  if (!o.IsAbstract() && n.IsAbstract()) Add(DiffVerdict::kBreaking, n.name(), "Abstract added");
  for (const char* q : {"Association", "Indication", "Static"}) {
    if (o.qualifiers().IsTrue(q) != n.qualifiers().IsTrue(q)) {
      Add(DiffVerdict::kBreaking, n.name(),
          absl::StrCat(q, n.qualifiers().IsTrue(q) ? " added" : " removed"));
    }
  }
  if (o.qualifiers().Find("Deprecated") == nullptr && n.qualifiers().Find("Deprecated") != nullptr) {
    Add(DiffVerdict::kWarning, n.name(), "Deprecated added");
  }
  if (ValueText(o.qualifiers(), "Description") != ValueText(n.qualifiers(), "Description")) {
    Add(DiffVerdict::kWarning, n.name(), "Description text changed");
  }
}

// Inherited features are reported at the class that declares them.
bool Differ::Skip(const Class& n, bool old_propagated, bool new_propagated,
                  const std::string& old_origin) const {
  return old_propagated && new_propagated && n_.IsSubclassOf(n.name(), old_origin);
}

void Differ::DiffProperties(const Class& o, const Class& n) {
  for (const Property& op : o.properties()) {
    const std::string el = absl::StrCat(n.name(), ".", op.name);
    const Property* np = n.FindProperty(op.name);
    if (np == nullptr) {
      if (op.propagated && n_.IsSubclassOf(n.name(), op.class_origin)) continue;
      Add(DiffVerdict::kBreaking, el, "property removed");
      continue;
    }
    if (Skip(n, op.propagated, np->propagated, op.class_origin)) continue;
    if (!CiEquals(op.class_origin, np->class_origin)) {
      Add(DiffVerdict::kCompatible, el,
          absl::StrCat("now declared in ", np->class_origin, " (was ", op.class_origin, ")"));
    }
    DiffProperty(el, op, *np);
  }
  for (const Property& np : n.properties()) {
    if (o.FindProperty(np.name) != nullptr || np.propagated) continue;
    const std::string el = absl::StrCat(n.name(), ".", np.name);
    if (np.IsKey()) {
      Add(DiffVerdict::kBreaking, el, absl::StrCat("key property added (", np.type.ToString(), ")"));
    } else if (np.qualifiers.IsTrue("Required")) {
      Add(DiffVerdict::kBreaking, el,
          absl::StrCat("Required property added (", np.type.ToString(), ")"));
    } else {
      Add(DiffVerdict::kCompatible, el, absl::StrCat("property added (", np.type.ToString(), ")"));
    }
  }
}

void Differ::DiffProperty(const std::string& el, const Property& o, const Property& n) {
  if (!(o.type == n.type)) {
    Add(DiffVerdict::kBreaking, el,
        absl::StrCat("type ", o.type.ToString(), " -> ", n.type.ToString()));
  }
  if (o.IsKey() != n.IsKey()) Add(DiffVerdict::kBreaking, el, n.IsKey() ? "Key added" : "Key removed");
  const bool both_null = o.default_value.is_null() && n.default_value.is_null();
  if (!both_null && !(o.default_value == n.default_value)) {
    Add(DiffVerdict::kWarning, el,
        absl::StrCat("default ", o.default_value.ToMof(), " -> ", n.default_value.ToMof(),
                     " (breaks clients that match the old value)"));
  }
  for (const char* q : {"Max", "Min"}) {
    const Qualifier* oq = o.qualifiers.Find(q);
    const Qualifier* nq = n.qualifiers.Find(q);
    if (oq == nullptr || nq == nullptr || oq->value.is_null() || nq->value.is_null()) continue;
    const bool tighter = std::string(q) == "Max" ? nq->value.AsUnsigned() < oq->value.AsUnsigned()
                                                 : nq->value.AsUnsigned() > oq->value.AsUnsigned();
    if (tighter) {
      Add(DiffVerdict::kBreaking, el,
          absl::StrCat("association cardinality ", q, " ", oq->value.ToMof(), " -> ",
                       nq->value.ToMof()));
    }
  }
  DiffElementQualifiers(el, o.qualifiers, n.qualifiers);
}

// Qualifier rules shared by properties, methods and parameters.
void Differ::DiffElementQualifiers(const std::string& el, const QualifierList& o,
                                   const QualifierList& n) {
  if (!o.IsTrue("Required") && n.IsTrue("Required")) Add(DiffVerdict::kBreaking, el, "Required added");
  if (o.IsTrue("Write") && !n.IsTrue("Write")) Add(DiffVerdict::kBreaking, el, "Write removed");
  const std::string ou = UnitOf(o), nu = UnitOf(n);
  if (!CiEquals(ou, nu)) {
    Add(DiffVerdict::kBreaking, el,
        absl::StrCat("units ", ou.empty() ? "(none)" : Quote(ou), " -> ",
                     nu.empty() ? "(none)" : Quote(nu), " (semantic change)"));
  }
  const std::string oe = o.GetString("EmbeddedInstance").value_or("");
  const std::string ne = n.GetString("EmbeddedInstance").value_or("");
  if (!CiEquals(oe, ne)) {
    Add(DiffVerdict::kBreaking, el,
        absl::StrCat("EmbeddedInstance ", oe.empty() ? "(none)" : Quote(oe), " -> ",
                     ne.empty() ? "(none)" : Quote(ne)));
  }
  if (o.Find("Deprecated") == nullptr && n.Find("Deprecated") != nullptr) {
    Add(DiffVerdict::kWarning, el, "Deprecated added");
  }
  if (ValueText(o, "Description") != ValueText(n, "Description")) {
    Add(DiffVerdict::kWarning, el, "Description text changed");
  }
  DiffValueMaps(el, o, n);
}

void Differ::DiffValueMaps(const std::string& el, const QualifierList& o, const QualifierList& n) {
  std::vector<ValueMapEntry> ov = GetValueMap(o), nv = GetValueMap(n);
  auto find_value = [](const std::vector<ValueMapEntry>& v, absl::string_view value) {
    return std::find_if(v.begin(), v.end(), [&](const ValueMapEntry& e) { return e.value == value; });
  };
  for (const ValueMapEntry& e : ov) {
    auto same = find_value(nv, e.value);
    const std::string label = absl::StrCat("value ", e.value, " (", Quote(e.text), ")");
    if (same != nv.end()) {
      if (!CiEquals(same->text, e.text)) {
        Add(DiffVerdict::kWarning, el, absl::StrCat(label, " now reads ", Quote(same->text)));
      }
      continue;
    }
    auto moved = std::find_if(nv.begin(), nv.end(), [&](const ValueMapEntry& x) {
      return !e.text.empty() && CiEquals(x.text, e.text) && !IsRange(x.value);
    });
    if (moved != nv.end()) {
      Add(DiffVerdict::kBreaking, el, absl::StrCat(label, " renumbered to ", moved->value));
      continue;
    }
    auto range = std::find_if(nv.begin(), nv.end(),
                              [&](const ValueMapEntry& x) { return RangeCovers(x.value, e.value); });
    Add(DiffVerdict::kBreaking, el,
        range == nv.end() ? absl::StrCat(label, " removed")
                          : absl::StrCat(label, " removed (now inside ", range->value, " = ",
                                         Quote(range->text), ")"));
  }
  for (const ValueMapEntry& e : nv) {
    if (find_value(ov, e.value) != ov.end()) continue;
    bool vendor = IsRange(e.value) || std::any_of(ov.begin(), ov.end(), [&](const ValueMapEntry& x) {
      return RangeCovers(x.value, e.value);
    });
    Add(DiffVerdict::kCompatible, el,
        absl::StrCat("value ", e.value, " (", Quote(e.text), ") added",
                     vendor ? " in a reserved/vendor range (clients must tolerate it)" : ""));
  }
}

void Differ::DiffMethods(const Class& o, const Class& n) {
  std::vector<const Method*> removed, added;
  for (const Method& om : o.methods()) {
    const Method* nm = n.FindMethod(om.name);
    if (nm == nullptr) {
      if (!(om.propagated && n_.IsSubclassOf(n.name(), om.class_origin))) removed.push_back(&om);
      continue;
    }
    if (Skip(n, om.propagated, nm->propagated, om.class_origin)) continue;
    DiffMethod(absl::StrCat(n.name(), ".", om.name), om, *nm);
  }
  for (const Method& nm : n.methods()) {
    if (o.FindMethod(nm.name) == nullptr && !nm.propagated) added.push_back(&nm);
  }
  for (const MethodRename& r : PairRenamedMethods(removed, added)) {
    const std::string el = absl::StrCat(n.name(), ".", r.old_method->name);
    if (r.new_method == nullptr) {
      Add(DiffVerdict::kBreaking, el, absl::StrCat("method removed ", ParamList(*r.old_method)));
      continue;
    }
    Add(DiffVerdict::kBreaking, el,
        absl::StrCat("method renamed to ", r.new_method->name, " (inferred from the names); ",
                     "signature ", ParamList(*r.old_method), " -> ", ParamList(*r.new_method)));
    DiffValueMaps(absl::StrCat(el, "->", r.new_method->name, " return code"),
                  r.old_method->qualifiers, r.new_method->qualifiers);
  }
  for (const Method* m : added) {
    if (!IsRenameTarget(PairRenamedMethods(removed, added), m)) {
      Add(DiffVerdict::kCompatible, absl::StrCat(n.name(), ".", m->name),
          absl::StrCat("method added ", ParamList(*m)));
    }
  }
}

void Differ::DiffMethod(const std::string& el, const Method& o, const Method& n) {
  if (!(o.return_type == n.return_type)) {
    Add(DiffVerdict::kBreaking, el, absl::StrCat("return type ", o.return_type.ToString(), " -> ",
                                                 n.return_type.ToString()));
  }
  DiffParameters(el, o, n);
  DiffValueMaps(absl::StrCat(el, " return code"), o.qualifiers, n.qualifiers);
}

void Differ::DiffParameters(const std::string& el, const Method& o, const Method& n) {
  const size_t common = std::min(o.parameters.size(), n.parameters.size());
  for (size_t i = 0; i < common; ++i) {
    const Parameter& op = o.parameters[i];
    const Parameter& np = n.parameters[i];
    const std::string pel = absl::StrCat(el, "(", np.name, ")");
    if (!CiEquals(op.name, np.name)) {
      Add(DiffVerdict::kBreaking, pel, absl::StrCat("parameter ", i + 1, " renamed or reordered: ",
                                                    op.name, " -> ", np.name));
    }
    if (!(op.type == np.type)) {
      Add(DiffVerdict::kBreaking, pel,
          absl::StrCat("type ", op.type.ToString(), " -> ", np.type.ToString()));
    }
    if (op.IsIn() != np.IsIn() || op.IsOut() != np.IsOut()) {
      Add(DiffVerdict::kBreaking, pel, "In/Out direction changed");
    }
    DiffElementQualifiers(pel, op.qualifiers, np.qualifiers);
  }
  for (size_t i = common; i < o.parameters.size(); ++i) {
    Add(DiffVerdict::kBreaking, absl::StrCat(el, "(", o.parameters[i].name, ")"), "parameter removed");
  }
  for (size_t i = common; i < n.parameters.size(); ++i) {
    const Parameter& p = n.parameters[i];
    const bool required_in = p.IsIn() && p.qualifiers.IsTrue("Required");
    Add(required_in ? DiffVerdict::kBreaking : DiffVerdict::kCompatible,
        absl::StrCat(el, "(", p.name, ")"),
        required_in ? "Required input parameter added" : "optional parameter added at the end");
  }
}

void Differ::CheckVersion(const Class& o, const Class& n, size_t first) {
  const std::string ov = o.Version(), nv = n.Version();
  auto a = ParseVersion(ov), b = ParseVersion(nv);
  const bool breaking = std::any_of(out_.begin() + first, out_.end(), [](const SchemaChange& c) {
    return c.verdict == DiffVerdict::kBreaking;
  });
  experimental_ = false;  // versioning rules apply to every class
  if (a && b && *b < *a) {
    Add(DiffVerdict::kVersioningError, n.name(), absl::StrCat("Version lowered ", ov, " -> ", nv));
  } else if (breaking && a && b && std::get<0>(*b) == std::get<0>(*a)) {
    Add(DiffVerdict::kVersioningError, n.name(),
        absl::StrCat("BREAKING change with Version ", ov, " -> ", nv,
                     *a == *b ? " (not bumped)" : " (only a minor/update bump; needs a new major)"));
  } else if (ov != nv) {
    Add(DiffVerdict::kWarning, n.name(), absl::StrCat("Version ", ov.empty() ? "(none)" : ov,
                                                      " -> ", nv.empty() ? "(none)" : nv));
  }
}

}  // namespace

SchemaDiff DiffSchemas(const Schema& old_schema, const Schema& new_schema) {
  return Differ(old_schema, new_schema).Run();
}

}  // namespace hv::cim
