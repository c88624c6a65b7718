// The CIM side of vmms assembled: the schema registry (embedded MOF), the VM
// directory over VmManager, every class provider, and the object manager
// that serves them. The gRPC adapter (vmms/service/cim_service.h) and tests
// use this one constructor. Thread-safe after construction.
#ifndef HV_VMMS_CIM_CIM_BACKEND_H_
#define HV_VMMS_CIM_CIM_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "cim-schema/schema_registry.h"
#include "counters/counter_registry.h"
#include "vmms/cim/object_manager.h"
#include "vmms/cim/vm_directory.h"
#include "vmms/lifecycle/vm_manager.h"

namespace hv::vmms::cim {

struct CimBackend {
  std::unique_ptr<hv::cim::SchemaRegistry> registry;
  std::unique_ptr<VmDirectory> vms;
  std::unique_ptr<ObjectManager> objects;
};

struct CimBackendOptions {
  // The hosting system's name (SystemName of the service and interop
  // instances). Default: gethostname().
  std::string host_name;
};

// `manager` and `counters` must outlive the backend. Fails when the embedded
// MOF does not compile or a provider serves a class the schema lacks.
absl::StatusOr<std::unique_ptr<CimBackend>> MakeCimBackend(VmManager* manager,
                                                           counters::CounterRegistry* counters,
                                                           CimBackendOptions options = {});

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_CIM_BACKEND_H_
