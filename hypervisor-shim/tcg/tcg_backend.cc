#include "hypervisor-shim/tcg/tcg_backend.h"

#include "hypervisor-shim/tcg/tcg_partition.h"

namespace hv::shim::tcg {
namespace {

class TcgBackend : public Backend {
 public:
  BackendKind kind() const override { return BackendKind::kTcg; }
  absl::StatusOr<std::unique_ptr<Partition>> CreatePartition(
      const PartitionOptions& options) override {
    return TcgPartition::Create(options);
  }
};

}  // namespace

std::unique_ptr<Backend> NewTcgBackend() { return std::make_unique<TcgBackend>(); }

}  // namespace hv::shim::tcg
