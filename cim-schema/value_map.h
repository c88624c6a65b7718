// ValueMap/Values pairs of an element (DSP0004: ValueMap strings with ".."
// ranges, Values texts by position; Values alone are indexed from 0), and the
// comparison the schema diff needs. Thread-compatible.
#ifndef HV_CIM_SCHEMA_VALUE_MAP_H_
#define HV_CIM_SCHEMA_VALUE_MAP_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cim-schema/qualifier.h"

namespace hv::cim {

struct ValueMapEntry {
  std::string value;  // "4", "..", "32768..65535", "0x8000.."
  std::string text;   // the matching Values entry, or ""
};

// The entries of `quals` (empty when it has neither ValueMap nor Values).
std::vector<ValueMapEntry> GetValueMap(const QualifierList& quals);

// True when `entry` is a range ("a..b", "a..", "..b" or "..") that contains
// the integer `value`; ".." alone (DMTF Reserved) covers any value not listed
// elsewhere, which the caller decides.
bool RangeCovers(absl::string_view entry, absl::string_view value);
bool IsRange(absl::string_view entry);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_VALUE_MAP_H_
