#include "cim-schema/mof_parser.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "cim-schema/mof_lexer.h"
#include "cim-schema/names.h"
#include "cim-schema/object_path.h"
#include "common/status_macros.h"

namespace hv::cim {
namespace {

// An untyped MOF literal; typed against the target in ToScalar.
struct Literal {
  enum Kind { kNull, kBool, kInt, kReal, kString, kChar, kAlias } kind = kNull;
  bool b = false;
  bool neg = false;
  uint64_t mag = 0;
  double real = 0;
  std::string str;  // kString text (unescaped), kAlias name
  size_t offset = 0;
};

struct Initializer {
  bool is_array = false;
  std::vector<Literal> items;  // one item for a scalar
  size_t offset = 0;
};

struct RawQualifier {
  std::string name;
  bool has_value = false;
  Initializer init;
  std::vector<absl::string_view> flavor_words;
  size_t offset = 0;
};

absl::string_view LiteralKindName(Literal::Kind k) {
  switch (k) {
    case Literal::kNull: return "NULL";
    case Literal::kBool: return "a boolean";
    case Literal::kInt: return "an integer";
    case Literal::kReal: return "a real number";
    case Literal::kString: return "a string";
    case Literal::kChar: return "a char literal";
    case Literal::kAlias: return "an alias";
  }
  return "a value";
}

class Parser {
 public:
  Parser(absl::string_view file, absl::string_view src, MofSink* sink)
      : file_(file), src_(src), lexer_(src), sink_(sink) {}

  absl::Status Run() {
    Advance();
    while (tok_.kind != MofTok::kEnd) RETURN_IF_ERROR(Statement());
    return absl::OkStatus();
  }

 private:
  void Advance() { lexer_.Next(&tok_); }

  absl::Status Err(size_t offset, absl::string_view msg) const {
    LineCol lc = MofLexer::Locate(src_, offset);
    return absl::InvalidArgumentError(absl::StrCat(file_, ":", lc.line, ":", lc.column, ": ", msg));
  }

  // Prefixes a sink error with the statement position.
  absl::Status At(size_t offset, const absl::Status& s) const {
    if (s.ok()) return s;
    LineCol lc = MofLexer::Locate(src_, offset);
    return absl::Status(s.code(), absl::StrCat(file_, ":", lc.line, ":", lc.column, ": ",
                                               s.message()));
  }

  std::string Describe() const {
    switch (tok_.kind) {
      case MofTok::kEnd: return "end of file";
      case MofTok::kString: return "a string literal";
      case MofTok::kAlias: return absl::StrCat("'$", tok_.text, "'");
      case MofTok::kPragma: return "'#pragma'";
      default: return absl::StrCat("'", tok_.text, "'");
    }
  }

  absl::Status Unexpected(absl::string_view expected) const {
    if (tok_.kind == MofTok::kError) return Err(tok_.offset, lexer_.error());
    return Err(tok_.offset, absl::StrCat("expected ", expected, ", found ", Describe()));
  }

  absl::Status Expect(MofTok kind, absl::string_view expected) {
    if (tok_.kind != kind) return Unexpected(expected);
    Advance();
    return absl::OkStatus();
  }

  bool IsKeyword(absl::string_view w) const {
    return tok_.kind == MofTok::kIdent && CiEquals(tok_.text, w);
  }

  absl::StatusOr<std::string> ExpectIdent(absl::string_view expected) {
    if (tok_.kind != MofTok::kIdent) return Unexpected(expected);
    std::string s(tok_.text);
    Advance();
    return s;
  }

  absl::Status Statement();
  absl::Status Pragma();
  absl::Status QualifierDeclaration();
  absl::Status ClassDeclaration(std::vector<RawQualifier> quals, size_t offset);
  absl::Status Feature(Class* cls);
  absl::Status MethodRest(Class* cls, std::vector<RawQualifier> quals, FeatureType ret,
                          std::string name, size_t offset);
  absl::StatusOr<Parameter> ParameterDecl();
  absl::Status ArraySuffix(FeatureType* t);
  absl::Status InstanceDeclaration(std::vector<RawQualifier> quals);
  absl::StatusOr<std::vector<RawQualifier>> QualifierListRaw();
  absl::StatusOr<QualifierList> BuildQualifiers(const std::vector<RawQualifier>& raw,
                                                uint32_t allowed_scope, absl::string_view element);
  absl::StatusOr<Initializer> ParseInitializer();
  absl::StatusOr<Literal> ParseLiteral();
  absl::StatusOr<Value> ToValue(const Initializer& init, const FeatureType& t, bool wrap_scalar);
  absl::StatusOr<Scalar> ToScalar(const Literal& lit, const FeatureType& t);

  absl::string_view file_;
  absl::string_view src_;
  MofLexer lexer_;
  MofSink* sink_;
  MofToken tok_;
};

absl::Status Parser::Statement() {
  if (tok_.kind == MofTok::kError) return Unexpected("a statement");
  if (tok_.kind == MofTok::kPragma) return Pragma();
  const size_t offset = tok_.offset;
  std::vector<RawQualifier> quals;
  if (tok_.kind == MofTok::kLBracket) {
    ASSIGN_OR_RETURN(quals, QualifierListRaw());
  }
  if (IsKeyword("class")) return ClassDeclaration(std::move(quals), offset);
  if (IsKeyword("instance")) return InstanceDeclaration(std::move(quals));
  if (quals.empty() && IsKeyword("qualifier")) return QualifierDeclaration();
  return Unexpected(quals.empty() ? "'class', 'instance', 'qualifier' or '#pragma'"
                                  : "'class' or 'instance' after the qualifier list");
}

absl::Status Parser::Pragma() {
  const size_t offset = tok_.offset;
  Advance();
  ASSIGN_OR_RETURN(std::string name, ExpectIdent("a pragma name"));
  RETURN_IF_ERROR(Expect(MofTok::kLParen, absl::StrCat("'(' after #pragma ", name)));
  std::vector<std::string> args;
  while (tok_.kind != MofTok::kRParen) {
    if (!args.empty()) RETURN_IF_ERROR(Expect(MofTok::kComma, "',' or ')'"));
    if (tok_.kind != MofTok::kString) return Unexpected("a string argument");
    ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
    args.push_back(std::move(lit.str));
  }
  Advance();
  return At(offset, sink_->OnPragma(name, args));
}

absl::Status Parser::QualifierDeclaration() {
  const size_t offset = tok_.offset;
  Advance();
  QualifierDecl decl;
  ASSIGN_OR_RETURN(decl.name, ExpectIdent("a qualifier name"));
  RETURN_IF_ERROR(Expect(MofTok::kColon, absl::StrCat("':' after qualifier ", decl.name)));
  if (tok_.kind != MofTok::kIdent || !ParseCimType(tok_.text)) return Unexpected("a CIM type");
  FeatureType ft;
  ft.type = *ParseCimType(tok_.text);
  Advance();
  RETURN_IF_ERROR(ArraySuffix(&ft));
  decl.type = ft.type;
  decl.is_array = ft.is_array;
  decl.array_size = ft.array_size;
  decl.default_value = Value::Null(ft.type, ft.is_array);
  if (tok_.kind == MofTok::kEquals) {
    Advance();
    ASSIGN_OR_RETURN(Initializer init, ParseInitializer());
    ASSIGN_OR_RETURN(decl.default_value, ToValue(init, ft, false));
  }
  while (tok_.kind == MofTok::kComma) {
    Advance();
    const bool scope = IsKeyword("Scope");
    if (!scope && !IsKeyword("Flavor")) return Unexpected("'Scope(...)' or 'Flavor(...)'");
    Advance();
    RETURN_IF_ERROR(Expect(MofTok::kLParen, "'('"));
    for (bool first = true; tok_.kind != MofTok::kRParen; first = false) {
      if (!first) RETURN_IF_ERROR(Expect(MofTok::kComma, "',' or ')'"));
      if (tok_.kind != MofTok::kIdent) return Unexpected(scope ? "a scope" : "a flavor");
      if (scope) {
        uint32_t bit = ParseQualifierScope(tok_.text);
        if (bit == 0) return Unexpected("a scope (class, association, indication, property, "
                                        "reference, method, parameter, any)");
        decl.scope |= bit;
      } else if (!ApplyFlavorKeyword(tok_.text, &decl.flavors)) {
        return Unexpected("a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, "
                          "Translatable)");
      }
      Advance();
    }
    Advance();
  }
  if (decl.scope == 0) return Err(offset, absl::StrCat("qualifier ", decl.name, " has no Scope"));
  RETURN_IF_ERROR(Expect(MofTok::kSemi, "';' after the qualifier declaration"));
  return At(offset, sink_->OnQualifierDecl(std::move(decl)));
}

absl::Status Parser::ClassDeclaration(std::vector<RawQualifier> quals, size_t offset) {
  Advance();
  ASSIGN_OR_RETURN(std::string name, ExpectIdent("a class name"));
  std::string alias;
  if (IsKeyword("AS")) {
    Advance();
    if (tok_.kind != MofTok::kAlias) return Unexpected("'$alias' after AS");
    alias = std::string(tok_.text);
    Advance();
  }
  std::string super;
  if (tok_.kind == MofTok::kColon) {
    Advance();
    ASSIGN_OR_RETURN(super, ExpectIdent("a superclass name after ':'"));
  }
  Class cls(name, super);
  uint32_t scope = kScopeClass;
  for (const RawQualifier& q : quals) {
    bool on = !q.has_value || (q.init.items.size() == 1 && q.init.items[0].kind == Literal::kBool &&
                               q.init.items[0].b);
    if (on && CiEquals(q.name, "Association")) scope |= kScopeAssociation;
    if (on && CiEquals(q.name, "Indication")) scope |= kScopeIndication;
  }
  ASSIGN_OR_RETURN(cls.qualifiers(),
                   BuildQualifiers(quals, scope, absl::StrCat("class '", name, "'")));
  RETURN_IF_ERROR(Expect(MofTok::kLBrace, absl::StrCat("'{' to open class ", name)));
  while (tok_.kind != MofTok::kRBrace) RETURN_IF_ERROR(Feature(&cls));
  Advance();
  RETURN_IF_ERROR(Expect(MofTok::kSemi, absl::StrCat("';' after class ", name)));
  return At(offset, sink_->OnClass(cls, alias));
}

absl::Status Parser::ArraySuffix(FeatureType* t) {
  if (tok_.kind != MofTok::kLBracket) return absl::OkStatus();
  Advance();
  t->is_array = true;
  if (tok_.kind == MofTok::kInt) {
    if (tok_.negative || tok_.int_value == 0 || tok_.int_value > UINT32_MAX) {
      return Unexpected("a positive array size");
    }
    t->array_size = static_cast<uint32_t>(tok_.int_value);
    Advance();
  }
  return Expect(MofTok::kRBracket, "']'");
}

absl::Status Parser::Feature(Class* cls) {
  std::vector<RawQualifier> quals;
  if (tok_.kind == MofTok::kLBracket) {
    ASSIGN_OR_RETURN(quals, QualifierListRaw());
  }
  const size_t offset = tok_.offset;
  ASSIGN_OR_RETURN(std::string first, ExpectIdent(absl::StrCat("a property, reference or method "
                                                               "of class ", cls->name(), " or '}'")));
  Property p;
  if (IsKeyword("REF")) {
    Advance();
    p.type.type = CimType::kReference;
    p.type.ref_class = std::move(first);
    ASSIGN_OR_RETURN(p.name, ExpectIdent("a reference name"));
  } else {
    std::optional<CimType> t = ParseCimType(first);
    if (!t) return Err(offset, absl::StrCat("expected a CIM type or '<Class> REF', found '",
                                            first, "'"));
    p.type.type = *t;
    ASSIGN_OR_RETURN(p.name, ExpectIdent(absl::StrCat("a name after type ", first)));
    if (tok_.kind == MofTok::kLParen) {
      return MethodRest(cls, std::move(quals), p.type, std::move(p.name), offset);
    }
    RETURN_IF_ERROR(ArraySuffix(&p.type));
  }
  const std::string where = absl::StrCat("class '", cls->name(), "' property '", p.name, "'");
  ASSIGN_OR_RETURN(p.qualifiers,
                   BuildQualifiers(quals, p.IsReference() ? kScopeReference : kScopeProperty, where));
  p.default_value = Value::Null(p.type.type, p.type.is_array);
  if (tok_.kind == MofTok::kEquals) {
    Advance();
    ASSIGN_OR_RETURN(Initializer init, ParseInitializer());
    ASSIGN_OR_RETURN(p.default_value, ToValue(init, p.type, false));
  }
  RETURN_IF_ERROR(Expect(MofTok::kSemi, absl::StrCat("';' after property ", p.name)));
  p.class_origin = cls->name();
  return At(offset, cls->AddProperty(std::move(p)));
}

absl::Status Parser::MethodRest(Class* cls, std::vector<RawQualifier> quals, FeatureType ret,
                                std::string name, size_t offset) {
  Method m;
  m.name = std::move(name);
  m.return_type = ret;
  ASSIGN_OR_RETURN(m.qualifiers,
                   BuildQualifiers(quals, kScopeMethod,
                                   absl::StrCat("class '", cls->name(), "' method '", m.name, "'")));
  Advance();  // '('
  while (tok_.kind != MofTok::kRParen) {
    if (!m.parameters.empty()) RETURN_IF_ERROR(Expect(MofTok::kComma, "',' or ')'"));
    ASSIGN_OR_RETURN(Parameter p, ParameterDecl());
    if (m.FindParameter(p.name) != nullptr) {
      return Err(tok_.offset, absl::StrCat("method ", m.name, ": parameter '", p.name,
                                           "' declared twice"));
    }
    m.parameters.push_back(std::move(p));
  }
  Advance();
  RETURN_IF_ERROR(Expect(MofTok::kSemi, absl::StrCat("';' after method ", m.name)));
  m.class_origin = cls->name();
  return At(offset, cls->AddMethod(std::move(m)));
}

absl::StatusOr<Parameter> Parser::ParameterDecl() {
  std::vector<RawQualifier> quals;
  if (tok_.kind == MofTok::kLBracket) {
    ASSIGN_OR_RETURN(quals, QualifierListRaw());
  }
  const size_t offset = tok_.offset;
  ASSIGN_OR_RETURN(std::string first, ExpectIdent("a parameter type"));
  Parameter p;
  if (IsKeyword("REF")) {
    Advance();
    p.type.type = CimType::kReference;
    p.type.ref_class = std::move(first);
  } else {
    std::optional<CimType> t = ParseCimType(first);
    if (!t) return Err(offset, absl::StrCat("expected a parameter type, found '", first, "'"));
    p.type.type = *t;
  }
  ASSIGN_OR_RETURN(p.name, ExpectIdent("a parameter name"));
  RETURN_IF_ERROR(ArraySuffix(&p.type));
  ASSIGN_OR_RETURN(p.qualifiers,
                   BuildQualifiers(quals, kScopeParameter, absl::StrCat("parameter '", p.name, "'")));
  if (tok_.kind == MofTok::kEquals) {  // DSP0004 3.0 default; accepted and checked, not kept
    Advance();
    ASSIGN_OR_RETURN(Initializer init, ParseInitializer());
    RETURN_IF_ERROR(ToValue(init, p.type, false).status());
  }
  return p;
}

absl::Status Parser::InstanceDeclaration(std::vector<RawQualifier> quals) {
  const size_t offset = tok_.offset;
  Advance();
  if (!IsKeyword("of")) return Unexpected("'of' after 'instance'");
  Advance();
  ASSIGN_OR_RETURN(std::string cls_name, ExpectIdent("a class name"));
  const Class* cls = sink_->FindClass(cls_name);
  if (cls == nullptr) {
    return Err(offset, absl::StrCat("instance of undefined class '", cls_name, "'"));
  }
  RETURN_IF_ERROR(BuildQualifiers(quals, kScopeClass | kScopeAssociation | kScopeIndication,
                                  "instance").status());
  std::string alias;
  if (IsKeyword("AS")) {
    Advance();
    if (tok_.kind != MofTok::kAlias) return Unexpected("'$alias' after AS");
    alias = std::string(tok_.text);
    Advance();
  }
  RETURN_IF_ERROR(Expect(MofTok::kLBrace, "'{' to open the instance"));
  Instance inst(cls->name());
  while (tok_.kind != MofTok::kRBrace) {
    if (tok_.kind == MofTok::kLBracket) RETURN_IF_ERROR(QualifierListRaw().status());
    const size_t poff = tok_.offset;
    ASSIGN_OR_RETURN(std::string pname, ExpectIdent("a property name or '}'"));
    const Property* prop = cls->FindProperty(pname);
    if (prop == nullptr) {
      return Err(poff, absl::StrCat("class '", cls->name(), "' has no property '", pname, "'"));
    }
    RETURN_IF_ERROR(Expect(MofTok::kEquals, absl::StrCat("'=' after ", pname)));
    ASSIGN_OR_RETURN(Initializer init, ParseInitializer());
    ASSIGN_OR_RETURN(Value v, ToValue(init, prop->type, false));
    RETURN_IF_ERROR(Expect(MofTok::kSemi, absl::StrCat("';' after the value of ", pname)));
    inst.Set(prop->name, std::move(v));
  }
  Advance();
  RETURN_IF_ERROR(Expect(MofTok::kSemi, "';' after the instance"));
  return At(offset, sink_->OnInstance(std::move(inst), alias));
}

absl::StatusOr<std::vector<RawQualifier>> Parser::QualifierListRaw() {
  Advance();  // '['
  std::vector<RawQualifier> out;
  for (;;) {
    RawQualifier q;
    q.offset = tok_.offset;
    ASSIGN_OR_RETURN(q.name, ExpectIdent("a qualifier name"));
    if (tok_.kind == MofTok::kLParen) {
      Advance();
      q.has_value = true;
      ASSIGN_OR_RETURN(q.init, ParseInitializer());
      RETURN_IF_ERROR(Expect(MofTok::kRParen, absl::StrCat("')' after the value of ", q.name)));
    } else if (tok_.kind == MofTok::kLBrace) {
      q.has_value = true;
      ASSIGN_OR_RETURN(q.init, ParseInitializer());
    }
    if (tok_.kind == MofTok::kColon) {
      Advance();
      while (tok_.kind == MofTok::kIdent) {
        q.flavor_words.push_back(tok_.text);
        Advance();
      }
      if (q.flavor_words.empty()) return Unexpected("a flavor after ':'");
    }
    out.push_back(std::move(q));
    if (tok_.kind == MofTok::kRBracket) break;
    RETURN_IF_ERROR(Expect(MofTok::kComma, "',' or ']' in the qualifier list"));
  }
  Advance();
  return out;
}

absl::StatusOr<QualifierList> Parser::BuildQualifiers(const std::vector<RawQualifier>& raw,
                                                      uint32_t allowed_scope,
                                                      absl::string_view element) {
  QualifierList out;
  for (const RawQualifier& r : raw) {
    const QualifierDecl* decl = sink_->FindQualifierDecl(r.name);
    if (decl == nullptr) {
      return Err(r.offset, absl::StrCat("qualifier '", r.name, "' on ", element,
                                        " is not declared (declare it before use)"));
    }
    if ((decl->scope & allowed_scope) == 0) {
      return Err(r.offset, absl::StrCat("qualifier '", decl->name, "' is not allowed on ", element,
                                        " (its scope is ", QualifierScopeToString(decl->scope),
                                        ")"));
    }
    if (out.Find(r.name) != nullptr) {
      return Err(r.offset, absl::StrCat("qualifier '", r.name, "' repeated on ", element));
    }
    Qualifier q;
    q.name = decl->name;
    q.flavors = decl->flavors;
    for (absl::string_view w : r.flavor_words) {
      if (!ApplyFlavorKeyword(w, &q.flavors)) {
        return Err(r.offset, absl::StrCat("unknown flavor '", w, "' on qualifier ", r.name));
      }
    }
    if (!r.has_value) {
      if (decl->type != CimType::kBoolean || decl->is_array) {
        return Err(r.offset, absl::StrCat("qualifier '", decl->name, "' (",
                                          CimTypeName(decl->type), decl->is_array ? "[]" : "",
                                          ") needs a value"));
      }
      q.value = Value::Boolean(true);
    } else {
      FeatureType ft;
      ft.type = decl->type;
      ft.is_array = decl->is_array;
      ASSIGN_OR_RETURN(q.value, ToValue(r.init, ft, true));
    }
    out.Set(std::move(q));
  }
  return out;
}

absl::StatusOr<Initializer> Parser::ParseInitializer() {
  Initializer init;
  init.offset = tok_.offset;
  if (tok_.kind != MofTok::kLBrace) {
    ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
    init.items.push_back(std::move(lit));
    return init;
  }
  Advance();
  init.is_array = true;
  while (tok_.kind != MofTok::kRBrace) {
    if (!init.items.empty()) RETURN_IF_ERROR(Expect(MofTok::kComma, "',' or '}' in the array"));
    ASSIGN_OR_RETURN(Literal lit, ParseLiteral());
    init.items.push_back(std::move(lit));
  }
  Advance();
  return init;
}

absl::StatusOr<Literal> Parser::ParseLiteral() {
  Literal lit;
  lit.offset = tok_.offset;
  switch (tok_.kind) {
    case MofTok::kString:
      lit.kind = Literal::kString;
      while (tok_.kind == MofTok::kString) {  // adjacent literals concatenate
        size_t bad = 0;
        if (!tok_.has_escapes) {
          lit.str.append(tok_.text.data(), tok_.text.size());
        } else if (!MofLexer::Unescape(tok_.text, &lit.str, &bad)) {
          return Err(tok_.offset + 1 + bad, "malformed escape (expected \\b \\t \\n \\f \\r "
                                            "\\\" \\' \\\\ or \\xHHHH)");
        }
        Advance();
      }
      return lit;
    case MofTok::kInt:
      lit.kind = Literal::kInt;
      lit.mag = tok_.int_value;
      lit.neg = tok_.negative;
      break;
    case MofTok::kReal:
      lit.kind = Literal::kReal;
      lit.real = tok_.real_value;
      break;
    case MofTok::kChar:
      lit.kind = Literal::kChar;
      lit.mag = tok_.int_value;
      break;
    case MofTok::kAlias:
      lit.kind = Literal::kAlias;
      lit.str = std::string(tok_.text);
      break;
    default:
      if (IsKeyword("TRUE") || IsKeyword("FALSE")) {
        lit.kind = Literal::kBool;
        lit.b = IsKeyword("TRUE");
      } else if (IsKeyword("NULL")) {
        lit.kind = Literal::kNull;
      } else {
        return Unexpected("a value (string, number, char, TRUE, FALSE, NULL, $alias or {...})");
      }
  }
  Advance();
  return lit;
}

absl::StatusOr<Value> Parser::ToValue(const Initializer& init, const FeatureType& t,
                                      bool wrap_scalar) {
  if (!init.is_array && init.items.size() == 1 && init.items[0].kind == Literal::kNull) {
    return Value::Null(t.type, t.is_array);
  }
  if (init.is_array && !t.is_array) {
    return Err(init.offset, absl::StrCat("expected a scalar ", t.ToString(), " value, found {...}"));
  }
  if (!init.is_array && t.is_array && !wrap_scalar) {
    return Err(init.offset, absl::StrCat("expected an array {...} for ", t.ToString()));
  }
  if (!t.is_array) {
    ASSIGN_OR_RETURN(Scalar s, ToScalar(init.items[0], t));
    return Value::FromScalar(t.type, std::move(s));
  }
  std::vector<Scalar> elems;
  elems.reserve(init.items.size());
  for (const Literal& lit : init.items) {
    ASSIGN_OR_RETURN(Scalar s, ToScalar(lit, t));
    elems.push_back(std::move(s));
  }
  return Value::Array(t.type, std::move(elems));
}

absl::StatusOr<Scalar> Parser::ToScalar(const Literal& lit, const FeatureType& t) {
  auto mismatch = [&]() {
    return Err(lit.offset, absl::StrCat("expected a ", CimTypeName(t.type), " value, found ",
                                        LiteralKindName(lit.kind)));
  };
  const CimType ty = t.type;
  if (lit.kind == Literal::kNull) {
    return Err(lit.offset, "NULL is not allowed inside an array");
  }
  if (IsInteger(ty)) {
    if (lit.kind != Literal::kInt) return mismatch();
    IntRange r = IntegerRange(ty);
    if (IsUnsignedInt(ty)) {
      if ((lit.neg && lit.mag != 0) || lit.mag > r.max) {
        return Err(lit.offset, absl::StrCat("value out of range for ", CimTypeName(ty)));
      }
      return Scalar(lit.mag);
    }
    const uint64_t limit = lit.neg ? static_cast<uint64_t>(-(r.min_signed + 1)) + 1 : r.max;
    if (lit.mag > limit) {
      return Err(lit.offset, absl::StrCat("value out of range for ", CimTypeName(ty)));
    }
    return Scalar(lit.neg ? static_cast<int64_t>(0 - lit.mag) : static_cast<int64_t>(lit.mag));
  }
  switch (ty) {
    case CimType::kBoolean:
      if (lit.kind != Literal::kBool) return mismatch();
      return Scalar(lit.b);
    case CimType::kReal32:
    case CimType::kReal64:
      if (lit.kind == Literal::kReal) return Scalar(lit.real);
      if (lit.kind != Literal::kInt) return mismatch();
      return Scalar(lit.neg ? -static_cast<double>(lit.mag) : static_cast<double>(lit.mag));
    case CimType::kChar16:
      if (lit.kind != Literal::kChar) return mismatch();
      return Scalar(lit.mag);
    case CimType::kString:
      if (lit.kind != Literal::kString) return mismatch();
      return Scalar(lit.str);
    case CimType::kDatetime: {
      if (lit.kind != Literal::kString) return mismatch();
      absl::StatusOr<DateTime> dt = DateTime::Parse(lit.str);
      if (!dt.ok()) return Err(lit.offset, dt.status().message());
      return Scalar(*std::move(dt));
    }
    case CimType::kReference: {
      if (lit.kind == Literal::kAlias) {
        absl::StatusOr<Value> v = sink_->ResolveAlias(lit.str);
        if (!v.ok()) return Err(lit.offset, v.status().message());
        return v->scalar();
      }
      if (lit.kind != Literal::kString) return mismatch();
      absl::StatusOr<ObjectPath> p = ObjectPath::Parse(lit.str);
      if (!p.ok()) return Err(lit.offset, p.status().message());
      return Scalar(std::make_shared<const ObjectPath>(*std::move(p)));
    }
    default:
      return mismatch();
  }
}

}  // namespace

absl::Status ParseMof(absl::string_view file, absl::string_view src, MofSink* sink) {
  return Parser(file, src, sink).Run();
}

}  // namespace hv::cim
