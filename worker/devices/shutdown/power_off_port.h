// PowerOffPort: the guest's clean power-off signal, an I/O port at
// HV_POWER_OFF_PORT (wire/boot_info.h). A 16-bit write of HV_POWER_OFF_VALUE
// latches `requested()` and calls the optional `on_request`; the VM
// (VirtualMachine) then ends Off.
// Any other write (size, value or offset) is counted as bad and ignored;
// reads return all ones. Never fails.
//
// Thread-safe: Write runs on vCPU threads, the accessors on any thread.
#ifndef HV_WORKER_DEVICES_SHUTDOWN_POWER_OFF_PORT_H_
#define HV_WORKER_DEVICES_SHUTDOWN_POWER_OFF_PORT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <utility>

#include "hypervisor-shim/device_bus.h"

namespace hv::worker {

// Ports the device claims starting at HV_POWER_OFF_PORT.
inline constexpr uint64_t kPowerOffPorts = 2;

struct PowerOffCounters {
  uint64_t power_off_writes = 0;  // valid power-off requests
  uint64_t bad_writes = 0;        // wrong size, offset or value
};

class PowerOffPort : public hv::shim::BusDevice {
 public:
  // `on_request` runs on the vCPU thread after each valid power-off write;
  // keep it to a non-blocking notification. Default none.
  explicit PowerOffPort(std::function<void()> on_request = {})
      : on_request_(std::move(on_request)) {}
  void Write(uint64_t offset, uint8_t size, uint64_t value) override;
  // True once the guest asked to power off.
  bool requested() const { return power_off_writes_.load() != 0; }
  PowerOffCounters counters() const;

 private:
  const std::function<void()> on_request_;
  std::atomic<uint64_t> power_off_writes_{0};
  std::atomic<uint64_t> bad_writes_{0};
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_SHUTDOWN_POWER_OFF_PORT_H_
