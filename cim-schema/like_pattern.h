// WQL LIKE patterns (cim.md §4): '%' any run of characters, '_' one
// character, '[abc]' / '[a-f]' one character of a set or range, '[^...]'
// one character not in it; everything else literal ('[%]' matches '%').
// Matching is ASCII case-insensitive like WMI string comparison, byte-wise,
// and O(len(text) * len(pattern)) worst case (no exponential backtracking).
// Thread-compatible value type.
#ifndef HV_CIM_SCHEMA_LIKE_PATTERN_H_
#define HV_CIM_SCHEMA_LIKE_PATTERN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hv::cim {

class LikePattern {
 public:
  // Fails (InvalidArgument with the 1-based position) on an unterminated '['
  // or an empty set.
  static absl::StatusOr<LikePattern> Compile(absl::string_view pattern);
  bool Matches(absl::string_view text) const;

 private:
  struct Elem {
    enum Kind { kAny, kOne, kChar, kSet } kind;
    char c = 0;                                 // kChar (lowercased)
    bool negated = false;                       // kSet
    std::vector<std::pair<char, char>> ranges;  // kSet (lowercased)
  };
  bool ElemMatches(const Elem& e, char c) const;
  std::vector<Elem> elems_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_LIKE_PATTERN_H_
