#include "worker/guest_loader.h"

#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hypervisor-shim/boot_loader.h"
#include "wire/boot_info.h"
#include "worker/worker_config.h"

namespace hv::worker {

absl::StatusOr<hv::shim::BackendKind> ResolveBackendKind(const std::string& name) {
  if (name == "auto" || name.empty()) {
    std::vector<hv::shim::BackendKind> kinds = hv::shim::AvailableBackends();
    if (kinds.empty()) return absl::UnavailableError("no hypervisor backend is available");
    return kinds.front();
  }
  if (name == "kvm") return hv::shim::BackendKind::kKvm;
  if (name == "tcg") return hv::shim::BackendKind::kTcg;
  return absl::InvalidArgumentError(absl::StrCat("backend '", name, "' is not auto, kvm or tcg"));
}

absl::StatusOr<std::unique_ptr<hv::shim::Backend>> SelectBackend(const std::string& name) {
  ASSIGN_OR_RETURN(hv::shim::BackendKind kind, ResolveBackendKind(name));
  return hv::shim::CreateBackend(kind);
}

hv::shim::PartitionOptions PartitionOptionsFor(const hv::worker::v1::WorkerConfig& config) {
  hv::shim::PartitionOptions o;
  o.name = VmDisplayName(config);
  o.vcpu_count = config.vcpu_count();
  const uint64_t top = std::max(config.memory().maximum_mib(), config.memory().startup_mib()) << 20;
  // Hot-add blocks start at the next 128 MiB boundary above the current top,
  // so the space needs the maximum rounded up plus one block of slack.
  o.max_gpa = (top + kHotAddAlignment - 1) / kHotAddAlignment * kHotAddAlignment + kHotAddAlignment;
  return o;
}

absl::StatusOr<std::vector<uint8_t>> ReadGuestImage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("guest image '", path, "': cannot open"));
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (image.empty()) return absl::InvalidArgumentError(absl::StrCat("guest image '", path, "' is empty"));
  if (image.size() > kMaxGuestImageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("guest image '", path, "' is ", image.size(), " bytes, over the limit"));
  }
  return image;
}

absl::Status BootGuest(hv::shim::Partition& partition, const hv::worker::v1::WorkerConfig& config,
                       const std::vector<uint8_t>& image) {
  const uint64_t startup = config.memory().startup_mib() << 20;
  if (HV_BOOT_IMAGE_GPA + image.size() > startup) {
    return absl::InvalidArgumentError(absl::StrCat("vm '", VmDisplayName(config), "': image of ",
                                                   image.size(), " bytes does not fit in ",
                                                   config.memory().startup_mib(), " MiB"));
  }
  RETURN_IF_ERROR(partition.MapRam(HV_BOOT_IMAGE_GPA, startup - HV_BOOT_IMAGE_GPA));
  hv::shim::BootParams params;
  params.startup_bytes = startup;
  params.maximum_bytes = std::max(config.memory().maximum_mib(), config.memory().startup_mib()) << 20;
  params.command_line = config.guest_command_line();
  return hv::shim::LoadGuest(partition, image, params);
}

}  // namespace hv::worker
