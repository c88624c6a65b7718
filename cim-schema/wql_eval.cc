#include "cim-schema/wql_eval.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/like_pattern.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"

namespace hv::cim {
namespace {

using Kind = WqlLiteral::Kind;

absl::Status ErrAt(size_t pos, absl::string_view msg) {
  return absl::InvalidArgumentError(absl::StrCat("WQL: position ", pos, ": ", msg));
}

WqlTruth FromBool(bool b) { return b ? WqlTruth::kTrue : WqlTruth::kFalse; }

WqlTruth ApplyOp(WqlOp op, int c) {
  switch (op) {
    case WqlOp::kEq: return FromBool(c == 0);
    case WqlOp::kNe: return FromBool(c != 0);
    case WqlOp::kLt: return FromBool(c < 0);
    case WqlOp::kGt: return FromBool(c > 0);
    case WqlOp::kLe: return FromBool(c <= 0);
    case WqlOp::kGe: return FromBool(c >= 0);
  }
  return WqlTruth::kUnknown;
}

WqlOp Mirror(WqlOp op) {
  switch (op) {
    case WqlOp::kLt: return WqlOp::kGt;
    case WqlOp::kGt: return WqlOp::kLt;
    case WqlOp::kLe: return WqlOp::kGe;
    case WqlOp::kGe: return WqlOp::kLe;
    default: return op;
  }
}

int CiCompare(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = LowerAscii(a[i]), y = LowerAscii(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

// Sign-magnitude comparison of two integers.
int CompareInts(bool an, uint64_t am, bool bn, uint64_t bm) {
  if (am == 0) an = false;
  if (bm == 0) bn = false;
  if (an != bn) return an ? -1 : 1;
  int c = am == bm ? 0 : (am < bm ? -1 : 1);
  return an ? -c : c;
}

// A property as seen by the evaluator: declared type and (maybe null) value.
struct Resolved {
  CimType type = CimType::kString;
  bool is_array = false;
  bool known_type = false;
  const Value* value = nullptr;  // nullptr or NULL value: NULL
  std::string class_name_storage;
};

absl::StatusOr<Resolved> Lookup(absl::string_view name, size_t pos, const Instance& inst,
                                const WqlEvalContext& ctx) {
  Resolved r;
  if (CiEquals(name, "__CLASS")) {
    r.known_type = true;
    r.class_name_storage = inst.class_name();
    return r;
  }
  if (ctx.cls != nullptr) {
    const Property* p = ctx.cls->FindProperty(name);
    if (p == nullptr) {
      return ErrAt(pos, absl::StrCat("class '", ctx.cls->name(), "' has no property '", name, "'"));
    }
    r.type = p->type.type;
    r.is_array = p->type.is_array;
    r.known_type = true;
  }
  r.value = inst.Get(name);
  if (!r.known_type && r.value != nullptr) {
    r.type = r.value->type();
    r.is_array = r.value->is_array();
    r.known_type = true;
  }
  return r;
}

absl::Status Mismatch(const Resolved& r, absl::string_view name, const WqlLiteral& lit,
                      size_t pos) {
  static constexpr const char* kNames[] = {"NULL", "a boolean", "an integer", "a real",
                                           "a string"};
  return ErrAt(pos, absl::StrCat("property '", name, "' is ", CimTypeName(r.type),
                                 "; cannot compare it with ", kNames[static_cast<int>(lit.kind)]));
}

// Compares a non-null scalar of type `t` with a non-null literal. Returns the
// ordering, nullopt for "unordered" (only = / <> meaningful via eq_only).
struct Cmp {
  std::optional<int> order;
  bool equality_only = false;
};

// Integer value as sign + magnitude (s == nullptr: type check against 0).
absl::StatusOr<Cmp> CompareIntScalar(CimType t, const Scalar* s, const WqlLiteral& lit,
                                     const std::function<absl::Status()>& mismatch) {
  bool sn = false;
  uint64_t sm = 0;
  if (s != nullptr && IsSignedInt(t)) {
    const int64_t v = std::get<int64_t>(*s);
    sn = v < 0;
    sm = sn ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  } else if (s != nullptr) {
    sm = std::get<uint64_t>(*s);
  }
  WqlLiteral l = lit;
  if (l.kind == Kind::kString) {  // "5" compares as 5 (WMI converts the constant)
    int64_t v;
    uint64_t u;
    double d;
    if (absl::SimpleAtoi(l.str, &u)) {
      l.kind = Kind::kInteger, l.negative = false, l.magnitude = u;
    } else if (absl::SimpleAtoi(l.str, &v)) {
      l.kind = Kind::kInteger, l.negative = true, l.magnitude = 0 - static_cast<uint64_t>(v);
    } else if (absl::SimpleAtod(l.str, &d)) {
      l.kind = Kind::kReal, l.real = d;
    } else {
      return mismatch();
    }
  }
  if (l.kind == Kind::kInteger) return Cmp{CompareInts(sn, sm, l.negative, l.magnitude)};
  if (l.kind == Kind::kReal) {
    double a = sn ? -static_cast<double>(sm) : static_cast<double>(sm);
    return Cmp{a < l.real ? -1 : (a > l.real ? 1 : 0)};
  }
  return mismatch();
}

absl::StatusOr<Cmp> CompareScalar(CimType t, const Scalar* s, const WqlLiteral& lit,
                                  const std::function<absl::Status()>& mismatch) {
  // s == nullptr: type check only.
  if (IsInteger(t)) return CompareIntScalar(t, s, lit, mismatch);
  switch (t) {
    case CimType::kReal32:
    case CimType::kReal64: {
      double b;
      if (lit.kind == Kind::kInteger) {
        b = lit.negative ? -static_cast<double>(lit.magnitude) : static_cast<double>(lit.magnitude);
      } else if (lit.kind == Kind::kReal) {
        b = lit.real;
      } else if (lit.kind != Kind::kString || !absl::SimpleAtod(lit.str, &b)) {
        return mismatch();
      }
      if (s == nullptr) return Cmp{};
      double a = std::get<double>(*s);
      return Cmp{a < b ? -1 : (a > b ? 1 : 0)};
    }
    case CimType::kBoolean: {
      bool b;
      if (lit.kind == Kind::kBool) {
        b = lit.b;
      } else if (lit.kind == Kind::kInteger) {
        b = lit.magnitude != 0;  // WQL TRUE is -1, FALSE 0
      } else {
        return mismatch();
      }
      if (s == nullptr) return Cmp{};
      return Cmp{static_cast<int>(std::get<bool>(*s)) - static_cast<int>(b)};
    }
    case CimType::kString:
    case CimType::kChar16: {
      if (lit.kind != Kind::kString) return mismatch();
      if (s == nullptr) return Cmp{};
      std::string a = t == CimType::kString
                          ? std::get<std::string>(*s)
                          : std::string(1, static_cast<char>(std::get<uint64_t>(*s)));
      return Cmp{CiCompare(a, lit.str)};
    }
    case CimType::kDatetime: {
      if (lit.kind != Kind::kString) return mismatch();
      absl::StatusOr<DateTime> b = DateTime::Parse(lit.str);
      if (!b.ok()) return mismatch();
      if (s == nullptr) return Cmp{};
      const DateTime& a = std::get<DateTime>(*s);
      std::optional<int> c = a.Compare(*b);
      if (c) return Cmp{c};
      return Cmp{a.text() == b->text() ? 0 : 1, true};
    }
    case CimType::kReference: {
      if (lit.kind != Kind::kString) return mismatch();
      absl::StatusOr<ObjectPath> b = ObjectPath::Parse(lit.str);
      if (!b.ok()) return mismatch();
      if (s == nullptr) return Cmp{};
      return Cmp{*std::get<std::shared_ptr<const ObjectPath>>(*s) == *b ? 0 : 1, true};
    }
    default:
      return mismatch();
  }
}

absl::StatusOr<WqlTruth> EvalCompare(const WqlExpr& e, const Instance& inst,
                                     const WqlEvalContext& ctx) {
  const bool prop_left = e.left.is_property;
  const WqlOperand& prop = prop_left ? e.left : e.right;
  const WqlLiteral& lit = prop_left ? e.right.literal : e.left.literal;
  const WqlOp op = prop_left ? e.op : Mirror(e.op);
  ASSIGN_OR_RETURN(Resolved r, Lookup(prop.property, prop.pos, inst, ctx));
  if (!r.class_name_storage.empty() || CiEquals(prop.property, "__CLASS")) {
    if (lit.kind != Kind::kString) return ErrAt(prop.pos, "__CLASS compares with a string");
    return ApplyOp(op, CiCompare(inst.class_name(), lit.str));
  }
  if (r.is_array) {
    return ErrAt(prop.pos, absl::StrCat("property '", prop.property,
                                        "' is an array; WQL cannot compare arrays"));
  }
  if (lit.kind == Kind::kNull || !r.known_type) return WqlTruth::kUnknown;
  auto mismatch = [&]() { return Mismatch(r, prop.property, lit, prop.pos); };
  const bool null = r.value == nullptr || r.value->is_null() || r.value->is_array();
  ASSIGN_OR_RETURN(Cmp c, CompareScalar(r.type, null ? nullptr : &r.value->scalar(), lit, mismatch));
  if (null) return WqlTruth::kUnknown;
  if (c.equality_only && op != WqlOp::kEq && op != WqlOp::kNe) {
    if (r.type == CimType::kReference) {
      return ErrAt(prop.pos, "references compare only with = and <>");
    }
    return WqlTruth::kUnknown;  // wildcarded datetimes have no order
  }
  return ApplyOp(op, *c.order);
}

absl::StatusOr<WqlTruth> EvalLike(const WqlExpr& e, const Instance& inst,
                                  const WqlEvalContext& ctx) {
  ASSIGN_OR_RETURN(LikePattern pattern, LikePattern::Compile(e.text));
  ASSIGN_OR_RETURN(Resolved r, Lookup(e.property, e.pos, inst, ctx));
  if (CiEquals(e.property, "__CLASS")) {
    return FromBool(pattern.Matches(inst.class_name()) != e.negated);
  }
  if (r.known_type && (r.is_array || (r.type != CimType::kString && r.type != CimType::kChar16 &&
                                      r.type != CimType::kDatetime))) {
    return ErrAt(e.pos, absl::StrCat("LIKE needs a string property; '", e.property, "' is ",
                                     CimTypeName(r.type), r.is_array ? "[]" : ""));
  }
  if (r.value == nullptr || r.value->is_null()) return WqlTruth::kUnknown;
  std::string text;
  if (r.type == CimType::kString) text = r.value->AsString();
  if (r.type == CimType::kDatetime) text = r.value->AsDateTime().text();
  if (r.type == CimType::kChar16) text = std::string(1, static_cast<char>(r.value->AsUnsigned()));
  return FromBool(pattern.Matches(text) != e.negated);
}

bool IsA(const WqlEvalContext& ctx, absl::string_view cls, absl::string_view ancestor) {
  return ctx.is_subclass ? ctx.is_subclass(cls, ancestor) : CiEquals(cls, ancestor);
}

absl::StatusOr<WqlTruth> EvalIsa(const WqlExpr& e, const Instance& inst,
                                 const WqlEvalContext& ctx) {
  if (CiEquals(e.property, "__this") || CiEquals(e.property, "__CLASS")) {
    return FromBool(IsA(ctx, inst.class_name(), e.text));
  }
  ASSIGN_OR_RETURN(Resolved r, Lookup(e.property, e.pos, inst, ctx));
  if (r.known_type && (r.type != CimType::kReference || r.is_array)) {
    return ErrAt(e.pos, absl::StrCat("ISA needs a reference property; '", e.property, "' is ",
                                     CimTypeName(r.type)));
  }
  if (r.value == nullptr || r.value->is_null()) return WqlTruth::kUnknown;
  return FromBool(IsA(ctx, r.value->AsReference().class_name, e.text));
}

}  // namespace

absl::StatusOr<WqlTruth> EvaluateWql(const WqlExpr& e, const Instance& inst,
                                     const WqlEvalContext& ctx) {
  switch (e.kind) {
    case WqlExpr::Kind::kAnd: {
      ASSIGN_OR_RETURN(WqlTruth a, EvaluateWql(*e.lhs, inst, ctx));
      ASSIGN_OR_RETURN(WqlTruth b, EvaluateWql(*e.rhs, inst, ctx));
      if (a == WqlTruth::kFalse || b == WqlTruth::kFalse) return WqlTruth::kFalse;
      return a == WqlTruth::kTrue && b == WqlTruth::kTrue ? WqlTruth::kTrue : WqlTruth::kUnknown;
    }
    case WqlExpr::Kind::kOr: {
      ASSIGN_OR_RETURN(WqlTruth a, EvaluateWql(*e.lhs, inst, ctx));
      ASSIGN_OR_RETURN(WqlTruth b, EvaluateWql(*e.rhs, inst, ctx));
      if (a == WqlTruth::kTrue || b == WqlTruth::kTrue) return WqlTruth::kTrue;
      return a == WqlTruth::kFalse && b == WqlTruth::kFalse ? WqlTruth::kFalse : WqlTruth::kUnknown;
    }
    case WqlExpr::Kind::kNot: {
      ASSIGN_OR_RETURN(WqlTruth a, EvaluateWql(*e.lhs, inst, ctx));
      if (a == WqlTruth::kUnknown) return a;
      return a == WqlTruth::kTrue ? WqlTruth::kFalse : WqlTruth::kTrue;
    }
    case WqlExpr::Kind::kCompare: return EvalCompare(e, inst, ctx);
    case WqlExpr::Kind::kLike: return EvalLike(e, inst, ctx);
    case WqlExpr::Kind::kIsa: return EvalIsa(e, inst, ctx);
    case WqlExpr::Kind::kIsNull: {
      ASSIGN_OR_RETURN(Resolved r, Lookup(e.property, e.pos, inst, ctx));
      bool null = CiEquals(e.property, "__CLASS") ? false
                                                  : (r.value == nullptr || r.value->is_null());
      return FromBool(null != e.negated);
    }
  }
  return WqlTruth::kUnknown;
}

absl::StatusOr<bool> MatchesSelect(const WqlSelect& q, const Instance& inst,
                                   const WqlEvalContext& ctx) {
  if (!IsA(ctx, inst.class_name(), q.class_name)) return false;
  if (q.where == nullptr) return true;
  ASSIGN_OR_RETURN(WqlTruth t, EvaluateWql(*q.where, inst, ctx));
  return t == WqlTruth::kTrue;
}

Instance ProjectSelect(const WqlSelect& q, const Instance& inst, const WqlEvalContext& ctx) {
  if (q.all) return inst;
  Instance out(inst.class_name());
  for (const PropertyValue& pv : inst.properties()) {
    bool keep = false;
    for (const std::string& name : q.properties) keep = keep || CiEquals(name, pv.name);
    if (!keep && ctx.cls != nullptr) {
      const Property* p = ctx.cls->FindProperty(pv.name);
      keep = p != nullptr && p->IsKey();
    }
    if (keep) out.Set(pv.name, pv.value);
  }
  return out;
}

absl::Status CheckSelect(const WqlSelect& q, const Class& cls) {
  for (const std::string& name : q.properties) {
    if (cls.FindProperty(name) == nullptr && !CiEquals(name, "__CLASS")) {
      return absl::InvalidArgumentError(absl::StrCat("WQL: class '", cls.name(),
                                                     "' has no property '", name, "'"));
    }
  }
  if (q.where == nullptr) return absl::OkStatus();
  WqlEvalContext ctx;
  ctx.cls = &cls;
  Instance empty(cls.name());  // every property NULL: only the type checks can fail
  return EvaluateWql(*q.where, empty, ctx).status();
}

}  // namespace hv::cim
