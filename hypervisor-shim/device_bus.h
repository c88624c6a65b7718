// An address-range bus for emulated devices (crosvm `Bus`): one instance for
// I/O ports, one for MMIO. A device registers one or more ranges; an access
// goes to the device whose range contains it, with the offset into that range.
#ifndef HV_HYPERVISOR_SHIM_DEVICE_BUS_H_
#define HV_HYPERVISOR_SHIM_DEVICE_BUS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace hv::shim {

// A device on a bus. Called on vCPU threads, possibly concurrently for
// different vCPUs: a device guards its own state. Defaults: reads return all
// ones (an unclaimed bus), writes are dropped.
class BusDevice {
 public:
  virtual ~BusDevice() = default;
  virtual uint64_t Read(uint64_t offset, uint8_t size) { return ~0ull; }
  virtual void Write(uint64_t offset, uint8_t size, uint64_t value) {}
};

// Thread-safe. Devices must outlive their registration.
class DeviceBus {
 public:
  // `kind` names the bus in errors ("io", "mmio").
  explicit DeviceBus(std::string kind) : kind_(std::move(kind)) {}

  // AlreadyExists if the range overlaps another; InvalidArgument if empty or
  // wrapping.
  absl::Status Register(uint64_t base, uint64_t size, BusDevice* device, std::string name);
  // NotFound unless a range starts at `base`.
  absl::Status Unregister(uint64_t base);

  // nullopt when no device claims `addr` (the caller counts it).
  std::optional<uint64_t> Read(uint64_t addr, uint8_t size);
  // false when no device claims `addr`.
  bool Write(uint64_t addr, uint8_t size, uint64_t value);

 private:
  struct Entry {
    uint64_t size;
    BusDevice* device;
    std::string name;
  };
  // Entry containing addr, with its base.
  std::optional<std::pair<uint64_t, Entry>> Lookup(uint64_t addr) const;

  const std::string kind_;
  mutable absl::Mutex mu_;
  std::map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);  // by base
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_DEVICE_BUS_H_
