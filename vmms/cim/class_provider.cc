#include "vmms/cim/class_provider.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cim-schema/cim_status.h"
#include "cim-schema/names.h"
#include "common/status_macros.h"
#include "vmms/cim/keys.h"

namespace hv::vmms::cim {

using hv::cim::CimStatusCode;
using hv::cim::CimType;
using hv::cim::MakeCimError;
using hv::cim::Value;

bool CallContext::IsV1() const { return hv::cim::CiEquals(name_space, kNsV1); }
bool CallContext::IsV2() const { return hv::cim::CiEquals(name_space, kNsV2); }

const MethodArg* FindArg(const std::vector<MethodArg>& args, absl::string_view name) {
  for (const MethodArg& a : args) {
    if (hv::cim::CiEquals(a.name, name)) return &a;
  }
  return nullptr;
}

absl::StatusOr<hv::cim::Instance> ClassProvider::Get(const CallContext& ctx,
                                                     const hv::cim::ObjectPath& path) {
  ASSIGN_OR_RETURN(std::vector<hv::cim::Instance> all, Enumerate(ctx, path.class_name));
  const hv::cim::Class* cls = ctx.newest->FindClass(path.class_name);
  if (cls == nullptr) {
    return MakeCimError(CimStatusCode::kInvalidClass,
                        absl::StrCat("no class '", path.class_name, "' in ", ctx.name_space));
  }
  for (hv::cim::Instance& inst : all) {
    absl::StatusOr<hv::cim::ObjectPath> p = inst.Path(*cls);
    if (p.ok() && SameObject(*p, path)) return std::move(inst);
  }
  return MakeCimError(CimStatusCode::kNotFound,
                      absl::StrCat("no instance ", path.ToWbemUri(), " in ", ctx.name_space));
}

absl::Status ClassProvider::Modify(const CallContext& ctx, const hv::cim::ObjectPath& path,
                                   const std::vector<hv::cim::PropertyValue>& changes) {
  if (changes.empty()) return absl::OkStatus();
  return RefuseUnstoredWrite(path.class_name, changes.front().name);
}

absl::Status RefuseUnstoredWrite(absl::string_view cls, absl::string_view property) {
  return MakeCimError(CimStatusCode::kNotSupported,
                      absl::StrCat(cls, ".", property,
                                   " is not stored by vmms (it has no persistent setting behind "
                                   "it); nothing was changed"));
}

absl::Status ToCimError(const absl::Status& status) {
  if (status.ok() || hv::cim::GetCimStatus(status).has_value()) return status;
  CimStatusCode code = CimStatusCode::kFailed;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kOutOfRange:
      code = CimStatusCode::kInvalidParameter;
      break;
    case absl::StatusCode::kNotFound:
      code = CimStatusCode::kNotFound;
      break;
    case absl::StatusCode::kUnimplemented:
      code = CimStatusCode::kNotSupported;
      break;
    default:
      break;
  }
  return MakeCimError(code, status.message());
}

absl::StatusOr<MethodResult> ClassProvider::Invoke(const CallContext& ctx,
                                                   const hv::cim::ObjectPath& path,
                                                   const hv::cim::Method& method,
                                                   const std::vector<MethodArg>&) {
  return MakeCimError(CimStatusCode::kMethodNotAvailable,
                      absl::StrCat("method ", path.class_name, ".", method.name,
                                   " is not implemented by vmms in ", ctx.name_space));
}

void SetIf(const hv::cim::Schema& schema, hv::cim::Instance& inst, absl::string_view name,
           Value v) {
  const hv::cim::Class* cls = schema.FindClass(inst.class_name());
  if (cls == nullptr) return;
  const hv::cim::Property* p = cls->FindProperty(name);
  if (p == nullptr) return;
  // A property whose type differs between versions (v1 VirtualSystemType is
  // uint16, v2 string) is left to the version-specific code.
  if (!v.is_null() && (v.type() != p->type.type || v.is_array() != p->type.is_array)) return;
  inst.Set(p->name, std::move(v));
}

Value U16(uint64_t v) { return Value::Unsigned(CimType::kUint16, v); }
Value U32(uint64_t v) { return Value::Unsigned(CimType::kUint32, v); }
Value U64(uint64_t v) { return Value::Unsigned(CimType::kUint64, v); }
Value S32(int64_t v) { return Value::Signed(CimType::kSint32, v); }
Value Str(std::string s) { return Value::String(std::move(s)); }
Value Bool(bool b) { return Value::Boolean(b); }
Value Ref(const hv::cim::ObjectPath& p) { return Value::Reference(p); }

Value Timestamp(int64_t unix_ms) {
  absl::TimeZone utc = absl::UTCTimeZone();
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixMillis(unix_ms), utc);
  absl::StatusOr<hv::cim::DateTime> dt = hv::cim::DateTime::Timestamp(
      static_cast<int>(cs.year()), cs.month(), cs.day(), cs.hour(), cs.minute(), cs.second(),
      static_cast<int>((unix_ms % 1000 + 1000) % 1000) * 1000, 0);
  if (!dt.ok()) return Value::Null(CimType::kDatetime);
  return Value::FromDateTime(*dt);
}

Value Interval(int64_t ms) {
  if (ms < 0) ms = 0;
  int64_t s = ms / 1000;
  absl::StatusOr<hv::cim::DateTime> dt =
      hv::cim::DateTime::Interval(s / 86400, static_cast<int>(s / 3600 % 24),
                                  static_cast<int>(s / 60 % 60), static_cast<int>(s % 60),
                                  static_cast<int>(ms % 1000) * 1000);
  if (!dt.ok()) return Value::Null(CimType::kDatetime);
  return Value::FromDateTime(*dt);
}

}  // namespace hv::vmms::cim
