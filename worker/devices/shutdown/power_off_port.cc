#include "worker/devices/shutdown/power_off_port.h"

#include "wire/boot_info.h"

namespace hv::worker {

void PowerOffPort::Write(uint64_t offset, uint8_t size, uint64_t value) {
  if (offset == 0 && size == 2 && (value & 0xFFFF) == HV_POWER_OFF_VALUE) {
    power_off_writes_.fetch_add(1);
    if (on_request_) on_request_();
  } else {
    bad_writes_.fetch_add(1);
  }
}

PowerOffCounters PowerOffPort::counters() const {
  return {power_off_writes_.load(), bad_writes_.load()};
}

}  // namespace hv::worker
