// The software-CPU backend: Unicorn 2.0.1 (Debian). This header does not
// include unicorn; tcg_partition.h does.
#ifndef HV_HYPERVISOR_SHIM_TCG_TCG_BACKEND_H_
#define HV_HYPERVISOR_SHIM_TCG_TCG_BACKEND_H_

#include <memory>

#include "hypervisor-shim/backend.h"

namespace hv::shim::tcg {

// Always available (no host requirement).
std::unique_ptr<Backend> NewTcgBackend();

}  // namespace hv::shim::tcg

#endif  // HV_HYPERVISOR_SHIM_TCG_TCG_BACKEND_H_
