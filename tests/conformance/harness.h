// A tiny-guest harness for the conformance suite: one partition on a given
// backend with 32 MiB of RAM, the guest image loaded at HV_BOOT_IMAGE_GPA, and
// the standard handler composition (stats, hypercalls, device buses, a
// "done port" policy) that the worker uses too.
#ifndef HV_TESTS_CONFORMANCE_HARNESS_H_
#define HV_TESTS_CONFORMANCE_HARNESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hypervisor-shim/backend.h"
#include "hypervisor-shim/device_bus.h"
#include "hypervisor-shim/exit_dispatcher.h"
#include "hypervisor-shim/exit_stats.h"
#include "hypervisor-shim/hypercall_dispatcher.h"
#include "tests/conformance/guests/defs.h"

namespace hv::shim::conformance {

inline constexpr uint64_t kRamTop = 32ull << 20;

// Records every write (thread-safe); reads return `read_value`.
class RecordingDevice : public BusDevice {
 public:
  explicit RecordingDevice(uint64_t read_value = 0) : read_value_(read_value) {}
  uint64_t Read(uint64_t offset, uint8_t size) override;
  void Write(uint64_t offset, uint8_t size, uint64_t value) override;
  std::vector<uint64_t> values() const;
  std::string text() const;  // writes as bytes
  // Waits until at least `n` writes arrived; false on timeout.
  bool WaitForCount(size_t n, absl::Duration timeout) const;

 private:
  const uint64_t read_value_;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> values_ ABSL_GUARDED_BY(mu_);
};

// Returns from Run() on an OUT to DONE_PORT; otherwise the default actions.
class DonePortPolicy : public ExitHandler {
 public:
  ExitAction HandleExit(Vcpu& vcpu, VmExit& exit) override;
};

class GuestHarness {
 public:
  // Unavailable when the backend is missing here (the test skips).
  static absl::StatusOr<std::unique_ptr<GuestHarness>> Create(BackendKind kind,
                                                              std::string_view guest,
                                                              uint32_t vcpus = 1);

  Partition& partition() { return *partition_; }
  Vcpu& vcpu(uint32_t i = 0) { return partition_->vcpu(i); }
  ExitHandler& handler() { return composite_; }
  absl::StatusOr<VmExit> Run(uint32_t i = 0) { return vcpu(i).Run(composite_); }
  uint64_t ReadU64(uint64_t gpa);

  ExitStats stats;
  HypercallDispatcher hypercalls;
  DeviceBus io{"io"};
  DeviceBus mmio{"mmio"};
  RecordingDevice serial;
  RecordingDevice in_device{IN_VALUE};
  RecordingDevice progress;
  RecordingDevice done;
  RecordingDevice mmio_device{0xCAFEF00D};

 private:
  GuestHarness();
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Partition> partition_;
  DeviceBusHandler buses_{&io, &mmio};
  DonePortPolicy policy_;
  CompositeExitHandler composite_;
};

}  // namespace hv::shim::conformance

#endif  // HV_TESTS_CONFORMANCE_HARNESS_H_
