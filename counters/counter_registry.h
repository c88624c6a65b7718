// The live counter instances: one "Hyper-V Dynamic Memory VM" instance per
// VM and one "Hyper-V Dynamic Memory Balancer" instance per balancer, fed by
// the daemon and read by the Prometheus collector and the CIM provider.
//
// Each update computes the instance's values once (ComputeVmCounters over the
// instance's pressure window, pressure_window.h) and publishes them as one
// immutable object, swapped in under the lock: a reader sees either the old
// or the new values of an instance, never a mix. Read() returns a consistent
// snapshot of all instances at one instant, sorted by name, holding the lock
// only to copy one pointer per instance (a scrape never stalls updates). An instance
// appears in snapshots from its first sample on, and is gone from every
// snapshot taken after it is removed.
//
// Thread-safe: every method may be called from any thread.
#ifndef HV_COUNTERS_COUNTER_REGISTRY_H_
#define HV_COUNTERS_COUNTER_REGISTRY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "counters/counter_values.h"
#include "counters/pressure_window.h"

namespace hv::counters {

struct CounterRegistryOptions {
  // Averaging window for Average/Minimum/Maximum Pressure (pressure_window.h).
  // Default: 60 s, at most 600 readings per instance.
  PressureWindowOptions pressure_window;
  // Most VM instances; AddVm beyond it fails with kResourceExhausted. Default 10000.
  size_t max_vms = 10000;
  // Longest instance name in bytes (names become label values). Default 256.
  size_t max_name_bytes = 256;
};

class CounterRegistry {
 public:
  // A consistent view of all instances that have had a sample, sorted by name.
  struct Snapshot {
    std::vector<std::shared_ptr<const VmCounterValues>> vms;
    std::vector<std::shared_ptr<const BalancerCounterValues>> balancers;
  };

  explicit CounterRegistry(CounterRegistryOptions options = {});

  CounterRegistry(const CounterRegistry&) = delete;
  CounterRegistry& operator=(const CounterRegistry&) = delete;

  // Creates the counter instance of a VM. Fails with kInvalidArgument for an
  // empty or over-long name, or one that is not printable UTF-8 (it becomes a
  // Prometheus label value and a CIM Name), kAlreadyExists when the VM has an instance,
  // kResourceExhausted at max_vms.
  absl::Status AddVm(std::string_view name);
  // Removes the VM's instance; its series disappear from later snapshots.
  // Fails with kNotFound when there is none.
  absl::Status RemoveVm(std::string_view name);
  // Publishes a new sample of the VM atomically. Fails with kNotFound when
  // the VM has no instance (e.g. a late sample after RemoveVm), and with
  // kFailedPrecondition when the sample is older than the VM's last one.
  absl::Status UpdateVm(std::string_view name, const VmSample& sample);

  // The same for balancer instances.
  absl::Status AddBalancer(std::string_view name);
  absl::Status RemoveBalancer(std::string_view name);
  absl::Status UpdateBalancer(std::string_view name, const BalancerSample& sample);

  Snapshot Read() const;

  // The VM's current values, or nullptr when it has no instance or no sample yet.
  std::shared_ptr<const VmCounterValues> FindVm(std::string_view name) const;

  size_t vm_count() const;

 private:
  template <typename Values>
  struct Entry {
    explicit Entry(const PressureWindowOptions& o) : window(o) {}
    PressureWindow window;
    std::shared_ptr<const Values> current;  // null until the first sample
  };
  using VmMap = absl::btree_map<std::string, Entry<VmCounterValues>, std::less<>>;
  using BalancerMap = absl::btree_map<std::string, Entry<BalancerCounterValues>, std::less<>>;

  absl::Status CheckName(std::string_view kind, std::string_view name) const;

  const CounterRegistryOptions options_;
  mutable absl::Mutex mu_;
  VmMap vms_ ABSL_GUARDED_BY(mu_);
  BalancerMap balancers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::counters

#endif  // HV_COUNTERS_COUNTER_REGISTRY_H_
