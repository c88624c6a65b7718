#include "cim-schema/schema_loader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace hv::cim {
namespace fs = std::filesystem;

absl::StatusOr<std::unique_ptr<Schema>> LoadSchemaFromPath(absl::string_view path,
                                                           absl::string_view name_space,
                                                           const MofOptions& options) {
  std::error_code ec;
  const fs::path p{std::string(path)};
  std::vector<std::string> files;
  if (fs::is_directory(p, ec)) {
    if (fs::is_regular_file(p / "schema.mof", ec)) {
      files.push_back((p / "schema.mof").string());
    } else {
      for (const auto& e : fs::directory_iterator(p, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".mof") files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
    }
    if (files.empty()) {
      return absl::NotFoundError(absl::StrCat("directory '", path, "' holds no .mof files"));
    }
  } else if (fs::is_regular_file(p, ec)) {
    files.push_back(p.string());
  } else {
    return absl::NotFoundError(absl::StrCat("'", path, "' is neither a MOF file nor a directory"));
  }
  SchemaSet set;
  FileMofSource source;
  MofCompiler compiler(&source, &set, options);
  for (const std::string& f : files) RETURN_IF_ERROR(compiler.CompileFile(f));
  std::vector<std::string> names = set.Namespaces();
  if (name_space.empty()) {
    if (names.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", path, "' defines ", names.size(),
                                                     " namespaces (", absl::StrJoin(names, ", "),
                                                     "); choose one"));
    }
    return set.Take(names[0]);
  }
  std::unique_ptr<Schema> s = set.Take(name_space);
  if (s == nullptr) {
    return absl::NotFoundError(absl::StrCat("'", path, "' defines no namespace '", name_space,
                                            "' (it has ", absl::StrJoin(names, ", "), ")"));
  }
  return s;
}

}  // namespace hv::cim
