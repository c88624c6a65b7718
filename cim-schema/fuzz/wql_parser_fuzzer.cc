// libFuzzer target: the WQL parser on arbitrary text, then the evaluator on a
// fixed instance (untyped context, so every comparison path is reachable).
// Must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cim-schema/wql_eval.h"
#include "cim-schema/wql_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hv::cim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<WqlQuery> q = ParseWql(text);
  if (!q.ok()) return 0;
  const auto* select = std::get_if<WqlSelect>(&*q);
  if (select == nullptr || select->where == nullptr) return 0;
  Instance inst("Msvm_ComputerSystem");
  inst.Set("ElementName", Value::String("web1"));
  inst.Set("EnabledState", Value::Unsigned(CimType::kUint16, 2));
  inst.Set("MemoryAvailable", Value::Signed(CimType::kSint32, -4));
  inst.Set("Load", Value::Real(CimType::kReal64, 0.25));
  inst.Set("Dm", Value::Boolean(true));
  inst.Set("Since", Value::FromDateTime(DateTime()));
  inst.Set("Ops", Value::Array(CimType::kUint16, {uint64_t{1}}));
  ObjectPath p;
  p.class_name = "Msvm_ConcreteJob";
  p.keys.push_back({"InstanceID", Value::String("J1")});
  inst.Set("Job", Value::Reference(p));
  inst.Set("Nothing", Value::Null(CimType::kString));
  WqlEvalContext ctx;
  (void)MatchesSelect(*select, inst, ctx);
  (void)ProjectSelect(*select, inst, ctx);
  return 0;
}
