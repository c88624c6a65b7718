// libFuzzer target: the MOF compiler on arbitrary text. The input may
// #pragma include a small fixed set of files (qualifier declarations, itself,
// a cycle) so include handling is fuzzed too. Compiled classes are written
// back with the MOF writer and recompiled. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "cim-schema/mof_compiler.h"
#include "cim-schema/mof_writer.h"

namespace {

constexpr char kQualifiers[] = R"(
Qualifier Key : boolean = false, Scope(property, reference), Flavor(DisableOverride, ToSubclass);
Qualifier Association : boolean = false, Scope(association), Flavor(DisableOverride, ToSubclass);
Qualifier Version : string = null, Scope(class, association, indication), Flavor(Restricted);
Qualifier ValueMap : string[], Scope(property, method, parameter);
Qualifier In : boolean = true, Scope(parameter), Flavor(DisableOverride, ToSubclass);
Qualifier Out : boolean = false, Scope(parameter), Flavor(DisableOverride, ToSubclass);
Qualifier Override : string = null, Scope(property, reference, method), Flavor(Restricted);
Qualifier Max : uint32 = null, Scope(reference);
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  hv::cim::MemoryMofSource source(std::map<std::string, absl::string_view, std::less<>>{
      {"qualifiers.mof", kQualifiers},
      {"input.mof", text},
      {"a.mof", "#pragma include(\"b.mof\")"},
      {"b.mof", "#pragma include(\"a.mof\")"}});
  hv::cim::MofOptions opt;
  opt.max_file_bytes = 1 << 20;
  opt.max_include_depth = 6;
  opt.max_files = 64;
  hv::cim::SchemaSet set;
  hv::cim::MofCompiler compiler(&source, &set, opt);
  if (!compiler.CompileFile("input.mof").ok()) return 0;
  for (const std::string& ns : set.Namespaces()) {
    const hv::cim::Schema* schema = set.Find(ns);
    std::string out;
    for (const auto& d : schema->qualifier_decls()) out += hv::cim::QualifierDeclToMof(d);
    for (const auto& c : schema->classes()) out += hv::cim::ClassToMof(*c);
    for (const auto& i : schema->instances()) (void)hv::cim::InstanceToMof(i);
    hv::cim::SchemaSet again;
    hv::cim::MemoryMofSource none({});
    hv::cim::MofCompiler recompiler(&none, &again, opt);
    (void)recompiler.CompileText("rewritten.mof", out);
  }
  return 0;
}
