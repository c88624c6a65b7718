#include "counters/counter_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "counters/absl_view.h"

namespace hv::counters {
namespace {

// Well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF) without control
// characters. Names become Prometheus label values: one malformed name would
// make Prometheus reject the whole scrape, for every VM.
bool IsPrintableUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += len;
  }
  return true;
}

}  // namespace

CounterRegistry::CounterRegistry(CounterRegistryOptions options) : options_(options) {}

absl::Status CounterRegistry::CheckName(std::string_view kind, std::string_view name) const {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(kind), " '': counter instance needs a name"));
  }
  if (name.size() > options_.max_name_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(kind), " '", AbslView(name.substr(0, 32)), "...': name longer than ",
                     options_.max_name_bytes, " bytes"));
  }
  if (!IsPrintableUtf8(name)) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(kind), " name is not printable UTF-8 (",
                                                   name.size(), " bytes): not usable as a label"));
  }
  return absl::OkStatus();
}

absl::Status CounterRegistry::AddVm(std::string_view name) {
  if (absl::Status s = CheckName("vm", name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (vms_.size() >= options_.max_vms) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "vm '", AbslView(name), "': counter registry is full (", options_.max_vms, " VMs)"));
  }
  auto [it, inserted] = vms_.try_emplace(std::string(name), options_.pressure_window);
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("vm '", AbslView(name), "': counter instance exists"));
  }
  return absl::OkStatus();
}

absl::Status CounterRegistry::RemoveVm(std::string_view name) {
  absl::MutexLock lock(&mu_);
  auto it = vms_.find(name);
  if (it == vms_.end()) {
    return absl::NotFoundError(
        absl::StrCat("vm '", AbslView(name), "': no counter instance to remove"));
  }
  vms_.erase(it);
  return absl::OkStatus();
}

absl::Status CounterRegistry::UpdateVm(std::string_view name, const VmSample& sample) {
  absl::MutexLock lock(&mu_);
  auto it = vms_.find(name);
  if (it == vms_.end()) {
    return absl::NotFoundError(
        absl::StrCat("vm '", AbslView(name), "': no counter instance to update"));
  }
  Entry<VmCounterValues>& e = it->second;
  if (e.current != nullptr && sample.time < e.current->time) {
    return absl::FailedPreconditionError(
        absl::StrCat("vm '", AbslView(name), "': sample at ", absl::FormatTime(sample.time),
                     " is older than the last one at ", absl::FormatTime(e.current->time)));
  }
  if (std::optional<PressureReading> r = VmPressureReading(sample)) e.window.Add(*r);
  // Built completely before it is published: readers never see it half-done.
  e.current = std::make_shared<const VmCounterValues>(
      ComputeVmCounters(it->first, sample, e.window.Stats()));
  return absl::OkStatus();
}

absl::Status CounterRegistry::AddBalancer(std::string_view name) {
  if (absl::Status s = CheckName("balancer", name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = balancers_.try_emplace(std::string(name), options_.pressure_window);
  if (!inserted) {
    return absl::AlreadyExistsError(
        absl::StrCat("balancer '", AbslView(name), "': counter instance exists"));
  }
  return absl::OkStatus();
}

absl::Status CounterRegistry::RemoveBalancer(std::string_view name) {
  absl::MutexLock lock(&mu_);
  auto it = balancers_.find(name);
  if (it == balancers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("balancer '", AbslView(name), "': no counter instance to remove"));
  }
  balancers_.erase(it);
  return absl::OkStatus();
}

absl::Status CounterRegistry::UpdateBalancer(std::string_view name, const BalancerSample& sample) {
  absl::MutexLock lock(&mu_);
  auto it = balancers_.find(name);
  if (it == balancers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("balancer '", AbslView(name), "': no counter instance to update"));
  }
  Entry<BalancerCounterValues>& e = it->second;
  if (e.current != nullptr && sample.time < e.current->time) {
    return absl::FailedPreconditionError(
        absl::StrCat("balancer '", AbslView(name), "': sample at ", absl::FormatTime(sample.time),
                     " is older than the last one at ", absl::FormatTime(e.current->time)));
  }
  e.window.Add(BalancerPressureReading(sample));
  e.current = std::make_shared<const BalancerCounterValues>(
      ComputeBalancerCounters(it->first, sample, e.window.Stats()));
  return absl::OkStatus();
}

CounterRegistry::Snapshot CounterRegistry::Read() const {
  Snapshot snap;
  absl::MutexLock lock(&mu_);
  snap.vms.reserve(vms_.size());
  for (const auto& [name, e] : vms_) {
    if (e.current != nullptr) snap.vms.push_back(e.current);
  }
  snap.balancers.reserve(balancers_.size());
  for (const auto& [name, e] : balancers_) {
    if (e.current != nullptr) snap.balancers.push_back(e.current);
  }
  return snap;
}

std::shared_ptr<const VmCounterValues> CounterRegistry::FindVm(std::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = vms_.find(name);
  return it == vms_.end() ? nullptr : it->second.current;
}

size_t CounterRegistry::vm_count() const {
  absl::MutexLock lock(&mu_);
  return vms_.size();
}

}  // namespace hv::counters
