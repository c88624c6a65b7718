#include "vmms/cim/embedded_instance.h"

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/mof_parser.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"

namespace hv::vmms::cim {

using hv::cim::CimStatusCode;
using hv::cim::CimType;
using hv::cim::Instance;
using hv::cim::MakeCimError;
using hv::cim::Schema;
using hv::cim::Value;

namespace {

absl::Status Bad(absl::string_view what) {
  return MakeCimError(CimStatusCode::kInvalidParameter,
                      absl::StrCat("malformed embedded instance: ", what));
}

// A MofSink that accepts exactly one instance typed against `schema`.
class InstanceSink : public hv::cim::MofSink {
 public:
  explicit InstanceSink(const Schema& schema) : schema_(schema) {}
  absl::Status OnPragma(absl::string_view name, const std::vector<std::string>&) override {
    return absl::InvalidArgumentError(absl::StrCat("#pragma ", name, " is not allowed here"));
  }
  const hv::cim::QualifierDecl* FindQualifierDecl(absl::string_view name) override {
    return schema_.FindQualifierDecl(name);
  }
  absl::Status OnQualifierDecl(hv::cim::QualifierDecl) override {
    return absl::InvalidArgumentError("a qualifier declaration is not an instance");
  }
  absl::Status OnClass(const hv::cim::Class& c, absl::string_view) override {
    return absl::InvalidArgumentError(absl::StrCat("class ", c.name(), " is not an instance"));
  }
  const hv::cim::Class* FindClass(absl::string_view name) override {
    return schema_.FindClass(name);
  }
  absl::Status OnInstance(Instance instance, absl::string_view) override {
    if (got_) return absl::InvalidArgumentError("more than one instance");
    got_ = true;
    instance_ = std::move(instance);
    return absl::OkStatus();
  }
  absl::StatusOr<Value> ResolveAlias(absl::string_view alias) override {
    return absl::NotFoundError(absl::StrCat("alias $", alias, " is not allowed here"));
  }
  bool got() const { return got_; }
  Instance& instance() { return instance_; }

 private:
  const Schema& schema_;
  bool got_ = false;
  Instance instance_;
};

// ---- a small XML reader for the CIM-XML INSTANCE subset ----

struct XmlNode {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attrs;
  std::vector<XmlNode> children;
  std::string text;

  const std::string* Attr(absl::string_view n) const {
    for (const auto& a : attrs) {
      if (absl::EqualsIgnoreCase(a.first, n)) return &a.second;
    }
    return nullptr;
  }
};

class XmlReader {
 public:
  explicit XmlReader(absl::string_view s) : s_(s) {}

  absl::StatusOr<XmlNode> ParseDocument() {
    SkipProlog();
    ASSIGN_OR_RETURN(XmlNode root, ParseElement(0));
    SkipSpace();
    if (pos_ != s_.size()) return Err("text after the INSTANCE element");
    return root;
  }

 private:
  absl::Status Err(absl::string_view what) const {
    return Bad(absl::StrCat("CIM-XML at offset ", pos_, ": ", what));
  }
  void SkipSpace() {
    while (pos_ < s_.size() && absl::ascii_isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void SkipProlog() {
    for (;;) {
      SkipSpace();
      if (absl::StartsWith(s_.substr(pos_), "<?")) {
        size_t e = s_.find("?>", pos_);
        pos_ = e == absl::string_view::npos ? s_.size() : e + 2;
      } else if (absl::StartsWith(s_.substr(pos_), "<!--")) {
        size_t e = s_.find("-->", pos_);
        pos_ = e == absl::string_view::npos ? s_.size() : e + 3;
      } else {
        return;
      }
    }
  }
  std::string Name() {
    size_t start = pos_;
    while (pos_ < s_.size() && (absl::ascii_isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == '_' || s_[pos_] == '-' ||
                                s_[pos_] == ':')) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }
  absl::StatusOr<std::string> Decode(absl::string_view raw) const {
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out.push_back(raw[i]);
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == absl::string_view::npos) return Err("unterminated entity");
      absl::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "lt") out.push_back('<');
      else if (ent == "gt") out.push_back('>');
      else if (ent == "amp") out.push_back('&');
      else if (ent == "quot") out.push_back('"');
      else if (ent == "apos") out.push_back('\'');
      else if (!ent.empty() && ent[0] == '#') {
        uint32_t cp = 0;
        bool ok = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')
                      ? absl::SimpleHexAtoi(ent.substr(2), &cp)
                      : absl::SimpleAtoi(ent.substr(1), &cp);
        if (!ok || cp == 0 || cp > 0x10FFFF) return Err(absl::StrCat("bad character reference &", ent, ";"));
        if (cp < 0x80) {
          out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
          out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
      } else {
        return Err(absl::StrCat("unknown entity &", ent, ";"));
      }
      i = semi;
    }
    return out;
  }
  absl::StatusOr<XmlNode> ParseElement(int depth) {
    if (depth > 8) return Err("elements nested too deeply");
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != '<') return Err("expected '<'");
    ++pos_;
    XmlNode node;
    node.name = Name();
    if (node.name.empty()) return Err("expected an element name");
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size()) return Err(absl::StrCat("unterminated <", node.name, ">"));
      if (s_[pos_] == '/') {
        if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != '>') return Err("expected '/>'");
        pos_ += 2;
        return node;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      std::string an = Name();
      if (an.empty()) return Err(absl::StrCat("bad attribute in <", node.name, ">"));
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') return Err(absl::StrCat("expected '=' after ", an));
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return Err(absl::StrCat("attribute ", an, " needs a quoted value"));
      }
      char q = s_[pos_++];
      size_t end = s_.find(q, pos_);
      if (end == absl::string_view::npos) return Err(absl::StrCat("unterminated attribute ", an));
      ASSIGN_OR_RETURN(std::string av, Decode(s_.substr(pos_, end - pos_)));
      pos_ = end + 1;
      node.attrs.emplace_back(std::move(an), std::move(av));
    }
    // Content: text and child elements until </name>.
    std::string raw_text;
    for (;;) {
      if (pos_ >= s_.size()) return Err(absl::StrCat("missing </", node.name, ">"));
      if (absl::StartsWith(s_.substr(pos_), "</")) {
        pos_ += 2;
        std::string close = Name();
        SkipSpace();
        if (close != node.name || pos_ >= s_.size() || s_[pos_] != '>') {
          return Err(absl::StrCat("expected </", node.name, ">"));
        }
        ++pos_;
        break;
      }
      if (absl::StartsWith(s_.substr(pos_), "<!--")) {
        size_t e = s_.find("-->", pos_);
        if (e == absl::string_view::npos) return Err("unterminated comment");
        pos_ = e + 3;
        continue;
      }
      if (s_[pos_] == '<') {
        ASSIGN_OR_RETURN(XmlNode child, ParseElement(depth + 1));
        node.children.push_back(std::move(child));
        if (node.children.size() > 4096) return Err("too many elements");
        continue;
      }
      size_t next = s_.find('<', pos_);
      if (next == absl::string_view::npos) next = s_.size();
      absl::StrAppend(&raw_text, s_.substr(pos_, next - pos_));
      pos_ = next;
    }
    ASSIGN_OR_RETURN(node.text, Decode(raw_text));
    return node;
  }

  absl::string_view s_;
  size_t pos_ = 0;
};

absl::StatusOr<Instance> InstanceFromXml(absl::string_view text, const Schema& schema) {
  XmlReader reader(text);
  ASSIGN_OR_RETURN(XmlNode root, reader.ParseDocument());
  if (!absl::EqualsIgnoreCase(root.name, "INSTANCE")) {
    return Bad(absl::StrCat("CIM-XML: expected <INSTANCE>, found <", root.name, ">"));
  }
  const std::string* cn = root.Attr("CLASSNAME");
  if (cn == nullptr) return Bad("CIM-XML: <INSTANCE> has no CLASSNAME");
  const hv::cim::Class* cls = schema.FindClass(*cn);
  if (cls == nullptr) {
    return Bad(absl::StrCat("class '", *cn, "' does not exist in ", schema.name_space()));
  }
  Instance inst(cls->name());
  for (const XmlNode& p : root.children) {
    if (absl::EqualsIgnoreCase(p.name, "QUALIFIER")) continue;
    const bool is_array = absl::EqualsIgnoreCase(p.name, "PROPERTY.ARRAY");
    if (!is_array && !absl::EqualsIgnoreCase(p.name, "PROPERTY")) {
      return Bad(absl::StrCat("CIM-XML: <", p.name, "> is not supported in an INSTANCE"));
    }
    const std::string* pn = p.Attr("NAME");
    if (pn == nullptr) return Bad(absl::StrCat("CIM-XML: <", p.name, "> has no NAME"));
    const hv::cim::Property* prop = cls->FindProperty(*pn);
    if (prop == nullptr) {
      return Bad(absl::StrCat("class '", cls->name(), "' has no property '", *pn, "'"));
    }
    if (prop->type.is_array != is_array) {
      return Bad(absl::StrCat("property '", prop->name, "' is ",
                              prop->type.is_array ? "an array" : "not an array"));
    }
    if (const std::string* t = p.Attr("TYPE");
        t != nullptr && hv::cim::ParseCimType(*t) != prop->type.type) {
      return Bad(absl::StrCat("property '", prop->name, "' is ", prop->type.ToString(),
                              ", not ", *t));
    }
    hv::cim::FeatureType scalar = prop->type;
    scalar.is_array = false;
    if (!is_array) {
      const XmlNode* v = nullptr;
      for (const XmlNode& c : p.children) {
        if (absl::EqualsIgnoreCase(c.name, "VALUE")) v = &c;
      }
      if (v == nullptr) {
        inst.Set(prop->name, Value::Null(prop->type.type));
        continue;
      }
      absl::StatusOr<Value> val = ValueFromText(scalar, v->text);
      if (!val.ok()) return Bad(absl::StrCat("property '", prop->name, "': ", val.status().message()));
      inst.Set(prop->name, *std::move(val));
      continue;
    }
    std::vector<hv::cim::Scalar> elems;
    for (const XmlNode& c : p.children) {
      if (!absl::EqualsIgnoreCase(c.name, "VALUE.ARRAY")) continue;
      for (const XmlNode& e : c.children) {
        absl::StatusOr<Value> val = ValueFromText(scalar, e.text);
        if (!val.ok()) return Bad(absl::StrCat("property '", prop->name, "': ", val.status().message()));
        elems.push_back(val->scalar());
      }
    }
    inst.Set(prop->name, Value::Array(prop->type.type, std::move(elems)));
  }
  return inst;
}

}  // namespace

absl::StatusOr<Value> ValueFromText(const hv::cim::FeatureType& type, absl::string_view text) {
  absl::string_view t = type.type == CimType::kString ? text : absl::StripAsciiWhitespace(text);
  auto bad = [&](absl::string_view what) {
    return MakeCimError(CimStatusCode::kTypeMismatch,
                        absl::StrCat("'", t, "' is not ", what));
  };
  if (hv::cim::IsUnsignedInt(type.type)) {
    uint64_t v = 0;
    bool ok = absl::StartsWithIgnoreCase(t, "0x") ? absl::SimpleHexAtoi(t.substr(2), &v)
                                                  : absl::SimpleAtoi(t, &v);
    if (!ok || v > hv::cim::IntegerRange(type.type).max) return bad(hv::cim::CimTypeName(type.type));
    return Value::Unsigned(type.type, v);
  }
  if (hv::cim::IsSignedInt(type.type)) {
    int64_t v = 0;
    hv::cim::IntRange r = hv::cim::IntegerRange(type.type);
    if (!absl::SimpleAtoi(t, &v) || v < r.min_signed || (v > 0 && static_cast<uint64_t>(v) > r.max)) {
      return bad(hv::cim::CimTypeName(type.type));
    }
    return Value::Signed(type.type, v);
  }
  switch (type.type) {
    case CimType::kBoolean:
      if (absl::EqualsIgnoreCase(t, "true")) return Value::Boolean(true);
      if (absl::EqualsIgnoreCase(t, "false")) return Value::Boolean(false);
      return bad("a boolean (TRUE or FALSE)");
    case CimType::kReal32:
    case CimType::kReal64: {
      double d = 0;
      if (!absl::SimpleAtod(t, &d)) return bad("a real number");
      return Value::Real(type.type, d);
    }
    case CimType::kChar16:
      if (t.size() != 1) return bad("one character");
      return Value::Char16(static_cast<unsigned char>(t[0]));
    case CimType::kString:
      return Value::String(std::string(t));
    case CimType::kDatetime: {
      absl::StatusOr<hv::cim::DateTime> dt = hv::cim::DateTime::Parse(t);
      if (!dt.ok()) return bad(absl::StrCat("a datetime (", dt.status().message(), ")"));
      return Value::FromDateTime(*dt);
    }
    case CimType::kReference: {
      absl::StatusOr<hv::cim::ObjectPath> p = hv::cim::ObjectPath::Parse(t);
      if (!p.ok()) return bad(absl::StrCat("an object path (", p.status().message(), ")"));
      return Value::Reference(*std::move(p));
    }
    default:
      return bad(hv::cim::CimTypeName(type.type));
  }
}

absl::StatusOr<Instance> ParseEmbeddedInstance(absl::string_view text, const Schema& schema,
                                               absl::string_view required_class) {
  if (text.size() > kMaxEmbeddedInstanceBytes) {
    return MakeCimError(CimStatusCode::kServerLimitsExceeded,
                        absl::StrCat("embedded instance of ", text.size(),
                                     " bytes exceeds the limit of ", kMaxEmbeddedInstanceBytes,
                                     " bytes"));
  }
  absl::string_view body = absl::StripAsciiWhitespace(text);
  Instance inst;
  if (absl::StartsWith(body, "<")) {
    ASSIGN_OR_RETURN(inst, InstanceFromXml(body, schema));
  } else {
    InstanceSink sink(schema);
    absl::Status s = hv::cim::ParseMof("embedded-instance", body, &sink);
    if (!s.ok()) return Bad(absl::StrCat("MOF: ", s.message()));
    if (!sink.got()) return Bad("no 'instance of' in the text");
    inst = std::move(sink.instance());
  }
  if (!required_class.empty() && !schema.IsSubclassOf(inst.class_name(), required_class)) {
    return Bad(absl::StrCat("class '", inst.class_name(), "' is not ", required_class,
                            " or a subclass of it"));
  }
  return inst;
}

}  // namespace hv::vmms::cim
