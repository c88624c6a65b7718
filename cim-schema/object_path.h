// CIM object paths (instance and class names), parsed from and printed in
// both textual forms:
//   WBEM URI (DSP0207, untyped):  [http[s]:]//host[:port]/root/virtualization/v2:
//                                 Msvm_ComputerSystem.CreationClassName="Msvm_ComputerSystem",Name="X"
//   WMI (MS-WMI 2.2.2):           \\Server\root\virtualization\v2:Cls.K="v"  and singletons Cls=@
// Key values: quoted strings (\" and \\ escapes), bare numbers, TRUE/FALSE,
// and REF keys as a quoted nested path. Untyped text cannot tell a REF key
// from a string that looks like a path; a quoted value that parses as an
// instance path with keys is taken as a reference.
// Value type, thread-compatible.
#ifndef HV_CIM_SCHEMA_OBJECT_PATH_H_
#define HV_CIM_SCHEMA_OBJECT_PATH_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "cim-schema/value.h"

namespace hv::cim {

struct KeyBinding {
  std::string name;
  Value value;
};

struct ObjectPathLimits {
  size_t max_length = 64 * 1024;  // longer text is rejected
  int max_depth = 8;              // nesting of REF keys
};

class ObjectPath {
 public:
  std::string scheme;      // "http"/"https" when the URI had one, else empty
  std::string host;        // "host[:port]", "." for the WMI local server, or empty
  std::string name_space;  // '/'-separated ("root/virtualization/v2"), or empty
  std::string class_name;
  std::vector<KeyBinding> keys;  // in the order given
  bool singleton = false;        // WMI "Cls=@"

  bool IsClassPath() const { return keys.empty() && !singleton; }
  // The key binding named `name` (case-insensitive), or nullptr.
  const Value* FindKey(absl::string_view name) const;
  // Adds or replaces a key binding.
  void SetKey(std::string name, Value value);

  // Parses either form: text starting with "\\" or using '\' namespace
  // separators is WMI, anything else a WBEM URI. Errors (InvalidArgument)
  // name the 1-based character position and what was expected.
  static absl::StatusOr<ObjectPath> Parse(absl::string_view text, const ObjectPathLimits& limits = {});
  static absl::StatusOr<ObjectPath> ParseWbemUri(absl::string_view text,
                                                 const ObjectPathLimits& limits = {});
  static absl::StatusOr<ObjectPath> ParseWmi(absl::string_view text,
                                             const ObjectPathLimits& limits = {});

  // "//host/ns:Cls.K=\"v\"" (scheme kept when set; "/ns:..." without host;
  // "Cls..." without namespace).
  std::string ToWbemUri() const;
  // "\\host\ns:Cls.K=\"v\"" ("\\.\" when the host is empty and a namespace is
  // set), singletons as "Cls=@".
  std::string ToWmi() const;

  // Names, host and namespace compare case-insensitively; key order does not
  // matter; key values compare exactly.
  friend bool operator==(const ObjectPath& a, const ObjectPath& b);
  friend bool operator!=(const ObjectPath& a, const ObjectPath& b) { return !(a == b); }
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_OBJECT_PATH_H_
