// The interface every class-family provider implements, and the context of
// one CIM call. Providers build instances in the newest schema version of the
// call's namespace, with every property they know; the object manager
// (object_manager.h) projects them to the version the client pinned, applies
// PropertyList and filters, so providers never look at those.
// Providers are thread-safe: calls arrive on gRPC threads concurrently.
#ifndef HV_VMMS_CIM_CLASS_PROVIDER_H_
#define HV_VMMS_CIM_CLASS_PROVIDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cim-schema/instance.h"
#include "cim-schema/object_path.h"
#include "cim-schema/schema.h"
#include "cim-schema/value.h"

namespace hv::vmms::cim {

inline constexpr absl::string_view kNsV1 = "root/virtualization";
inline constexpr absl::string_view kNsV2 = "root/virtualization/v2";
inline constexpr absl::string_view kNsInterop = "root/interop";
inline constexpr absl::string_view kNsCimv2 = "root/cimv2";

// One call's view of the schema.
struct CallContext {
  std::string name_space;  // as the registry spells it
  std::string version;     // the version in effect (pinned or newest)
  bool pinned = false;     // the client pinned `version` through "cim-schema"
  const hv::cim::Schema* schema = nullptr;  // that version's schema
  const hv::cim::Schema* newest = nullptr;  // the namespace's newest schema

  bool IsV1() const;
  bool IsV2() const;
};

// A method argument after type checking. Parameters declared
// EmbeddedInstance carry the decoded instances (one per array element).
struct MethodArg {
  std::string name;
  hv::cim::Value value;
  std::vector<hv::cim::Instance> instances;
};

struct OutParam {
  std::string name;
  hv::cim::Value value;                      // when !embedded
  std::vector<hv::cim::Instance> instances;  // when embedded
  bool embedded = false;
  bool is_array = false;                     // embedded arrays
};

struct MethodResult {
  uint32_t return_value = 0;
  std::vector<OutParam> out;
  // Why a non-zero return value was returned ("" on success).
  std::string error_description;
};

// Finds an argument by name (case-insensitive), or nullptr.
const MethodArg* FindArg(const std::vector<MethodArg>& args, absl::string_view name);

class ClassProvider {
 public:
  virtual ~ClassProvider() = default;
  // The non-abstract classes this provider serves in the namespace (empty
  // when it serves none there).
  virtual std::vector<std::string> Classes(absl::string_view name_space) const = 0;
  // Every instance of exactly `cls` (one of Classes()).
  virtual absl::StatusOr<std::vector<hv::cim::Instance>> Enumerate(const CallContext& ctx,
                                                                   absl::string_view cls) = 0;
  // One instance; CIM_ERR_NOT_FOUND naming the path when absent. The default
  // enumerates and matches keys.
  virtual absl::StatusOr<hv::cim::Instance> Get(const CallContext& ctx,
                                                const hv::cim::ObjectPath& path);
  // An extrinsic method on `path` (an instance, or the class for static
  // methods). Arguments are already typed against `method`. Default:
  // CIM_ERR_METHOD_NOT_AVAILABLE.
  virtual absl::StatusOr<MethodResult> Invoke(const CallContext& ctx,
                                              const hv::cim::ObjectPath& path,
                                              const hv::cim::Method& method,
                                              const std::vector<MethodArg>& args);
  // ModifyInstance: stores `changes` (Write properties whose values differ
  // from the served instance at `path`, already type-checked) durably, all
  // or nothing. A provider stores only what maps to a persisted domain
  // field; anything else is refused with CIM_ERR_NOT_SUPPORTED naming the
  // property, and nothing changes. Default: refuses the first change.
  virtual absl::Status Modify(const CallContext& ctx, const hv::cim::ObjectPath& path,
                              const std::vector<hv::cim::PropertyValue>& changes);
};

// The CIM error for a failed domain call, keeping its message:
// kInvalidArgument/kAlreadyExists/kOutOfRange -> CIM_ERR_INVALID_PARAMETER,
// kNotFound -> CIM_ERR_NOT_FOUND, kUnimplemented -> CIM_ERR_NOT_SUPPORTED,
// anything else -> CIM_ERR_FAILED. A status that already carries a CIM code
// is returned as is.
absl::Status ToCimError(const absl::Status& status);
// CIM_ERR_NOT_SUPPORTED: "<cls>.<property> is not stored by vmms; nothing was changed".
absl::Status RefuseUnstoredWrite(absl::string_view cls, absl::string_view property);

// Helpers shared by providers.
// Sets `name` only when the class of `cls` (in `schema`) declares it.
void SetIf(const hv::cim::Schema& schema, hv::cim::Instance& inst, absl::string_view name,
           hv::cim::Value v);
hv::cim::Value U16(uint64_t v);
hv::cim::Value U32(uint64_t v);
hv::cim::Value U64(uint64_t v);
hv::cim::Value S32(int64_t v);
hv::cim::Value Str(std::string s);
hv::cim::Value Bool(bool b);
hv::cim::Value Ref(const hv::cim::ObjectPath& p);
// A datetime timestamp (UTC) from unix milliseconds.
hv::cim::Value Timestamp(int64_t unix_ms);
// A datetime interval from milliseconds.
hv::cim::Value Interval(int64_t ms);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_CLASS_PROVIDER_H_
