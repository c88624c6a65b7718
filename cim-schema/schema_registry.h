// The schema registry: every namespace the server serves, in every version
// it serves, loaded once at start-up (from the MOF embedded in the binary, or
// from any MofSource with a manifest) and immutable afterwards. Versions of a
// namespace are ordered oldest first, as listed in the manifest
// (cim-schema/mof/manifest.txt), e.g. root/virtualization: "2008R2-RTM",
// "2008R2-SP1". An empty version argument means the newest.
// Errors carry CIM status codes (cim-schema/cim_status.h):
// CIM_ERR_INVALID_NAMESPACE, CIM_ERR_NOT_FOUND (version), CIM_ERR_INVALID_CLASS.
// Thread-safe after construction (const only).
#ifndef HV_CIM_SCHEMA_SCHEMA_REGISTRY_H_
#define HV_CIM_SCHEMA_SCHEMA_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cim-schema/instance.h"
#include "cim-schema/mof_compiler.h"
#include "cim-schema/mof_source.h"
#include "cim-schema/names.h"
#include "cim-schema/schema.h"

namespace hv::cim {

// One manifest line.
struct SchemaVersionSpec {
  std::string name_space;
  std::string version;
  std::string root_file;  // relative to the manifest
};

// Parses manifest text ("namespace version root-file" per line, '#'
// comments). InvalidArgument names the line.
absl::StatusOr<std::vector<SchemaVersionSpec>> ParseSchemaManifest(absl::string_view text);

class SchemaRegistry {
 public:
  // Loads the embedded project MOF (cim-schema/embedded_mof.h).
  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> LoadEmbedded(
      const MofOptions& options = {});
  // Compiles every spec's root file from `source`; each must define its
  // namespace (via #pragma namespace). Fails on the first MOF error.
  static absl::StatusOr<std::unique_ptr<SchemaRegistry>> Load(
      MofSource* source, const std::vector<SchemaVersionSpec>& specs,
      const MofOptions& options = {});

  // Namespace names in manifest order.
  std::vector<std::string> Namespaces() const;
  // Version names of a namespace, oldest first (empty for an unknown one).
  std::vector<std::string> Versions(absl::string_view name_space) const;
  absl::StatusOr<std::string> NewestVersion(absl::string_view name_space) const;

  absl::StatusOr<const Schema*> Get(absl::string_view name_space,
                                    absl::string_view version = "") const;
  // The resolved class (inherited features included), case-insensitive.
  absl::StatusOr<const Class*> GetClass(absl::string_view name_space, absl::string_view version,
                                        absl::string_view class_name) const;
  absl::StatusOr<std::vector<const Class*>> Subclasses(absl::string_view name_space,
                                                       absl::string_view version,
                                                       absl::string_view class_name,
                                                       bool deep) const;
  // The instance as a client of an older (or other) version sees it: only
  // the properties that version's class has, spelled as that class spells
  // them. CIM_ERR_INVALID_CLASS when the class does not exist there.
  absl::StatusOr<Instance> ProjectInstance(const Instance& instance, absl::string_view name_space,
                                           absl::string_view version) const;

 private:
  struct Entry {
    std::string version;
    std::unique_ptr<Schema> schema;
  };
  struct NamespaceEntry {
    std::string name;
    std::vector<Entry> versions;  // oldest first
  };
  const NamespaceEntry* FindNamespace(absl::string_view name_space) const;

  std::vector<NamespaceEntry> namespaces_;
  CiMap<size_t> index_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_SCHEMA_REGISTRY_H_
