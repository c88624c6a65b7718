#include "cim-schema/mof_lexer.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/charconv.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/names.h"

namespace hv::cim {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends code point cp as UTF-8.
void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one escape starting after the backslash at raw[i]; returns the
// code point and advances i, or -1 when malformed.
int64_t DecodeEscape(absl::string_view raw, size_t* i) {
  if (*i >= raw.size()) return -1;
  char c = raw[(*i)++];
  switch (c) {
    case 'b': return '\b';
    case 't': return '\t';
    case 'n': return '\n';
    case 'f': return '\f';
    case 'r': return '\r';
    case '"': return '"';
    case '\'': return '\'';
    case '\\': return '\\';
    case 'x':
    case 'X': {
      uint32_t v = 0;
      int digits = 0;
      while (*i < raw.size() && digits < 4 && HexVal(raw[*i]) >= 0) {
        v = v * 16 + HexVal(raw[(*i)++]);
        ++digits;
      }
      return digits == 0 ? -1 : static_cast<int64_t>(v);
    }
    default: return -1;
  }
}

}  // namespace

LineCol MofLexer::Locate(absl::string_view src, size_t offset) {
  LineCol lc{1, 1};
  if (offset > src.size()) offset = src.size();
  for (size_t i = 0; i < offset; ++i) {
    if (src[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

bool MofLexer::Unescape(absl::string_view raw, std::string* out, size_t* bad_offset) {
  size_t i = 0;
  while (i < raw.size()) {
    size_t bs = raw.find('\\', i);
    if (bs == absl::string_view::npos) {
      out->append(raw.data() + i, raw.size() - i);
      return true;
    }
    out->append(raw.data() + i, bs - i);
    i = bs + 1;
    int64_t cp = DecodeEscape(raw, &i);
    if (cp < 0) {
      *bad_offset = bs;
      return false;
    }
    AppendUtf8(out, static_cast<uint32_t>(cp));
  }
  return true;
}

void MofLexer::Fail(MofToken* tok, size_t at, std::string msg) {
  failed_ = true;
  fail_offset_ = at;
  error_ = std::move(msg);
  tok->kind = MofTok::kError;
  tok->offset = static_cast<uint32_t>(at);
}

void MofLexer::SkipSpaceAndComments() {
  const size_t n = src_.size();
  while (pos_ < n) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < n && src_[pos_ + 1] == '/') {
      size_t nl = src_.find('\n', pos_ + 2);
      pos_ = nl == absl::string_view::npos ? n : nl + 1;
    } else if (c == '/' && pos_ + 1 < n && src_[pos_ + 1] == '*') {
      size_t end = src_.find("*/", pos_ + 2);
      if (end == absl::string_view::npos) return;  // reported by Next()
      pos_ = end + 2;
    } else {
      return;
    }
  }
}

void MofLexer::Next(MofToken* tok) {
  if (failed_) {
    tok->kind = MofTok::kError;
    tok->offset = static_cast<uint32_t>(fail_offset_);
    return;
  }
  SkipSpaceAndComments();
  tok->offset = static_cast<uint32_t>(pos_);
  tok->has_escapes = false;
  tok->negative = false;
  if (pos_ >= src_.size()) {
    tok->kind = MofTok::kEnd;
    tok->text = {};
    return;
  }
  const char c = src_[pos_];
  if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '*') {
    return Fail(tok, pos_, "unterminated comment (expected '*/')");
  }
  if (IsIdentifierStart(c)) {
    size_t b = pos_;
    while (pos_ < src_.size() && IsIdentifierChar(src_[pos_])) ++pos_;
    tok->kind = MofTok::kIdent;
    tok->text = src_.substr(b, pos_ - b);
    return;
  }
  if (absl::ascii_isdigit(c) || ((c == '-' || c == '+' || c == '.') && pos_ + 1 < src_.size() &&
                                 (absl::ascii_isdigit(src_[pos_ + 1]) || src_[pos_ + 1] == '.'))) {
    return LexNumber(tok);
  }
  switch (c) {
    case '"': return LexString(tok);
    case '\'': return LexChar(tok);
    case '$': {
      size_t b = ++pos_;
      while (pos_ < src_.size() && IsIdentifierChar(src_[pos_])) ++pos_;
      if (pos_ == b) return Fail(tok, b - 1, "expected an alias name after '$'");
      tok->kind = MofTok::kAlias;
      tok->text = src_.substr(b, pos_ - b);
      return;
    }
    case '#': {
      size_t b = ++pos_;
      while (pos_ < src_.size() && IsIdentifierChar(src_[pos_])) ++pos_;
      absl::string_view word = src_.substr(b, pos_ - b);
      if (word.size() != 6 || (word != "pragma" && word != "PRAGMA" && word != "Pragma")) {
        return Fail(tok, b - 1, "expected '#pragma'");
      }
      tok->kind = MofTok::kPragma;
      tok->text = word;
      return;
    }
    case '{': tok->kind = MofTok::kLBrace; break;
    case '}': tok->kind = MofTok::kRBrace; break;
    case '(': tok->kind = MofTok::kLParen; break;
    case ')': tok->kind = MofTok::kRParen; break;
    case '[': tok->kind = MofTok::kLBracket; break;
    case ']': tok->kind = MofTok::kRBracket; break;
    case ';': tok->kind = MofTok::kSemi; break;
    case ',': tok->kind = MofTok::kComma; break;
    case ':': tok->kind = MofTok::kColon; break;
    case '=': tok->kind = MofTok::kEquals; break;
    default:
      return Fail(tok, pos_,
                  absl::StrCat("unexpected character '",
                               (static_cast<unsigned char>(c) < 0x20 ? std::string("?")
                                                                      : std::string(1, c)),
                               "'"));
  }
  tok->text = src_.substr(pos_, 1);
  ++pos_;
}

void MofLexer::LexString(MofToken* tok) {
  const size_t open = pos_++;
  const size_t b = pos_;
  bool escapes = false;
  for (;;) {
    size_t q = src_.find_first_of("\"\\\n", pos_);
    if (q == absl::string_view::npos || src_[q] == '\n') {
      return Fail(tok, open, "unterminated string literal (expected '\"' before end of line)");
    }
    if (src_[q] == '"') {
      pos_ = q + 1;
      tok->kind = MofTok::kString;
      tok->text = src_.substr(b, q - b);
      tok->has_escapes = escapes;
      return;
    }
    escapes = true;
    pos_ = q + 2;  // skip the escaped character (validated by Unescape)
    if (pos_ > src_.size()) return Fail(tok, open, "unterminated string literal");
  }
}

void MofLexer::LexChar(MofToken* tok) {
  const size_t open = pos_++;
  if (pos_ >= src_.size()) return Fail(tok, open, "unterminated char literal");
  int64_t cp;
  if (src_[pos_] == '\\') {
    size_t i = pos_ + 1;
    cp = DecodeEscape(src_, &i);
    if (cp < 0) return Fail(tok, pos_, "malformed escape in char literal");
    pos_ = i;
  } else {
    cp = static_cast<unsigned char>(src_[pos_++]);
  }
  if (pos_ >= src_.size() || src_[pos_] != '\'') {
    return Fail(tok, open, "expected ''' to close the char literal");
  }
  ++pos_;
  tok->kind = MofTok::kChar;
  tok->int_value = static_cast<uint64_t>(cp);
  tok->text = src_.substr(open, pos_ - open);
}

void MofLexer::LexNumber(MofToken* tok) {
  const size_t b = pos_;
  size_t i = pos_;
  bool neg = false;
  if (src_[i] == '-' || src_[i] == '+') neg = src_[i++] == '-';
  size_t e = i;
  while (e < src_.size() &&
         (IsIdentifierChar(src_[e]) || src_[e] == '.' ||
          ((src_[e] == '+' || src_[e] == '-') && (src_[e - 1] == 'e' || src_[e - 1] == 'E')))) {
    ++e;
  }
  absl::string_view body = src_.substr(i, e - i);
  pos_ = e;
  tok->text = src_.substr(b, e - b);
  tok->negative = neg;
  auto bad = [&](absl::string_view what) {
    Fail(tok, b, absl::StrCat("malformed number '", tok->text, "': ", what));
  };
  const bool hex = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  if (!hex && body.find_first_of(".eE") != absl::string_view::npos) {
    double d;
    auto r = absl::from_chars(body.data(), body.data() + body.size(), d);
    if (r.ec != std::errc() || r.ptr != body.data() + body.size() || !std::isfinite(d)) {
      return bad("expected a real number like 1.5 or 2.0E3");
    }
    tok->kind = MofTok::kReal;
    tok->real_value = neg ? -d : d;
    return;
  }
  int base = 10;
  absl::string_view digits = body;
  if (hex) {
    base = 16;
    digits = body.substr(2);
  } else if (!body.empty() && (body.back() == 'b' || body.back() == 'B')) {
    base = 2;
    digits = body.substr(0, body.size() - 1);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8;
    digits = body.substr(1);
  }
  if (digits.empty()) return bad("no digits");
  uint64_t v = 0;
  for (char d : digits) {
    int x = HexVal(d);
    if (x < 0 || x >= base) return bad(absl::StrCat("digit '", std::string(1, d),
                                                    "' is not valid in base ", base));
    if (v > (UINT64_MAX - static_cast<uint64_t>(x)) / static_cast<uint64_t>(base)) {
      return bad("does not fit in 64 bits");
    }
    v = v * base + x;
  }
  tok->kind = MofTok::kInt;
  tok->int_value = v;
}

}  // namespace hv::cim
