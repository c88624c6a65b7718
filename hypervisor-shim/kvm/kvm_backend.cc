#include "hypervisor-shim/kvm/kvm_backend.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace hv::shim::kvm {

bool KvmAvailable() {
  int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
  close(fd);
  return ok;
}

absl::StatusOr<std::unique_ptr<Backend>> NewKvmBackend() {
  if (!KvmAvailable()) {
    return absl::UnavailableError(absl::StrFormat(
        "kvm backend: /dev/kvm is not usable here (%s)", strerror(errno)));
  }
  return absl::UnimplementedError("kvm backend: not built yet");
}

}  // namespace hv::shim::kvm
