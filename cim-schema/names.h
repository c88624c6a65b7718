// Case-insensitive CIM names (DSP0004: class, property, method, parameter and
// qualifier names compare case-insensitively but keep the case they were
// declared with). CiMap is a hash map whose lookups hash the ASCII-lowercased
// key without allocating (heterogeneous string_view lookup).
// Thread-compatible: no shared state.
#ifndef HV_CIM_SCHEMA_NAMES_H_
#define HV_CIM_SCHEMA_NAMES_H_

#include <cstddef>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace hv::cim {

// ASCII-only lowering; CIM identifiers are ASCII (DSP0004 IDENTIFIER).
inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// DSP0004 IDENTIFIER characters: an identifier starts with an ASCII letter,
// '_' or any non-ASCII byte (UTF-8 text) and continues with those or a digit.
inline bool IsIdentifierStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
inline bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

// True when a and b are equal ignoring ASCII case.
bool CiEquals(absl::string_view a, absl::string_view b);

// Lowercased copy of s.
std::string CiLower(absl::string_view s);

// Hash of the lowercased text (FNV-1a mixed by absl), usable with string_view.
struct CiHash {
  using is_transparent = void;
  size_t operator()(absl::string_view s) const;
};

struct CiEq {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const { return CiEquals(a, b); }
};

// Map from a case-insensitive name to V. Keys keep their original spelling.
template <typename V>
using CiMap = absl::flat_hash_map<std::string, V, CiHash, CiEq>;
using CiSet = absl::flat_hash_set<std::string, CiHash, CiEq>;

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_NAMES_H_
