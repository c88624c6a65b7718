// Tokenizer for MOF (DSP0004 v2 syntax, cim.md §2): identifiers (keywords
// are recognised by the parser, case-insensitively), string and char
// literals with C escapes, integers (decimal, 0x hex, 101B binary, 0-prefixed
// octal, with sign), reals, $aliases, #pragma, punctuation, and // and /* */
// comments. Tokens point into the source buffer (no copies); string tokens
// keep the raw text between the quotes and are unescaped on demand.
// Thread-compatible; one lexer per buffer.
#ifndef HV_CIM_SCHEMA_MOF_LEXER_H_
#define HV_CIM_SCHEMA_MOF_LEXER_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace hv::cim {

enum class MofTok : uint8_t {
  kEnd,
  kIdent,
  kString,  // text = raw characters between the quotes
  kChar,    // int_value = code point
  kInt,     // int_value = magnitude, negative = sign
  kReal,    // real_value
  kAlias,   // "$name"; text = name
  kPragma,  // "#pragma"
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kSemi,
  kComma,
  kColon,
  kEquals,
  kError,  // error() describes it; offset is where it starts
};

struct MofToken {
  MofTok kind = MofTok::kEnd;
  uint32_t offset = 0;
  absl::string_view text;
  bool has_escapes = false;  // kString: contains a backslash
  bool negative = false;
  uint64_t int_value = 0;
  double real_value = 0;
};

struct LineCol {
  int line;
  int column;
};

class MofLexer {
 public:
  explicit MofLexer(absl::string_view src) : src_(src) {}

  // Scans the next token into *tok. On malformed input returns a kError
  // token (and keeps returning it); error() says what was expected.
  void Next(MofToken* tok);
  const std::string& error() const { return error_; }

  // 1-based line and column of a byte offset.
  static LineCol Locate(absl::string_view src, size_t offset);

  // Appends the unescaped form of raw string-literal text to *out. Returns
  // false (with *bad_offset relative to raw) on a malformed escape.
  static bool Unescape(absl::string_view raw, std::string* out, size_t* bad_offset);

 private:
  void SkipSpaceAndComments();
  void LexNumber(MofToken* tok);
  void LexString(MofToken* tok);
  void LexChar(MofToken* tok);
  void Fail(MofToken* tok, size_t at, std::string msg);

  absl::string_view src_;
  size_t pos_ = 0;
  bool failed_ = false;
  size_t fail_offset_ = 0;
  std::string error_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_MOF_LEXER_H_
