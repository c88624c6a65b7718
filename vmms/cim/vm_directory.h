// What the CIM providers read from the domain: VM views and the facts
// derived from the job history (when a VM last started) and from successive
// worker samples (processor load). A thin layer over VmManager so providers
// share one way of finding a VM by GUID.
// Thread-safe (VmManager is; the load samples are under a mutex).
#ifndef HV_VMMS_CIM_VM_DIRECTORY_H_
#define HV_VMMS_CIM_VM_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "vmms/cim/vm_instances.h"
#include "vmms/lifecycle/vm_manager.h"

namespace hv::vmms::cim {

class VmDirectory {
 public:
  // `manager` must outlive the directory. `now_ms` defaults to the system clock.
  explicit VmDirectory(VmManager* manager, std::function<int64_t()> now_ms = nullptr);

  VmManager& manager() { return *manager_; }
  absl::StatusOr<std::vector<VmView>> List();
  // By GUID (case-insensitive). CIM_ERR_NOT_FOUND naming the id.
  absl::StatusOr<VmView> Get(absl::string_view vm_id);
  // The VM's times: running since the end of its latest completed start job.
  VmTimes Times(const VmView& vm);
  // Processor load in percent between the two latest worker samples seen by
  // this directory (0 until two were seen), from the worker's cpu_time_us.
  uint32_t ProcessorLoad(const VmView& vm);
  int64_t NowMs() const;

 private:
  struct LoadSample {
    int64_t at_ms = 0;
    uint64_t cpu_us = 0;
    uint32_t load = 0;  // the load computed when this sample arrived
  };
  VmManager* const manager_;
  const std::function<int64_t()> now_ms_;
  absl::Mutex mu_;
  std::map<std::string, LoadSample> load_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_VM_DIRECTORY_H_
