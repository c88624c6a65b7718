#include "hypervisor-shim/kvm/kvm_backend.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "hypervisor-shim/kvm/kvm_partition.h"

namespace hv::shim::kvm {
namespace {

class KvmBackend : public Backend {
 public:
  explicit KvmBackend(int fd) : fd_(fd) {}
  ~KvmBackend() override { close(fd_); }
  BackendKind kind() const override { return BackendKind::kKvm; }
  absl::StatusOr<std::unique_ptr<Partition>> CreatePartition(
      const PartitionOptions& options) override {
    return KvmPartition::Create(fd_, options);
  }

 private:
  const int fd_;  // /dev/kvm; partitions must not outlive the backend
};

}  // namespace

bool KvmAvailable() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
  close(fd);
  return ok;
}

absl::StatusOr<std::unique_ptr<Backend>> NewKvmBackend() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrFormat("kvm backend: cannot open /dev/kvm: %s", strerror(errno)));
  }
  if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
    close(fd);
    return absl::UnavailableError("kvm backend: /dev/kvm has an unexpected API version");
  }
  return std::make_unique<KvmBackend>(fd);
}

}  // namespace hv::shim::kvm
