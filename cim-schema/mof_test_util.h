// Test helper: compiles MOF text (with a standard set of qualifier
// declarations prepended) into one schema. Test-only.
#ifndef HV_CIM_SCHEMA_MOF_TEST_UTIL_H_
#define HV_CIM_SCHEMA_MOF_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "cim-schema/mof_compiler.h"

namespace hv::cim::testing {

inline constexpr char kTestQualifiers[] = R"(
Qualifier Association : boolean = false, Scope(association), Flavor(DisableOverride, ToSubclass);
Qualifier Indication : boolean = false, Scope(class, indication), Flavor(DisableOverride, ToSubclass);
Qualifier Abstract : boolean = false, Scope(class, association, indication), Flavor(EnableOverride, Restricted);
Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);
Qualifier Required : boolean = false, Scope(property, reference, method, parameter), Flavor(DisableOverride, ToSubclass);
Qualifier Write : boolean = false, Scope(property), Flavor(EnableOverride, ToSubclass);
Qualifier Version : string = null, Scope(class, association, indication), Flavor(EnableOverride, Restricted, Translatable);
Qualifier Experimental : boolean = false, Scope(any), Flavor(EnableOverride, Restricted);
Qualifier Deprecated : string[], Scope(any), Flavor(EnableOverride, Restricted);
Qualifier Description : string = null, Scope(any), Flavor(EnableOverride, ToSubclass, Translatable);
Qualifier Override : string = null, Scope(property, reference, method), Flavor(EnableOverride, Restricted);
Qualifier In : boolean = true, Scope(parameter), Flavor(DisableOverride, ToSubclass);
Qualifier Out : boolean = false, Scope(parameter), Flavor(DisableOverride, ToSubclass);
Qualifier ValueMap : string[], Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass);
Qualifier Values : string[], Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass, Translatable);
Qualifier Units : string = null, Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass, Translatable);
Qualifier PUnit : string = null, Scope(property, method, parameter), Flavor(EnableOverride, ToSubclass);
Qualifier EmbeddedInstance : string = null, Scope(property, method, parameter);
Qualifier Max : uint32 = null, Scope(reference), Flavor(EnableOverride, ToSubclass);
Qualifier Min : uint32 = 0, Scope(reference), Flavor(EnableOverride, ToSubclass);
Qualifier MaxValue : sint64 = null, Scope(property, method, parameter);
)";

// Compiles kTestQualifiers + `mof` into namespace `ns` (the default).
inline absl::StatusOr<std::unique_ptr<Schema>> CompileTestMof(const std::string& mof,
                                                              const std::string& ns = "root/test") {
  SchemaSet set;
  MemoryMofSource source({});
  MofOptions opt;
  opt.default_namespace = ns;
  MofCompiler compiler(&source, &set, opt);
  absl::Status s = compiler.CompileText("test.mof", absl::StrCat(kTestQualifiers, mof));
  if (!s.ok()) return s;
  return set.Take(ns);
}

}  // namespace hv::cim::testing

#endif  // HV_CIM_SCHEMA_MOF_TEST_UTIL_H_
