#include "vmms/cim/cim_backend.h"

#include <unistd.h>

#include "common/status_macros.h"
#include "vmms/cim/association_provider.h"
#include "vmms/cim/interop_provider.h"
#include "vmms/cim/job_provider.h"
#include "vmms/cim/management_service_provider.h"
#include "vmms/cim/perf_provider.h"
#include "vmms/cim/settings_provider.h"
#include "vmms/cim/system_provider.h"

namespace hv::vmms::cim {

absl::StatusOr<std::unique_ptr<CimBackend>> MakeCimBackend(VmManager* manager,
                                                           counters::CounterRegistry* counters,
                                                           CimBackendOptions options) {
  if (options.host_name.empty()) {
    char buf[256] = {};
    options.host_name = gethostname(buf, sizeof(buf) - 1) == 0 ? buf : "localhost";
  }
  auto b = std::make_unique<CimBackend>();
  ASSIGN_OR_RETURN(b->registry, hv::cim::SchemaRegistry::LoadEmbedded());
  b->vms = std::make_unique<VmDirectory>(manager);
  std::vector<std::unique_ptr<ClassProvider>> providers;
  providers.push_back(std::make_unique<SystemProvider>(b->vms.get(), options.host_name));
  providers.push_back(std::make_unique<SettingsProvider>(b->vms.get()));
  providers.push_back(std::make_unique<JobProvider>(b->vms.get()));
  providers.push_back(std::make_unique<ManagementServiceProvider>(b->vms.get(), options.host_name));
  providers.push_back(std::make_unique<AssociationProvider>(b->vms.get(), options.host_name));
  providers.push_back(std::make_unique<PerfProvider>(counters));
  providers.push_back(
      std::make_unique<InteropProvider>(b->registry->Namespaces(), options.host_name));
  ASSIGN_OR_RETURN(b->objects, ObjectManager::Create(b->registry.get(), std::move(providers)));
  return b;
}

}  // namespace hv::vmms::cim
