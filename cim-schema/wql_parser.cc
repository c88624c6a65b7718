#include "cim-schema/wql_parser.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/charconv.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"

namespace hv::cim {

const char* WqlOpName(WqlOp op) {
  switch (op) {
    case WqlOp::kEq: return "=";
    case WqlOp::kNe: return "<>";
    case WqlOp::kLt: return "<";
    case WqlOp::kGt: return ">";
    case WqlOp::kLe: return "<=";
    case WqlOp::kGe: return ">=";
  }
  return "?";
}

namespace {

enum class T { kEnd, kIdent, kString, kNumber, kOp, kLParen, kRParen, kComma, kStar, kPath };

struct Tok {
  T kind = T::kEnd;
  size_t pos = 0;  // 0-based offset
  absl::string_view text;
  std::string str;  // kString unescaped, kPath contents
  WqlOp op = WqlOp::kEq;
  WqlLiteral num;
};

// A WQL name continues with identifier characters or '.' (a dotted property path).
bool IsWqlNameChar(char c) { return IsIdentifierChar(c) || c == '.'; }

class WqlParser {
 public:
  WqlParser(absl::string_view text, const WqlLimits& limits) : t_(text), limits_(limits) {}

  absl::StatusOr<WqlQuery> Run() {
    if (t_.size() > limits_.max_length) {
      return absl::InvalidArgumentError(absl::StrCat("WQL: query of ", t_.size(),
                                                     " characters exceeds the limit of ",
                                                     limits_.max_length));
    }
    RETURN_IF_ERROR(Next());
    if (Keyword("SELECT")) return Select();
    if (Keyword("ASSOCIATORS") || Keyword("REFERENCES")) return Association();
    return Unexpected("SELECT, ASSOCIATORS OF or REFERENCES OF");
  }

 private:
  absl::Status ErrAt(size_t pos, absl::string_view msg) const {
    return absl::InvalidArgumentError(absl::StrCat("WQL: position ", pos + 1, ": ", msg));
  }
  std::string Describe() const {
    switch (tok_.kind) {
      case T::kEnd: return "end of query";
      case T::kString: return "a string";
      case T::kPath: return "{path}";
      default: return absl::StrCat("'", tok_.text, "'");
    }
  }
  absl::Status Unexpected(absl::string_view expected) const {
    return ErrAt(tok_.pos, absl::StrCat("expected ", expected, ", found ", Describe()));
  }
  bool Keyword(absl::string_view w) const { return tok_.kind == T::kIdent && CiEquals(tok_.text, w); }
  absl::Status ExpectKeyword(absl::string_view w) {
    if (!Keyword(w)) return Unexpected(w);
    return Next();
  }

  absl::Status Next();
  absl::Status LexString();
  absl::Status LexNumber();
  absl::Status LexPath();
  absl::StatusOr<WqlQuery> Select();
  absl::StatusOr<WqlQuery> Association();
  absl::StatusOr<std::unique_ptr<WqlExpr>> Or(int depth);
  absl::StatusOr<std::unique_ptr<WqlExpr>> And(int depth);
  absl::StatusOr<std::unique_ptr<WqlExpr>> Unary(int depth);
  absl::StatusOr<std::unique_ptr<WqlExpr>> Predicate();
  absl::StatusOr<WqlOperand> Operand();
  absl::StatusOr<std::string> ClassName(absl::string_view after);
  // Counts one expression node; fails past limits_.max_nodes (bounds the
  // evaluator's recursion over long AND/OR chains).
  absl::Status CountNode() {
    if (++nodes_ > limits_.max_nodes) {
      return ErrAt(tok_.pos, absl::StrCat("expression has more than ", limits_.max_nodes,
                                          " terms"));
    }
    return absl::OkStatus();
  }

  absl::string_view t_;
  const WqlLimits& limits_;
  size_t pos_ = 0;
  int nodes_ = 0;
  Tok tok_;
};

absl::Status WqlParser::Next() {
  while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' ||
                              t_[pos_] == '\r')) {
    ++pos_;
  }
  tok_ = Tok();
  tok_.pos = pos_;
  if (pos_ >= t_.size()) return absl::OkStatus();
  const char c = t_[pos_];
  if (IsIdentifierStart(c)) {
    size_t b = pos_;
    while (pos_ < t_.size() && IsWqlNameChar(t_[pos_])) ++pos_;
    tok_.kind = T::kIdent;
    tok_.text = t_.substr(b, pos_ - b);
    return absl::OkStatus();
  }
  if (absl::ascii_isdigit(c) || ((c == '-' || c == '+' || c == '.') && pos_ + 1 < t_.size() &&
                                 (absl::ascii_isdigit(t_[pos_ + 1]) || t_[pos_ + 1] == '.'))) {
    return LexNumber();
  }
  if (c == '"' || c == '\'') return LexString();
  if (c == '{') return LexPath();
  auto single = [&](T kind) {
    tok_.kind = kind;
    tok_.text = t_.substr(pos_++, 1);
    return absl::OkStatus();
  };
  auto op = [&](WqlOp o, size_t len) {
    tok_.kind = T::kOp;
    tok_.op = o;
    tok_.text = t_.substr(pos_, len);
    pos_ += len;
    return absl::OkStatus();
  };
  const char n = pos_ + 1 < t_.size() ? t_[pos_ + 1] : '\0';
  switch (c) {
    case '(': return single(T::kLParen);
    case ')': return single(T::kRParen);
    case ',': return single(T::kComma);
    case '*': return single(T::kStar);
    case '=': return op(WqlOp::kEq, 1);
    case '!':
      if (n == '=') return op(WqlOp::kNe, 2);
      break;
    case '<':
      if (n == '>') return op(WqlOp::kNe, 2);
      if (n == '=') return op(WqlOp::kLe, 2);
      return op(WqlOp::kLt, 1);
    case '>':
      if (n == '=') return op(WqlOp::kGe, 2);
      return op(WqlOp::kGt, 1);
    default: break;
  }
  return ErrAt(pos_, absl::StrCat("unexpected character '",
                                  static_cast<unsigned char>(c) < 0x20 ? std::string("?")
                                                                       : std::string(1, c),
                                  "'"));
}

absl::Status WqlParser::LexString() {
  const char quote = t_[pos_];
  const size_t open = pos_++;
  std::string s;
  for (;;) {
    if (pos_ >= t_.size()) return ErrAt(open, "unterminated string (expected a closing quote)");
    char c = t_[pos_++];
    if (c == quote) break;
    if (c == '\\') {
      if (pos_ >= t_.size()) return ErrAt(open, "unterminated string");
      c = t_[pos_++];
      if (c == 'n') c = '\n';
      if (c == 't') c = '\t';
    }
    s.push_back(c);
  }
  tok_.kind = T::kString;
  tok_.text = t_.substr(open, pos_ - open);
  tok_.str = std::move(s);
  return absl::OkStatus();
}

absl::Status WqlParser::LexNumber() {
  const size_t b = pos_;
  if (t_[pos_] == '-' || t_[pos_] == '+') ++pos_;
  while (pos_ < t_.size() &&
         (IsWqlNameChar(t_[pos_]) ||
          ((t_[pos_] == '-' || t_[pos_] == '+') && (t_[pos_ - 1] == 'e' || t_[pos_ - 1] == 'E')))) {
    ++pos_;
  }
  tok_.kind = T::kNumber;
  tok_.text = t_.substr(b, pos_ - b);
  absl::string_view body = tok_.text;
  WqlLiteral& lit = tok_.num;
  lit.negative = body[0] == '-';
  if (body[0] == '-' || body[0] == '+') body.remove_prefix(1);
  const bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  if (!hex && body.find_first_of(".eE") != absl::string_view::npos) {
    double d;
    auto r = absl::from_chars(body.data(), body.data() + body.size(), d);
    if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
      return ErrAt(b, absl::StrCat("malformed number '", tok_.text, "'"));
    }
    lit.kind = WqlLiteral::Kind::kReal;
    lit.real = lit.negative ? -d : d;
    return absl::OkStatus();
  }
  const int base = hex ? 16 : 10;
  if (hex) body.remove_prefix(2);
  uint64_t v = 0;
  for (char c : body) {
    int d = absl::ascii_isdigit(c)   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : 99;
    if (d >= base) return ErrAt(b, absl::StrCat("malformed number '", tok_.text, "'"));
    if (v > (UINT64_MAX - d) / base) return ErrAt(b, "number does not fit in 64 bits");
    v = v * base + d;
  }
  lit.kind = WqlLiteral::Kind::kInteger;
  lit.magnitude = v;
  return absl::OkStatus();
}

absl::Status WqlParser::LexPath() {
  const size_t open = pos_++;
  bool in_quote = false;
  size_t b = pos_;
  for (; pos_ < t_.size(); ++pos_) {
    char c = t_[pos_];
    if (in_quote && c == '\\') {
      ++pos_;
    } else if (c == '"') {
      in_quote = !in_quote;
    } else if (c == '}' && !in_quote) {
      tok_.kind = T::kPath;
      tok_.str = std::string(t_.substr(b, pos_ - b));
      tok_.text = t_.substr(open, pos_ + 1 - open);
      ++pos_;
      return absl::OkStatus();
    }
  }
  return ErrAt(open, "unterminated object path (expected '}')");
}

absl::StatusOr<std::string> WqlParser::ClassName(absl::string_view after) {
  if (tok_.kind != T::kIdent) return Unexpected(absl::StrCat("a class name after ", after));
  std::string s(tok_.text);
  RETURN_IF_ERROR(Next());
  return s;
}

absl::StatusOr<WqlQuery> WqlParser::Select() {
  RETURN_IF_ERROR(Next());
  WqlSelect q;
  if (tok_.kind == T::kStar) {
    q.all = true;
    RETURN_IF_ERROR(Next());
  } else {
    for (;;) {
      if (tok_.kind != T::kIdent || Keyword("FROM")) return Unexpected("'*' or a property name");
      q.properties.emplace_back(tok_.text);
      RETURN_IF_ERROR(Next());
      if (tok_.kind != T::kComma) break;
      RETURN_IF_ERROR(Next());
    }
  }
  RETURN_IF_ERROR(ExpectKeyword("FROM"));
  ASSIGN_OR_RETURN(q.class_name, ClassName("FROM"));
  if (Keyword("WHERE")) {
    RETURN_IF_ERROR(Next());
    ASSIGN_OR_RETURN(q.where, Or(0));
  }
  if (tok_.kind != T::kEnd) return Unexpected(q.where ? "AND, OR or the end" : "WHERE or the end");
  return WqlQuery(std::move(q));
}

absl::StatusOr<WqlQuery> WqlParser::Association() {
  WqlAssociationQuery q;
  q.references = Keyword("REFERENCES");
  RETURN_IF_ERROR(Next());
  RETURN_IF_ERROR(ExpectKeyword("OF"));
  if (tok_.kind != T::kPath) return Unexpected("'{object path}'");
  absl::StatusOr<ObjectPath> path = ObjectPath::Parse(tok_.str);
  if (!path.ok()) {
    return ErrAt(tok_.pos + 1, absl::StrCat("in the object path: ", path.status().message()));
  }
  q.path = *std::move(path);
  RETURN_IF_ERROR(Next());
  if (Keyword("WHERE")) {
    RETURN_IF_ERROR(Next());
    if (tok_.kind == T::kEnd) return Unexpected("a WHERE sub-clause");
    while (tok_.kind != T::kEnd) {
      if (tok_.kind != T::kIdent) return Unexpected("a sub-clause (no commas between them)");
      const size_t at = tok_.pos;
      std::string word(tok_.text);
      if (CiEquals(word, "ClassDefsOnly") || CiEquals(word, "KeysOnly")) {
        (CiEquals(word, "KeysOnly") ? q.keys_only : q.class_defs_only) = true;
        RETURN_IF_ERROR(Next());
        continue;
      }
      std::string* target = nullptr;
      bool assoc_only = false;
      if (CiEquals(word, "ResultClass")) target = &q.result_class;
      if (CiEquals(word, "Role")) target = &q.role;
      if (CiEquals(word, "RequiredQualifier")) target = &q.required_qualifier;
      if (CiEquals(word, "AssocClass")) target = &q.assoc_class, assoc_only = true;
      if (CiEquals(word, "ResultRole")) target = &q.result_role, assoc_only = true;
      if (CiEquals(word, "RequiredAssocQualifier")) {
        target = &q.required_assoc_qualifier, assoc_only = true;
      }
      if (target == nullptr) return Unexpected("AssocClass, ResultClass, Role, ResultRole, "
                                               "RequiredQualifier, RequiredAssocQualifier, "
                                               "ClassDefsOnly or KeysOnly");
      if (assoc_only && q.references) {
        return ErrAt(at, absl::StrCat(word, " is not allowed in REFERENCES OF"));
      }
      if (!target->empty()) return ErrAt(at, absl::StrCat(word, " given twice"));
      RETURN_IF_ERROR(Next());
      if (tok_.kind != T::kOp || tok_.op != WqlOp::kEq) return Unexpected(absl::StrCat("'=' after ", word));
      RETURN_IF_ERROR(Next());
      ASSIGN_OR_RETURN(*target, ClassName(absl::StrCat(word, " =")));
    }
    if (q.class_defs_only && !q.result_class.empty()) {
      return ErrAt(0, "ClassDefsOnly cannot be combined with ResultClass");
    }
  }
  if (tok_.kind != T::kEnd) return Unexpected("WHERE or the end");
  return WqlQuery(std::move(q));
}

absl::StatusOr<std::unique_ptr<WqlExpr>> WqlParser::Or(int depth) {
  ASSIGN_OR_RETURN(std::unique_ptr<WqlExpr> lhs, And(depth));
  while (Keyword("OR")) {
    auto e = std::make_unique<WqlExpr>();
    e->kind = WqlExpr::Kind::kOr;
    e->pos = tok_.pos + 1;
    RETURN_IF_ERROR(CountNode());
    RETURN_IF_ERROR(Next());
    e->lhs = std::move(lhs);
    ASSIGN_OR_RETURN(e->rhs, And(depth));
    lhs = std::move(e);
  }
  return lhs;
}

absl::StatusOr<std::unique_ptr<WqlExpr>> WqlParser::And(int depth) {
  ASSIGN_OR_RETURN(std::unique_ptr<WqlExpr> lhs, Unary(depth));
  while (Keyword("AND")) {
    auto e = std::make_unique<WqlExpr>();
    e->kind = WqlExpr::Kind::kAnd;
    e->pos = tok_.pos + 1;
    RETURN_IF_ERROR(CountNode());
    RETURN_IF_ERROR(Next());
    e->lhs = std::move(lhs);
    ASSIGN_OR_RETURN(e->rhs, Unary(depth));
    lhs = std::move(e);
  }
  return lhs;
}

absl::StatusOr<std::unique_ptr<WqlExpr>> WqlParser::Unary(int depth) {
  if (depth >= limits_.max_depth) {
    return ErrAt(tok_.pos, absl::StrCat("expression nested deeper than ", limits_.max_depth));
  }
  if (Keyword("NOT")) {
    auto e = std::make_unique<WqlExpr>();
    e->kind = WqlExpr::Kind::kNot;
    e->pos = tok_.pos + 1;
    RETURN_IF_ERROR(Next());
    ASSIGN_OR_RETURN(e->lhs, Unary(depth + 1));
    return e;
  }
  if (tok_.kind == T::kLParen) {
    RETURN_IF_ERROR(Next());
    ASSIGN_OR_RETURN(std::unique_ptr<WqlExpr> e, Or(depth + 1));
    if (tok_.kind != T::kRParen) return Unexpected("')'");
    RETURN_IF_ERROR(Next());
    return e;
  }
  return Predicate();
}

absl::StatusOr<WqlOperand> WqlParser::Operand() {
  WqlOperand o;
  o.pos = tok_.pos + 1;
  if (tok_.kind == T::kIdent) {
    if (Keyword("TRUE") || Keyword("FALSE")) {
      o.literal.kind = WqlLiteral::Kind::kBool;
      o.literal.b = Keyword("TRUE");
    } else if (Keyword("NULL")) {
      o.literal.kind = WqlLiteral::Kind::kNull;
    } else {
      o.is_property = true;
      o.property = std::string(tok_.text);
    }
  } else if (tok_.kind == T::kString) {
    o.literal.kind = WqlLiteral::Kind::kString;
    o.literal.str = tok_.str;
  } else if (tok_.kind == T::kNumber) {
    o.literal = tok_.num;
  } else {
    return Unexpected("a property name or a constant");
  }
  RETURN_IF_ERROR(Next());
  return o;
}

absl::StatusOr<std::unique_ptr<WqlExpr>> WqlParser::Predicate() {
  RETURN_IF_ERROR(CountNode());
  auto e = std::make_unique<WqlExpr>();
  e->pos = tok_.pos + 1;
  ASSIGN_OR_RETURN(e->left, Operand());
  if (Keyword("IS") || Keyword("LIKE") || Keyword("ISA") || Keyword("NOT")) {
    if (!e->left.is_property) return ErrAt(e->pos - 1, "expected a property name before the operator");
    e->property = e->left.property;
    if (Keyword("IS")) {
      RETURN_IF_ERROR(Next());
      e->kind = WqlExpr::Kind::kIsNull;
      if (Keyword("NOT")) {
        e->negated = true;
        RETURN_IF_ERROR(Next());
      }
      RETURN_IF_ERROR(ExpectKeyword("NULL"));
      return e;
    }
    if (Keyword("NOT")) {
      e->negated = true;
      RETURN_IF_ERROR(Next());
      if (!Keyword("LIKE")) return Unexpected("LIKE after NOT");
    }
    e->kind = Keyword("ISA") ? WqlExpr::Kind::kIsa : WqlExpr::Kind::kLike;
    RETURN_IF_ERROR(Next());
    if (tok_.kind == T::kString || (e->kind == WqlExpr::Kind::kIsa && tok_.kind == T::kIdent)) {
      e->text = tok_.kind == T::kString ? tok_.str : std::string(tok_.text);
      RETURN_IF_ERROR(Next());
      return e;
    }
    return Unexpected(e->kind == WqlExpr::Kind::kIsa ? "a class name" : "a string pattern");
  }
  if (tok_.kind != T::kOp) return Unexpected("an operator (=, <>, !=, <, >, <=, >=, LIKE, IS, ISA)");
  e->kind = WqlExpr::Kind::kCompare;
  e->op = tok_.op;
  RETURN_IF_ERROR(Next());
  ASSIGN_OR_RETURN(e->right, Operand());
  if (!e->left.is_property && !e->right.is_property) {
    return ErrAt(e->pos - 1, "a comparison needs a property on one side");
  }
  if (e->left.is_property && e->right.is_property) {
    return ErrAt(e->pos - 1, "comparing two properties is not supported");
  }
  return e;
}

}  // namespace

absl::StatusOr<WqlQuery> ParseWql(absl::string_view text, const WqlLimits& limits) {
  return WqlParser(text, limits).Run();
}

}  // namespace hv::cim
