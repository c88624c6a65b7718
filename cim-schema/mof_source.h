// Where MOF text comes from: the file system (DMTF schema, the schema-diff
// CLI) or an in-memory table (the MOF embedded in the binary). Includes are
// resolved relative to the including file, then against search roots.
// Implementations are thread-compatible.
#ifndef HV_CIM_SCHEMA_MOF_SOURCE_H_
#define HV_CIM_SCHEMA_MOF_SOURCE_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace hv::cim {

class MofSource {
 public:
  virtual ~MofSource() = default;
  // The canonical name of `include` as seen from file `from` ("" at top
  // level); NotFound when nothing matches.
  virtual absl::StatusOr<std::string> Resolve(absl::string_view from, absl::string_view include) = 0;
  // The text of a canonical name. Fails with ResourceExhausted above
  // max_bytes, NotFound / Internal on I/O errors.
  virtual absl::StatusOr<std::string> Read(absl::string_view canonical, size_t max_bytes) = 0;
};

// Files on disk; canonical names are lexically normalised absolute paths.
class FileMofSource : public MofSource {
 public:
  explicit FileMofSource(std::vector<std::string> search_dirs = {})
      : search_dirs_(std::move(search_dirs)) {}
  absl::StatusOr<std::string> Resolve(absl::string_view from, absl::string_view include) override;
  absl::StatusOr<std::string> Read(absl::string_view canonical, size_t max_bytes) override;

 private:
  std::vector<std::string> search_dirs_;
};

// An in-memory file table keyed by relative path ("virtualization-v2/schema.mof");
// the texts must outlive the source.
class MemoryMofSource : public MofSource {
 public:
  explicit MemoryMofSource(std::map<std::string, absl::string_view, std::less<>> files)
      : files_(std::move(files)) {}
  absl::StatusOr<std::string> Resolve(absl::string_view from, absl::string_view include) override;
  absl::StatusOr<std::string> Read(absl::string_view canonical, size_t max_bytes) override;

 private:
  std::map<std::string, absl::string_view, std::less<>> files_;
};

}  // namespace hv::cim

#endif  // HV_CIM_SCHEMA_MOF_SOURCE_H_
