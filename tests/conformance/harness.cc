#include "tests/conformance/harness.h"

#include "common/status_macros.h"
#include "hypervisor-shim/boot_loader.h"
#include "tests/conformance/guest_images.h"

namespace hv::shim::conformance {

uint64_t RecordingDevice::Read(uint64_t offset, uint8_t size) { return read_value_; }

void RecordingDevice::Write(uint64_t offset, uint8_t size, uint64_t value) {
  absl::MutexLock lock(&mu_);
  values_.push_back(value);
}

std::vector<uint64_t> RecordingDevice::values() const {
  absl::MutexLock lock(&mu_);
  return values_;
}

std::string RecordingDevice::text() const {
  absl::MutexLock lock(&mu_);
  std::string s;
  for (uint64_t v : values_) s.push_back(static_cast<char>(v));
  return s;
}

bool RecordingDevice::WaitForCount(size_t n, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  struct Arg {
    const RecordingDevice* d;
    size_t n;
    static bool Check(Arg* a) ABSL_NO_THREAD_SAFETY_ANALYSIS { return a->d->values_.size() >= a->n; }
  } arg{this, n};
  return mu_.AwaitWithTimeout(absl::Condition(&Arg::Check, &arg), timeout);
}

ExitAction DonePortPolicy::HandleExit(Vcpu& vcpu, VmExit& exit) {
  if (exit.reason == ExitReason::kIoInstruction && !exit.io.in && exit.io.port == DONE_PORT) {
    return ExitAction::kReturn;
  }
  return ExitAction::kResume;
}

GuestHarness::GuestHarness() : composite_({&stats, &hypercalls, &buses_, &policy_}) {}

absl::StatusOr<std::unique_ptr<GuestHarness>> GuestHarness::Create(BackendKind kind,
                                                                   std::string_view guest,
                                                                   uint32_t vcpus) {
  std::unique_ptr<GuestHarness> h(new GuestHarness());
  ASSIGN_OR_RETURN(h->backend_, CreateBackend(kind));
  PartitionOptions options;
  options.name = std::string(guest);
  options.vcpu_count = vcpus;
  options.max_gpa = 4ull << 30;
  ASSIGN_OR_RETURN(h->partition_, h->backend_->CreatePartition(options));
  RETURN_IF_ERROR(h->partition_->MapRam(HV_BOOT_IMAGE_GPA, kRamTop - HV_BOOT_IMAGE_GPA));
  RETURN_IF_ERROR(h->partition_->RegisterMmio(MMIO_GPA, 0x1000));
  RETURN_IF_ERROR(h->io.Register(SERIAL_PORT, 1, &h->serial, "serial"));
  RETURN_IF_ERROR(h->io.Register(IN_PORT, 1, &h->in_device, "in"));
  RETURN_IF_ERROR(h->io.Register(PROGRESS_PORT, 1, &h->progress, "progress"));
  RETURN_IF_ERROR(h->io.Register(DONE_PORT, 1, &h->done, "done"));
  RETURN_IF_ERROR(h->mmio.Register(MMIO_GPA, 0x1000, &h->mmio_device, "mmio"));
  std::span<const uint8_t> image = GuestImage(guest);
  if (image.empty()) return absl::NotFoundError("no guest image '" + std::string(guest) + "'");
  BootParams params;
  params.startup_bytes = kRamTop;
  params.maximum_bytes = kRamTop;
  RETURN_IF_ERROR(LoadGuest(*h->partition_, image, params));
  return h;
}

uint64_t GuestHarness::ReadU64(uint64_t gpa) {
  uint64_t v = 0;
  partition_->ReadGpa(gpa, &v, sizeof(v)).IgnoreError();
  return v;
}

}  // namespace hv::shim::conformance
