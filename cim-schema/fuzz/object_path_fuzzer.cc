// libFuzzer target: the object-path parser (both forms) on arbitrary text;
// parsed paths are printed in both forms and parsed again. Must never crash
// or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cim-schema/object_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hv::cim::ObjectPath;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (auto parse : {&ObjectPath::Parse, &ObjectPath::ParseWbemUri, &ObjectPath::ParseWmi}) {
    absl::StatusOr<ObjectPath> p = parse(text, {});
    if (!p.ok()) continue;
    (void)ObjectPath::Parse(p->ToWbemUri());
    (void)ObjectPath::Parse(p->ToWmi());
    (void)(*p == *p);
  }
  return 0;
}
