// Infers method renames between two versions of a class (cim.md table:
// "class or method renamed (ModifyVirtualSystemResources ->
// ModifyResourceSettings): BREAKING"). A removed and an added method pair up
// when they start with the same verb and share enough CamelCase words
// (Jaccard similarity >= 0.3 over words, plural 's' ignored); pairs are
// chosen best score first, each method used once. Pure functions.
#ifndef HV_CIM_SCHEMA_METHOD_RENAME_H_
#define HV_CIM_SCHEMA_METHOD_RENAME_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cim-schema/cim_class.h"

namespace hv::cim {

struct MethodRename {
  const Method* old_method;
  const Method* new_method;  // nullptr: removed without a match
};

// Lowercased CamelCase words, trailing plural 's' dropped ("AddResourceSettings"
// -> add, resource, setting).
std::vector<std::string> NameWords(absl::string_view name);
// Similarity of two method names in [0, 1]; 0 when the first words differ.
double RenameScore(absl::string_view old_name, absl::string_view new_name);

// One entry per removed method, in `removed` order.
std::vector<MethodRename> PairRenamedMethods(const std::vector<const Method*>& removed,
                                             const std::vector<const Method*>& added);
bool IsRenameTarget(const std::vector<MethodRename>& pairs, const Method* m);

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_METHOD_RENAME_H_
