#include "cim-schema/object_path.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/names.h"

namespace hv::cim {
namespace {

enum class Form { kWbemUri, kWmi };

// Cheap shape test for a nested instance path inside a quoted key value:
// [prefix:]Ident.Ident=  or  [prefix:]Ident=@
bool LooksLikeInstancePath(absl::string_view s) {
  // Skip a "\\server\" or "//host/" prefix (a host may contain dots).
  for (absl::string_view lead : {"\\\\", "//"}) {
    if (s.substr(0, 2) == lead) {
      size_t sep = s.find(lead[0], 2);
      if (sep == absl::string_view::npos) return false;
      s.remove_prefix(sep + 1);
    }
  }
  size_t stop = s.find_first_of(".=\"");
  if (stop == absl::string_view::npos || stop == 0) return false;
  size_t colon = s.substr(0, stop).rfind(':');
  size_t start = colon == absl::string_view::npos ? 0 : colon + 1;
  if (start >= stop || !IsIdentifierStart(s[start])) return false;
  for (size_t i = start; i < stop; ++i) {
    if (!IsIdentifierChar(s[i])) return false;
  }
  if (s[stop] == '=') return stop + 1 < s.size() && s[stop + 1] == '@';
  if (s[stop] != '.') return false;
  size_t i = stop + 1;
  if (i >= s.size() || !IsIdentifierStart(s[i])) return false;
  while (i < s.size() && IsIdentifierChar(s[i])) ++i;
  return i < s.size() && s[i] == '=';
}

class PathParser {
 public:
  PathParser(absl::string_view text, Form form, int depth, const ObjectPathLimits& limits,
             bool* too_deep)
      : t_(text), form_(form), depth_(depth), limits_(limits), too_deep_(too_deep) {}

  absl::StatusOr<ObjectPath> Run() {
    if (t_.size() > limits_.max_length) {
      return absl::InvalidArgumentError(absl::StrCat("object path: ", t_.size(),
                                                     " characters exceed the limit of ",
                                                     limits_.max_length));
    }
    ObjectPath p;
    if (form_ == Form::kWbemUri) {
      if (absl::Status s = ParseUriPrefix(&p); !s.ok()) return s;
    } else {
      if (absl::Status s = ParseWmiPrefix(&p); !s.ok()) return s;
    }
    if (absl::Status s = ParseNamespace(&p); !s.ok()) return s;
    if (pos_ >= t_.size() || !IsIdentifierStart(t_[pos_])) return Error("expected a class name");
    p.class_name = std::string(Ident());
    if (pos_ == t_.size()) return p;
    if (t_[pos_] == '=') {
      if (pos_ + 1 < t_.size() && t_[pos_ + 1] == '@' && pos_ + 2 == t_.size()) {
        p.singleton = true;
        return p;
      }
      return Error("expected '@' after '=' (singleton path)");
    }
    if (t_[pos_] != '.') return Error("expected '.', '=@' or the end after the class name");
    ++pos_;
    for (;;) {
      if (pos_ >= t_.size() || !IsIdentifierStart(t_[pos_])) return Error("expected a key name");
      std::string name(Ident());
      if (pos_ >= t_.size() || t_[pos_] != '=') {
        return Error(absl::StrCat("expected '=' after key name '", name, "'"));
      }
      ++pos_;
      absl::StatusOr<Value> v = ParseKeyValue();
      if (!v.ok()) return v.status();
      if (p.FindKey(name) != nullptr) return Error(absl::StrCat("duplicate key '", name, "'"));
      p.keys.push_back({std::move(name), *std::move(v)});
      if (pos_ == t_.size()) return p;
      if (t_[pos_] != ',') return Error("expected ',' or the end after a key value");
      ++pos_;
    }
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("object path '", t_.substr(0, 200), "': position ", pos_ + 1, ": ", what));
  }

  absl::string_view Ident() {
    size_t b = pos_;
    while (pos_ < t_.size() && IsIdentifierChar(t_[pos_])) ++pos_;
    return t_.substr(b, pos_ - b);
  }

  absl::Status ParseUriPrefix(ObjectPath* p) {
    for (absl::string_view scheme : {"https:", "http:"}) {
      if (t_.size() >= scheme.size() && CiEquals(t_.substr(0, scheme.size()), scheme)) {
        p->scheme = absl::AsciiStrToLower(scheme.substr(0, scheme.size() - 1));
        pos_ = scheme.size();
        if (t_.substr(pos_, 2) != "//") return Error("expected '//' after the scheme");
        break;
      }
    }
    if (t_.substr(pos_, 2) == "//") {
      pos_ += 2;
      size_t slash = t_.find('/', pos_);
      if (slash == absl::string_view::npos || slash == pos_) return Error("expected 'host/'");
      p->host = std::string(t_.substr(pos_, slash - pos_));
      pos_ = slash;
    }
    return absl::OkStatus();
  }

  absl::Status ParseWmiPrefix(ObjectPath* p) {
    if (t_.substr(0, 2) == "\\\\") {
      pos_ = 2;
      size_t bs = t_.find('\\', pos_);
      if (bs == absl::string_view::npos || bs == pos_) return Error("expected 'server\\'");
      p->host = std::string(t_.substr(pos_, bs - pos_));
      pos_ = bs + 1;
      if (t_.find(':', pos_) == absl::string_view::npos) {
        return Error("expected 'namespace:' after the server");
      }
    }
    return absl::OkStatus();
  }

  // namespace ':' when a ':' comes before any '.', '=' or '"'.
  absl::Status ParseNamespace(ObjectPath* p) {
    size_t stop = t_.find_first_of(":.=\"", pos_);
    if (stop == absl::string_view::npos || t_[stop] != ':') return absl::OkStatus();
    absl::string_view ns = t_.substr(pos_, stop - pos_);
    while (!ns.empty() && (ns.front() == '/' || ns.front() == '\\')) ns.remove_prefix(1), ++pos_;
    if (ns.empty()) return Error("expected a namespace before ':'");
    std::string out;
    bool seg_start = true;
    for (char c : ns) {
      if (c == '/' || c == '\\') {
        if (seg_start) return Error("empty namespace segment");
        out.push_back('/');
        seg_start = true;
      } else if (IsIdentifierChar(c)) {
        out.push_back(c);
        seg_start = false;
      } else {
        pos_ += ns.find(c);
        return Error("expected a namespace character (letter, digit, '_', '/')");
      }
      }
    if (seg_start) return Error("namespace ends with a separator");
    p->name_space = std::move(out);
    pos_ = stop + 1;
    return absl::OkStatus();
  }

  absl::StatusOr<Value> ParseKeyValue() {
    if (pos_ >= t_.size()) return Error("expected a key value");
    const char c = t_[pos_];
    if (c == '"') return ParseQuoted();
    size_t b = pos_;
    while (pos_ < t_.size() && t_[pos_] != ',') ++pos_;
    absl::string_view word = t_.substr(b, pos_ - b);
    if (CiEquals(word, "TRUE")) return Value::Boolean(true);
    if (CiEquals(word, "FALSE")) return Value::Boolean(false);
    if (!word.empty() && (word[0] == '-' || word[0] == '+' || (word[0] >= '0' && word[0] <= '9'))) {
      int64_t s;
      uint64_t u;
      double d;
      if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X') &&
          absl::SimpleHexAtoi(word.substr(2), &u)) {
        return Value::Unsigned(CimType::kUint64, u);
      }
      if (word[0] == '-' && absl::SimpleAtoi(word, &s)) return Value::Signed(CimType::kSint64, s);
      if (word[0] != '-' && absl::SimpleAtoi(word, &u)) return Value::Unsigned(CimType::kUint64, u);
      if (word.find_first_of(".eE") != absl::string_view::npos && absl::SimpleAtod(word, &d)) {
        return Value::Real(CimType::kReal64, d);
      }
    }
    pos_ = b;
    return Error("expected a key value (quoted string, number, TRUE or FALSE)");
  }

  absl::StatusOr<Value> ParseQuoted() {
    const size_t open = pos_++;
    std::string s;
    for (;;) {
      if (pos_ >= t_.size()) {
        pos_ = open;
        return Error("unterminated string");
      }
      char c = t_[pos_++];
      if (c == '"') break;
      if (c == '\\') {
        if (pos_ >= t_.size()) {
          pos_ = open;
          return Error("unterminated string");
        }
        c = t_[pos_++];
      }
      s.push_back(c);
    }
    if (!LooksLikeInstancePath(s)) return Value::String(std::move(s));
    if (depth_ + 1 > limits_.max_depth || *too_deep_) {
      *too_deep_ = true;
      pos_ = open;
      return Error(absl::StrCat("REF keys nested deeper than ", limits_.max_depth));
    }
    Form nested_form = (s.rfind("\\\\", 0) == 0 || s.find('\\') != std::string::npos)
                           ? Form::kWmi
                           : Form::kWbemUri;
    absl::StatusOr<ObjectPath> nested =
        PathParser(s, nested_form, depth_ + 1, limits_, too_deep_).Run();
    if (*too_deep_) {  // a nesting-limit failure is an error, not a string that looks like a path
      pos_ = open;
      return Error(absl::StrCat("REF keys nested deeper than ", limits_.max_depth));
    }
    if (!nested.ok() || nested->IsClassPath()) return Value::String(std::move(s));
    return Value::Reference(*std::move(nested));
  }

  absl::string_view t_;
  Form form_;
  int depth_;
  const ObjectPathLimits& limits_;
  bool* too_deep_;  // shared by the nested parsers of one top-level parse
  size_t pos_ = 0;
};

// Quotes with only '\' and '"' escaped (DSP0207 / MS-WMI key strings).
void AppendPathQuoted(std::string* out, absl::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendKeys(const ObjectPath& p, Form form, std::string* out) {
  out->append(p.class_name);
  if (p.singleton) {
    out->append("=@");
    return;
  }
  for (size_t i = 0; i < p.keys.size(); ++i) {
    out->push_back(i == 0 ? '.' : ',');
    out->append(p.keys[i].name);
    out->push_back('=');
    const Value& v = p.keys[i].value;
    if (v.is_null() || v.is_array()) {
      AppendPathQuoted(out, "");
      continue;
    }
    switch (v.type()) {
      case CimType::kString: AppendPathQuoted(out, v.AsString()); break;
      case CimType::kDatetime: AppendPathQuoted(out, v.AsDateTime().text()); break;
      case CimType::kChar16:
        AppendPathQuoted(out, std::string(1, static_cast<char>(v.AsUnsigned())));
        break;
      case CimType::kReference:
        AppendPathQuoted(out, form == Form::kWmi ? v.AsReference().ToWmi()
                                                 : v.AsReference().ToWbemUri());
        break;
      default: out->append(ScalarToMof(v.type(), v.scalar()));
    }
  }
}

}  // namespace

const Value* ObjectPath::FindKey(absl::string_view name) const {
  for (const KeyBinding& k : keys) {
    if (CiEquals(k.name, name)) return &k.value;
  }
  return nullptr;
}

void ObjectPath::SetKey(std::string name, Value value) {
  for (KeyBinding& k : keys) {
    if (CiEquals(k.name, name)) {
      k.value = std::move(value);
      return;
    }
  }
  keys.push_back({std::move(name), std::move(value)});
}

absl::StatusOr<ObjectPath> ObjectPath::Parse(absl::string_view text, const ObjectPathLimits& limits) {
  size_t stop = text.find_first_of(".=\"");
  bool wmi = text.substr(0, 2) == "\\\\" || text.substr(0, stop).find('\\') != absl::string_view::npos;
  return wmi ? ParseWmi(text, limits) : ParseWbemUri(text, limits);
}

absl::StatusOr<ObjectPath> ObjectPath::ParseWbemUri(absl::string_view text,
                                                    const ObjectPathLimits& limits) {
  bool too_deep = false;
  return PathParser(text, Form::kWbemUri, 0, limits, &too_deep).Run();
}

absl::StatusOr<ObjectPath> ObjectPath::ParseWmi(absl::string_view text,
                                                const ObjectPathLimits& limits) {
  bool too_deep = false;
  return PathParser(text, Form::kWmi, 0, limits, &too_deep).Run();
}

std::string ObjectPath::ToWbemUri() const {
  std::string out;
  if (!host.empty()) {
    if (!scheme.empty()) absl::StrAppend(&out, scheme, ":");
    absl::StrAppend(&out, "//", host);
  }
  if (!name_space.empty()) absl::StrAppend(&out, "/", name_space, ":");
  AppendKeys(*this, Form::kWbemUri, &out);
  return out;
}

std::string ObjectPath::ToWmi() const {
  std::string out;
  if (!host.empty() || !name_space.empty()) {
    absl::StrAppend(&out, "\\\\", host.empty() ? "." : host, "\\");
    for (char c : name_space) out.push_back(c == '/' ? '\\' : c);
    out.push_back(':');
  }
  AppendKeys(*this, Form::kWmi, &out);
  return out;
}

bool operator==(const ObjectPath& a, const ObjectPath& b) {
  if (!CiEquals(a.host, b.host) || !CiEquals(a.name_space, b.name_space) ||
      !CiEquals(a.class_name, b.class_name) || a.singleton != b.singleton ||
      a.keys.size() != b.keys.size()) {
    return false;
  }
  for (const KeyBinding& k : a.keys) {
    const Value* other = b.FindKey(k.name);
    if (other == nullptr || !(*other == k.value)) return false;
  }
  return true;
}

}  // namespace hv::cim
