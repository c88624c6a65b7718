#include "hypervisor-shim/device_bus.h"

#include "absl/strings/str_format.h"

namespace hv::shim {

absl::Status DeviceBus::Register(uint64_t base, uint64_t size, BusDevice* device,
                                 std::string name) {
  if (size == 0 || base + size < base || device == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s bus: device '%s' range [0x%x, +0x%x) is empty or wraps", kind_, name, base, size));
  }
  absl::MutexLock lock(&mu_);
  auto next = entries_.lower_bound(base);
  bool overlap = next != entries_.end() && next->first < base + size;
  if (!overlap && next != entries_.begin()) {
    auto prev = std::prev(next);
    overlap = prev->first + prev->second.size > base;
  }
  if (overlap) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "%s bus: device '%s' range [0x%x, +0x%x) overlaps another device", kind_, name, base,
        size));
  }
  entries_[base] = Entry{size, device, std::move(name)};
  return absl::OkStatus();
}

absl::Status DeviceBus::Unregister(uint64_t base) {
  absl::MutexLock lock(&mu_);
  if (entries_.erase(base) == 0) {
    return absl::NotFoundError(absl::StrFormat("%s bus: no device at 0x%x", kind_, base));
  }
  return absl::OkStatus();
}

std::optional<std::pair<uint64_t, DeviceBus::Entry>> DeviceBus::Lookup(uint64_t addr) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = entries_.upper_bound(addr);
  if (it == entries_.begin()) return std::nullopt;
  --it;
  if (addr - it->first >= it->second.size) return std::nullopt;
  return std::make_pair(it->first, it->second);
}

std::optional<uint64_t> DeviceBus::Read(uint64_t addr, uint8_t size) {
  auto e = Lookup(addr);
  if (!e) return std::nullopt;
  return e->second.device->Read(addr - e->first, size);
}

bool DeviceBus::Write(uint64_t addr, uint8_t size, uint64_t value) {
  auto e = Lookup(addr);
  if (!e) return false;
  e->second.device->Write(addr - e->first, size, value);
  return true;
}

}  // namespace hv::shim
