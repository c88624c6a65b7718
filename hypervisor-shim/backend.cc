#include "hypervisor-shim/backend.h"

#include "absl/strings/str_format.h"
#include "hypervisor-shim/kvm/kvm_backend.h"
#include "hypervisor-shim/tcg/tcg_backend.h"

namespace hv::shim {

absl::StatusOr<std::unique_ptr<Backend>> CreateBackend(BackendKind kind) {
  switch (kind) {
    case BackendKind::kTcg:
      return tcg::NewTcgBackend();
    case BackendKind::kKvm:
      return kvm::NewKvmBackend();
  }
  return absl::InvalidArgumentError("unknown backend kind");
}

std::vector<BackendKind> AvailableBackends() {
  std::vector<BackendKind> out;
  if (kvm::KvmAvailable()) out.push_back(BackendKind::kKvm);
  out.push_back(BackendKind::kTcg);
  return out;
}

}  // namespace hv::shim
