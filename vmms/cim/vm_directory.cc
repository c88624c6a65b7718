#include "vmms/cim/vm_directory.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cim-schema/cim_status.h"
#include "vmms/model/guid.h"

namespace hv::vmms::cim {

VmDirectory::VmDirectory(VmManager* manager, std::function<int64_t()> now_ms)
    : manager_(manager),
      now_ms_(now_ms ? std::move(now_ms) : [] { return absl::ToUnixMillis(absl::Now()); }) {}

int64_t VmDirectory::NowMs() const { return now_ms_(); }

absl::StatusOr<std::vector<VmView>> VmDirectory::List() { return manager_->ListVms(); }

absl::StatusOr<VmView> VmDirectory::Get(absl::string_view vm_id) {
  std::string id = absl::AsciiStrToUpper(vm_id);
  if (!IsGuid(id)) {
    return hv::cim::MakeCimError(hv::cim::CimStatusCode::kNotFound,
                                 absl::StrCat("no virtual system '", vm_id, "' (not a GUID)"));
  }
  absl::StatusOr<VmView> v = manager_->GetVm(id);
  if (!v.ok() && v.status().code() == absl::StatusCode::kNotFound) {
    return hv::cim::MakeCimError(hv::cim::CimStatusCode::kNotFound,
                                 absl::StrCat("no virtual system with GUID ", id));
  }
  if (v.ok() && v->record.id != id) {
    // GetVm also matches names; the CIM key is the GUID only.
    return hv::cim::MakeCimError(hv::cim::CimStatusCode::kNotFound,
                                 absl::StrCat("no virtual system with GUID ", id));
  }
  return v;
}

VmTimes VmDirectory::Times(const VmView& vm) {
  VmTimes t;
  t.now_ms = NowMs();
  if (!HasWorker(vm.record.state)) return t;
  // One indexed lookup per VM (finding 2 of docs/scale/README.md: scanning
  // every job row per instance made EnumerateInstances O(VMs x jobs)).
  absl::StatusOr<int64_t> since = manager_->LastCompletedStartMs(vm.record.id);
  if (since.ok()) t.running_since_ms = *since;
  return t;
}

uint32_t VmDirectory::ProcessorLoad(const VmView& vm) {
  if (!vm.status) return 0;
  absl::MutexLock lock(&mu_);
  LoadSample now{vm.status->timestamp_unix_ms, vm.status->cpu_time_us, 0};
  auto it = load_.find(vm.record.id);
  if (it != load_.end() && now.at_ms <= it->second.at_ms) return it->second.load;
  uint32_t load = 0;
  if (it != load_.end() && now.cpu_us >= it->second.cpu_us) {
    uint64_t wall_us = static_cast<uint64_t>(now.at_ms - it->second.at_ms) * 1000 *
                       std::max<uint32_t>(1, vm.record.vcpu_count);
    load = static_cast<uint32_t>(std::min<uint64_t>(100, (now.cpu_us - it->second.cpu_us) * 100 / wall_us));
  }
  now.load = load;
  load_[vm.record.id] = now;
  return load;
}

}  // namespace hv::vmms::cim
