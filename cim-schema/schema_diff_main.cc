// cim_schema_diff OLD NEW [--old-namespace=NS] [--new-namespace=NS]
// Compares two schemas given as MOF files or directories (cim-schema/schema_loader.h)
// and prints one line per change with its verdict (cim-schema/schema_diff.h).
// Exit status: 0 compatible, 1 breaking changes or versioning errors, 2 usage or
// load errors. `vmctl schema diff OLD NEW` runs the same library calls.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cim-schema/schema_diff.h"
#include "cim-schema/schema_loader.h"

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  std::string old_ns, new_ns;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--old-namespace=", 16) == 0) {
      old_ns = argv[i] + 16;
    } else if (std::strncmp(argv[i], "--new-namespace=", 16) == 0) {
      new_ns = argv[i] + 16;
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      std::fprintf(stderr, "cim_schema_diff: unknown option %s\n", argv[i]);
      return 2;
    } else {
      paths.push_back(argv[i]);
    }
  }
  if (paths.size() != 2) {
    std::fprintf(stderr,
                 "usage: cim_schema_diff OLD NEW [--old-namespace=NS] [--new-namespace=NS]\n"
                 "  OLD, NEW: a MOF file, or a directory with schema.mof or *.mof\n");
    return 2;
  }
  auto old_schema = hv::cim::LoadSchemaFromPath(paths[0], old_ns);
  if (!old_schema.ok()) {
    std::fprintf(stderr, "cim_schema_diff: %s\n", old_schema.status().ToString().c_str());
    return 2;
  }
  auto new_schema = hv::cim::LoadSchemaFromPath(paths[1], new_ns);
  if (!new_schema.ok()) {
    std::fprintf(stderr, "cim_schema_diff: %s\n", new_schema.status().ToString().c_str());
    return 2;
  }
  hv::cim::SchemaDiff diff = hv::cim::DiffSchemas(**old_schema, **new_schema);
  std::fputs(diff.ToText().c_str(), stdout);
  return diff.HasBreaking() ? 1 : 0;
}
