// Writes classes and qualifier declarations back as MOF text (what the
// provider returns for GetClass-as-MOF, and what tools use to dump a
// schema). Only what the class itself declares is written: features with
// propagated == false and their non-propagated qualifiers, so the output
// compiles back (superclass first) to the same resolved class.
// Thread-compatible (pure functions).
#ifndef HV_CIM_SCHEMA_MOF_WRITER_H_
#define HV_CIM_SCHEMA_MOF_WRITER_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "cim-schema/cim_class.h"
#include "cim-schema/instance.h"
#include "cim-schema/names.h"
#include "cim-schema/qualifier.h"

namespace hv::cim {

struct MofWriteOptions {
  // Qualifiers left out of the output (e.g. {"Description"}); empty keeps all.
  CiSet skip_qualifiers;
};

std::string QualifierDeclToMof(const QualifierDecl& decl);
std::string ClassToMof(const Class& cls, const MofWriteOptions& options = {});
std::string InstanceToMof(const Instance& instance);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_MOF_WRITER_H_
