// Compatibility diff between two loaded schemas (old -> new), classifying
// every change by the table at the end of cim.md ("Schema-diff rules"):
//   compatible  class/property/method/optional parameter added, ancestor
//               inserted, ValueMap value added, property moved up
//   warning     Deprecated added, Description/Values text, default value,
//               Version bump
//   info        any change to an element marked Experimental (allowed)
//   BREAKING    removals, renames (method renames are inferred by name
//               similarity), superclass moves, type / array / REF target
//               changes, parameter list or In/Out changes, Key or Required
//               changes, ValueMap values removed or renumbered, Abstract
//               added, Write removed, Association/Indication flipped,
//               EmbeddedInstance or Units/PUnit changes, Max lowered / Min
//               raised on references
//   VERSIONING-ERROR  a class with a BREAKING change whose Version got no
//               major bump, or any Version lowered
// Inherited features are reported once, at the class that declares them.
// Input is any Schema, so MOF files, directories or (later) a live
// namespace all diff the same way. Thread-compatible (pure function).
#ifndef HV_CIM_SCHEMA_SCHEMA_DIFF_H_
#define HV_CIM_SCHEMA_SCHEMA_DIFF_H_

#include <string>
#include <vector>

#include "cim-schema/schema.h"

namespace hv::cim {

enum class DiffVerdict { kInfo, kCompatible, kWarning, kBreaking, kVersioningError };

// "info", "compatible", "warning", "BREAKING", "VERSIONING-ERROR".
const char* DiffVerdictName(DiffVerdict v);

struct SchemaChange {
  DiffVerdict verdict;
  std::string element;  // "Class", "Class.Property", "Class.Method(Param)", ...
  std::string what;     // the change, e.g. "method renamed to DefineSystem (inferred)"
};

struct SchemaDiff {
  std::vector<SchemaChange> changes;

  // True when any change is BREAKING or VERSIONING-ERROR.
  bool HasBreaking() const;
  size_t Count(DiffVerdict v) const;
  // One line per change ("BREAKING          Element: what"), then a summary line.
  std::string ToText() const;
};

SchemaDiff DiffSchemas(const Schema& old_schema, const Schema& new_schema);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_SCHEMA_DIFF_H_
