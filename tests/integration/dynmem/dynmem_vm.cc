#include "tests/integration/dynmem/dynmem_vm.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "hypervisor-shim/boot_loader.h"
#include "wire/dynmem.h"
#include "wire/vmbus.h"

namespace hv::worker::testing {

void SerialCapture::Write(uint64_t, uint8_t, uint64_t value) {
  absl::MutexLock lock(&mu_);
  text_.push_back(static_cast<char>(value & 0xFF));
}

std::string SerialCapture::text() const {
  absl::MutexLock lock(&mu_);
  return text_;
}

absl::StatusOr<std::unique_ptr<DynmemVm>> DynmemVm::Create(const DynmemVmOptions& o) {
  std::ifstream in(HV_GUEST_IMAGE, std::ios::binary);
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (image.empty()) return absl::NotFoundError("no guest image at " HV_GUEST_IMAGE);
  std::unique_ptr<DynmemVm> vm(new DynmemVm());
  ASSIGN_OR_RETURN(vm->backend_, shim::CreateBackend(o.backend));
  shim::PartitionOptions popts;
  popts.name = "dynmem";
  popts.max_gpa = (o.maximum_mib + 128) << 20;
  ASSIGN_OR_RETURN(vm->partition_, vm->backend_->CreatePartition(popts));
  const uint64_t startup = o.startup_mib << 20;
  RETURN_IF_ERROR(vm->partition_->MapRam(HV_BOOT_IMAGE_GPA, startup - HV_BOOT_IMAGE_GPA));
  RETURN_IF_ERROR(vm->io_.Register(0x3F8, 1, &vm->serial_, "com1"));
  vm->buses_ = std::make_unique<shim::DeviceBusHandler>(&vm->io_, nullptr);
  vm->handler_ = std::make_unique<shim::CompositeExitHandler>(
      std::vector<shim::ExitHandler*>{&vm->hypercalls_, vm->buses_.get()});
  shim::BootParams params;
  params.startup_bytes = startup;
  params.maximum_bytes = o.maximum_mib << 20;
  params.command_line = o.command_line;
  RETURN_IF_ERROR(shim::LoadGuest(*vm->partition_, image, params));

  vm->memory_ = std::make_unique<PartitionDmMemory>(vm->partition_.get());
  DmVspOptions dm;
  dm.startup_pages = startup / 4096;
  dm.maximum_pages = (o.maximum_mib << 20) / 4096;
  dm.first_request_delay = absl::Milliseconds(100);
  dm.accepted_versions = o.dm_versions;
  dm.hot_add_with_region = o.hot_add_with_region;
  dm.transaction_timeout = o.transaction_timeout;
  vm->dm_ = std::make_unique<DmVsp>(vm->memory_.get(), &vm->clock_, &vm->events_, dm);
  vm->heartbeat_ = std::make_unique<HeartbeatVsp>(&vm->clock_, &vm->events_);
  vm->runner_ = std::make_unique<shim::VcpuRunner>(*vm->partition_, *vm->handler_);
  shim::VcpuRunner* runner = vm->runner_.get();
  vm->vmbus_ = std::make_unique<VmbusHost>(vm->partition_.get(), &vm->hypercalls_, &vm->events_,
                                           &vm->clock_, [runner] { runner->Kick(0); });
  const vmbus_guid dm_guid = {HV_DM_CLASS_GUID_BYTES};
  const vmbus_guid hb_guid = {HV_HEARTBEAT_CLASS_GUID_BYTES};
  const vmbus_guid wl_guid = {HV_WORKLOAD_CLASS_GUID_BYTES};
  const vmbus_guid instance = {{1}};
  DmVsp* dmp = vm->dm_.get();
  HeartbeatVsp* hbp = vm->heartbeat_.get();
  WorkloadVsp* wlp = &vm->workload_;
  RETURN_IF_ERROR(vm->vmbus_->AddDevice(dm_guid, instance, dmp, [dmp] { return dmp->Poll(); }).status());
  RETURN_IF_ERROR(vm->vmbus_->AddDevice(hb_guid, instance, hbp, [hbp] { return hbp->Poll(); }).status());
  RETURN_IF_ERROR(vm->vmbus_->AddDevice(wl_guid, instance, wlp, [wlp] { return wlp->Poll(); }).status());
  return vm;
}

DynmemVm::~DynmemVm() {
  // vCPU threads first (they call into the VMBus host), then the poll thread
  // (it kicks the runner).
  if (runner_) runner_->Stop();
  if (vmbus_) vmbus_->Stop();
}

absl::Status DynmemVm::Start() {
  RETURN_IF_ERROR(vmbus_->Start());
  return runner_->Start();
}

bool DynmemVm::WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

bool DynmemVm::RunWorkload(const std::string& command, absl::Duration timeout) {
  const uint32_t before = workload_.LastStatus() ? workload_.LastStatus()->commands_done : 0;
  if (!workload_.SendCommand(command).ok()) return false;
  return WaitFor(
      [&] {
        auto s = workload_.LastStatus();
        return s && s->commands_done > before;
      },
      timeout);
}

}  // namespace hv::worker::testing
