// The CIM object manager: the intrinsic operations of DSP0200 (cim.md §5)
// over the schema registry and the class providers, independent of the
// transport (the gRPC adapter is vmms/service/cim_service.h).
//  - Each call resolves its context: the namespace, and the schema version
//    the client pinned ("cim-schema" = "<namespace>@<version>[,...]") or the
//    namespace's newest.
//  - Instances come from the provider of their class, are completed with
//    class defaults and their path, projected to the pinned version
//    (properties it does not know are absent), then reduced by
//    DeepInheritance and PropertyList (cim.md rule 7).
//  - Associators/References and WQL ASSOCIATORS OF / REFERENCES OF share one
//    implementation (rule 11).
//  - InvokeMethod types every argument against the pinned class's method
//    (rule 3) and decodes EmbeddedInstance arguments (MOF or CIM-XML).
//  - ModifyInstance changes only properties qualified Write, through the
//    class's provider (ClassProvider::Modify), which stores them durably
//    through the domain or refuses them by name (CIM_ERR_NOT_SUPPORTED);
//    a changed read-only property is refused; either way nothing changes
//    (rule 5). Nothing is kept in memory only.
// Every error carries a CIM status code (cim-schema/cim_status.h) and a
// description naming the object. Thread-safe.
#ifndef HV_VMMS_CIM_OBJECT_MANAGER_H_
#define HV_VMMS_CIM_OBJECT_MANAGER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cim-schema/names.h"
#include "cim-schema/schema_registry.h"
#include "vmms/cim/class_provider.h"

namespace hv::vmms::cim {

// An instance as served: its path (namespace set) and its properties.
struct ServedInstance {
  hv::cim::ObjectPath path;
  hv::cim::Instance instance;
};

using PropertyList = std::optional<std::vector<std::string>>;

struct AssociationFilter {
  std::string assoc_class;   // Associators only
  std::string result_class;
  std::string role;
  std::string result_role;   // Associators only
  std::string required_qualifier;        // WQL RequiredQualifier (on the result class)
  std::string required_assoc_qualifier;  // WQL RequiredAssocQualifier
};

// An argument as the client sent it, before typing.
struct InArg {
  std::string name;
  hv::cim::Value value;
};

class ObjectManager {
 public:
  // `registry` must outlive the manager. Fails (kInternal) when a provider
  // claims a class that is missing from its namespace's newest schema or
  // that another provider already serves.
  static absl::StatusOr<std::unique_ptr<ObjectManager>> Create(
      const hv::cim::SchemaRegistry* registry,
      std::vector<std::unique_ptr<ClassProvider>> providers);

  // The call's context. `pin` is the "cim-schema" metadata value ("" = none).
  absl::StatusOr<CallContext> Context(absl::string_view name_space, absl::string_view pin) const;

  absl::StatusOr<hv::cim::Class> GetClass(const CallContext& ctx, absl::string_view cls,
                                          bool local_only, const PropertyList& props) const;
  absl::StatusOr<std::vector<const hv::cim::Class*>> EnumerateClasses(const CallContext& ctx,
                                                                      absl::string_view cls,
                                                                      bool deep) const;

  absl::StatusOr<ServedInstance> GetInstance(const CallContext& ctx,
                                             const hv::cim::ObjectPath& path,
                                             const PropertyList& props);
  absl::StatusOr<std::vector<ServedInstance>> EnumerateInstances(const CallContext& ctx,
                                                                 absl::string_view cls, bool deep,
                                                                 const PropertyList& props);
  // WQL (cim.md §4): SELECT, ASSOCIATORS OF and REFERENCES OF. KeysOnly gives
  // key properties only; ClassDefsOnly gives one class object per distinct
  // result class (see ClassObjects). Errors are CIM statuses: kInvalidQuery
  // with the position, kQueryLanguageNotSupported, kInvalidClass, kNotFound.
  absl::StatusOr<std::vector<ServedInstance>> ExecQuery(const CallContext& ctx,
                                                        absl::string_view language,
                                                        absl::string_view query);
  absl::StatusOr<std::vector<ServedInstance>> Associators(const CallContext& ctx,
                                                          const hv::cim::ObjectPath& path,
                                                          const AssociationFilter& filter,
                                                          const PropertyList& props,
                                                          bool names_only);
  absl::StatusOr<std::vector<ServedInstance>> References(const CallContext& ctx,
                                                         const hv::cim::ObjectPath& path,
                                                         const AssociationFilter& filter,
                                                         const PropertyList& props,
                                                         bool names_only);
  absl::Status ModifyInstance(const CallContext& ctx, const hv::cim::ObjectPath& path,
                              const hv::cim::Instance& modified, const PropertyList& props);
  absl::StatusOr<MethodResult> InvokeMethod(const CallContext& ctx,
                                            const hv::cim::ObjectPath& path,
                                            absl::string_view method,
                                            const std::vector<InArg>& args);

 private:
  ObjectManager(const hv::cim::SchemaRegistry* registry,
                std::vector<std::unique_ptr<ClassProvider>> providers)
      : registry_(registry), providers_(std::move(providers)) {}

  ClassProvider* ProviderOf(const CallContext& ctx, absl::string_view cls) const;
  // Served classes of the namespace that are `cls` or (deep) derive from it
  // and exist in the context's version.
  std::vector<std::string> ServedSubclasses(const CallContext& ctx, absl::string_view cls,
                                            bool deep) const;
  absl::StatusOr<const hv::cim::Class*> PinnedClass(const CallContext& ctx,
                                                    absl::string_view cls) const;
  // Defaults, path, overlay, projection. nullopt when the class does not
  // exist in the pinned version.
  absl::StatusOr<std::optional<ServedInstance>> Finish(const CallContext& ctx,
                                                       hv::cim::Instance inst);
  // Reduces to the properties of `requested` (deep = false) and `props`.
  void Reduce(const CallContext& ctx, ServedInstance& s, absl::string_view requested, bool deep,
              const PropertyList& props) const;
  // WQL ClassDefsOnly (cim.md §4): one class object per distinct class of
  // `found`, in first-seen order, as WMI returns them (__GENUS 1): a class path
  // (no keys) and every property of the pinned class at its default value
  // (typed NULL when it has none). GetClass gives the qualifiers.
  absl::StatusOr<std::vector<ServedInstance>> ClassObjects(
      const CallContext& ctx, const std::vector<ServedInstance>& found) const;
  absl::StatusOr<std::vector<ServedInstance>> AssociationWalk(const CallContext& ctx,
                                                              const hv::cim::ObjectPath& path,
                                                              const AssociationFilter& filter,
                                                              const PropertyList& props,
                                                              bool names_only, bool references);
  absl::StatusOr<std::vector<MethodArg>> TypeArgs(const CallContext& ctx,
                                                  const hv::cim::Method& method,
                                                  const std::vector<InArg>& args) const;
  void FinishOutParams(const CallContext& ctx, MethodResult& r) const;

  const hv::cim::SchemaRegistry* const registry_;
  const std::vector<std::unique_ptr<ClassProvider>> providers_;
  // "<namespace>:<class>" lowercased -> provider. Immutable after Create().
  hv::cim::CiMap<ClassProvider*> served_;
};

// Parses a "cim-schema" pin list ("ns@ver[,ns@ver]") and returns the version
// pinned for `name_space` ("" when none). CIM_ERR_INVALID_PARAMETER when the
// text is malformed.
absl::StatusOr<std::string> PinnedVersion(absl::string_view pin, absl::string_view name_space);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_OBJECT_MANAGER_H_
