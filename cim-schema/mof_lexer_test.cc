#include "cim-schema/mof_lexer.h"

#include <vector>

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

std::vector<MofToken> Lex(absl::string_view src, std::string* error = nullptr) {
  MofLexer lexer(src);
  std::vector<MofToken> out;
  for (;;) {
    MofToken t;
    lexer.Next(&t);
    out.push_back(t);
    if (t.kind == MofTok::kEnd || t.kind == MofTok::kError) break;
  }
  if (error) *error = lexer.error();
  return out;
}

TEST(MofLexer, EveryLiteralKind) {
  auto t = Lex("42 -7 0x1F 101B 017 1.5 -2.5E3 'c' '\\n' \"s\\\"x\" $a TRUE");
  ASSERT_EQ(t.size(), 13u);
  EXPECT_EQ(t[0].int_value, 42u);
  EXPECT_TRUE(t[1].negative);
  EXPECT_EQ(t[1].int_value, 7u);
  EXPECT_EQ(t[2].int_value, 31u);
  EXPECT_EQ(t[3].int_value, 5u);
  EXPECT_EQ(t[4].int_value, 15u);
  EXPECT_EQ(t[5].kind, MofTok::kReal);
  EXPECT_DOUBLE_EQ(t[6].real_value, -2500.0);
  EXPECT_EQ(t[7].kind, MofTok::kChar);
  EXPECT_EQ(t[7].int_value, static_cast<uint64_t>('c'));
  EXPECT_EQ(t[8].int_value, static_cast<uint64_t>('\n'));
  EXPECT_EQ(t[9].kind, MofTok::kString);
  EXPECT_TRUE(t[9].has_escapes);
  EXPECT_EQ(t[10].kind, MofTok::kAlias);
  EXPECT_EQ(t[10].text, "a");
  EXPECT_EQ(t[11].kind, MofTok::kIdent);
}

TEST(MofLexer, CommentsAndPunctuation) {
  auto t = Lex("// line\n/* block\n */ #pragma { } ( ) [ ] ; , : =");
  ASSERT_EQ(t.size(), 12u);
  EXPECT_EQ(t[0].kind, MofTok::kPragma);
  EXPECT_EQ(t[10].kind, MofTok::kEquals);
}

TEST(MofLexer, Unescape) {
  std::string out;
  size_t bad = 0;
  ASSERT_TRUE(MofLexer::Unescape("a\\tb\\x41\\\\", &out, &bad));
  EXPECT_EQ(out, "a\tbA\\");
  out.clear();
  EXPECT_FALSE(MofLexer::Unescape("ab\\q", &out, &bad));
  EXPECT_EQ(bad, 2u);
}

TEST(MofLexer, ErrorsAreReportedNotCrashed) {
  std::string err;
  EXPECT_EQ(Lex("\"unterminated", &err).back().kind, MofTok::kError);
  EXPECT_NE(err.find("unterminated string"), std::string::npos);
  EXPECT_EQ(Lex("/* open", &err).back().kind, MofTok::kError);
  EXPECT_EQ(Lex("0x", &err).back().kind, MofTok::kError);
  EXPECT_EQ(Lex("99999999999999999999999", &err).back().kind, MofTok::kError);
  EXPECT_NE(err.find("64 bits"), std::string::npos);
  EXPECT_EQ(Lex("123B", &err).back().kind, MofTok::kError);
  EXPECT_EQ(Lex("@", &err).back().kind, MofTok::kError);
  EXPECT_EQ(Lex("#include", &err).back().kind, MofTok::kError);
  LineCol lc = MofLexer::Locate("ab\ncd", 4);
  EXPECT_EQ(lc.line, 2);
  EXPECT_EQ(lc.column, 2);
}

}  // namespace
}  // namespace hv::cim
