// The project's MOF files (cim-schema/mof/, incl. manifest.txt), embedded in
// the binary at build time by cim-schema/embed_mof.cmake. Paths are relative
// to cim-schema/mof/ ("virtualization-v2/schema.mof"). Immutable static data;
// thread-safe.
#ifndef HV_CIM_SCHEMA_EMBEDDED_MOF_H_
#define HV_CIM_SCHEMA_EMBEDDED_MOF_H_

#include "absl/types/span.h"

namespace hv::cim {

struct EmbeddedMofFile {
  const char* path;
  const char* text;
};

absl::Span<const EmbeddedMofFile> EmbeddedMofFiles();

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_EMBEDDED_MOF_H_
