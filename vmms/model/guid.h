// Random (version 4) GUIDs in Hyper-V's upper-case form, e.g.
// "4B3C1B38-7E1A-4C2B-9E62-0A4F2C9D1E7F". Thread-safe.
#ifndef HV_VMMS_MODEL_GUID_H_
#define HV_VMMS_MODEL_GUID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hv::vmms {

std::string NewGuid();
// True for 8-4-4-4-12 hex digits (either case).
bool IsGuid(absl::string_view s);

}  // namespace hv::vmms

#endif  // HV_VMMS_MODEL_GUID_H_
