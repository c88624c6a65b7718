#include "cim-schema/like_pattern.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/names.h"

namespace hv::cim {

absl::StatusOr<LikePattern> LikePattern::Compile(absl::string_view p) {
  LikePattern out;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '%') {
      if (out.elems_.empty() || out.elems_.back().kind != Elem::kAny) {
        out.elems_.push_back({Elem::kAny});
      }
    } else if (c == '_') {
      out.elems_.push_back({Elem::kOne});
    } else if (c == '[') {
      Elem e{Elem::kSet};
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') e.negated = true, ++j;
      // A ']' right after '[' or '[^' is a member, not the end.
      if (j < p.size() && p[j] == ']') e.ranges.push_back({']', ']'}), ++j;
      while (j < p.size() && p[j] != ']') {
        char lo = LowerAscii(p[j]);
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          char hi = LowerAscii(p[j + 2]);
          if (hi < lo) std::swap(lo, hi);
          e.ranges.push_back({lo, hi});
          j += 3;
        } else {
          e.ranges.push_back({lo, lo});
          ++j;
        }
      }
      if (j >= p.size()) {
        return absl::InvalidArgumentError(absl::StrCat("LIKE pattern: position ", i + 1,
                                                       ": unterminated '[' (expected ']')"));
      }
      if (e.ranges.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("LIKE pattern: position ", i + 1,
                                                       ": empty character set"));
      }
      out.elems_.push_back(std::move(e));
      i = j;
    } else {
      Elem e{Elem::kChar};
      e.c = LowerAscii(c);
      out.elems_.push_back(std::move(e));
    }
  }
  return out;
}

bool LikePattern::ElemMatches(const Elem& e, char c) const {
  switch (e.kind) {
    case Elem::kOne: return true;
    case Elem::kChar: return e.c == LowerAscii(c);
    case Elem::kSet: {
      const char lc = LowerAscii(c);
      bool in = false;
      for (const auto& [lo, hi] : e.ranges) {
        if (lc >= lo && lc <= hi) {
          in = true;
          break;
        }
      }
      return in != e.negated;
    }
    case Elem::kAny: return false;
  }
  return false;
}

bool LikePattern::Matches(absl::string_view s) const {
  // Classic single-star backtracking: only the most recent '%' is retried,
  // which is complete because every other element matches one character.
  size_t si = 0, pi = 0;
  size_t star_pi = std::string::npos, star_si = 0;
  const size_t n = elems_.size();
  while (si < s.size()) {
    if (pi < n && elems_[pi].kind == Elem::kAny) {
      star_pi = pi++;
      star_si = si;
    } else if (pi < n && ElemMatches(elems_[pi], s[si])) {
      ++si;
      ++pi;
    } else if (star_pi != std::string::npos) {
      pi = star_pi + 1;
      si = ++star_si;
    } else {
      return false;
    }
  }
  while (pi < n && elems_[pi].kind == Elem::kAny) ++pi;
  return pi == n;
}

}  // namespace hv::cim
