// hv.worker.v1 messages <-> domain types, in one place.
#ifndef HV_VMMS_LAUNCHER_WORKER_STATUS_CONVERSION_H_
#define HV_VMMS_LAUNCHER_WORKER_STATUS_CONVERSION_H_

#include "hv/worker/v1/worker.pb.h"
#include "vmms/lifecycle/worker_control.h"

namespace hv::vmms {

WorkerStatus FromProto(const worker::v1::StatusReport& report);
worker::v1::WorkerConfig ToWorkerConfig(const VmRecord& vm, const std::string& socket_path,
                                        const std::string& state_dir,
                                        const std::string& default_image,
                                        const std::string& restore_from);

}  // namespace hv::vmms

#endif  // HV_VMMS_LAUNCHER_WORKER_STATUS_CONVERSION_H_
