#include "cim-schema/mof_source.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hv::cim {
namespace fs = std::filesystem;

absl::StatusOr<std::string> FileMofSource::Resolve(absl::string_view from,
                                                   absl::string_view include) {
  std::error_code ec;
  fs::path inc{std::string(include)};
  std::vector<fs::path> candidates;
  if (inc.is_absolute()) {
    candidates.push_back(inc);
  } else {
    candidates.push_back(from.empty() ? fs::absolute(inc, ec)
                                      : fs::path(std::string(from)).parent_path() / inc);
    for (const std::string& d : search_dirs_) candidates.push_back(fs::path(d) / inc);
  }
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c, ec)) return fs::absolute(c, ec).lexically_normal().string();
  }
  return absl::NotFoundError(absl::StrCat("MOF file '", include, "' not found",
                                          from.empty() ? "" : absl::StrCat(" (included from '",
                                                                           from, "')")));
}

absl::StatusOr<std::string> FileMofSource::Read(absl::string_view canonical, size_t max_bytes) {
  std::string path(canonical);
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return absl::NotFoundError(absl::StrCat("cannot open MOF file '", path, "'"));
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    if (out.size() + n > max_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("MOF file '", path, "' is larger than the limit of ", max_bytes, " bytes"));
    }
    out.append(buf, n);
  }
  if (std::ferror(f.get())) return absl::InternalError(absl::StrCat("read error on '", path, "'"));
  return out;
}

absl::StatusOr<std::string> MemoryMofSource::Resolve(absl::string_view from,
                                                     absl::string_view include) {
  fs::path base = from.empty() ? fs::path() : fs::path(std::string(from)).parent_path();
  std::string name = (base / std::string(include)).lexically_normal().generic_string();
  if (files_.count(name) == 0) {
    return absl::NotFoundError(absl::StrCat("embedded MOF file '", name, "' not found"));
  }
  return name;
}

absl::StatusOr<std::string> MemoryMofSource::Read(absl::string_view canonical, size_t max_bytes) {
  auto it = files_.find(canonical);
  if (it == files_.end()) {
    return absl::NotFoundError(absl::StrCat("embedded MOF file '", canonical, "' not found"));
  }
  if (it->second.size() > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("MOF file '", canonical, "' is too large"));
  }
  return std::string(it->second);
}

}  // namespace hv::cim
