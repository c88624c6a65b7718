// Per-vCPU Hyper-V synthetic registers (TLFS; names in wire/tlfs.h). The guest
// reaches them with HvCallGetVpRegisters / HvCallSetVpRegisters because the
// software CPU cannot trap MSRs (software-cpu.md §4); host components (the
// VMBus server needs SIMP/SIEFP, the run loop needs STIMER0) read them here.
//
// Registers: GUEST_OS_ID, VP_INDEX (read-only), TIME_REF_COUNT (read-only,
// from the partition's ReferenceClock), SCONTROL, SVERSION (read-only, 1),
// SIEFP, SIMP, SINT0..15, EOM (write-only, reads 0), STIMER0_CONFIG,
// STIMER0_COUNT.
//
// Thread-safe: every method may be called from any thread. The write observer
// is called after a successful guest write, on the writing (vCPU) thread,
// without the internal lock held.
#ifndef HV_HYPERVISOR_SHIM_SYNTHETIC_REGISTERS_H_
#define HV_HYPERVISOR_SHIM_SYNTHETIC_REGISTERS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "hypervisor-shim/reference_clock.h"

namespace hv::shim {

class SyntheticRegisters {
 public:
  using WriteObserver = std::function<void(uint32_t name, uint64_t value)>;

  // `clock` must outlive this object.
  SyntheticRegisters(uint32_t vp_index, const ReferenceClock& clock);

  // Guest-facing access. Returns a TLFS status: HV_STATUS_SUCCESS,
  // HV_STATUS_INVALID_PARAMETER for an unknown name,
  // HV_STATUS_ACCESS_DENIED for a write to a read-only register.
  uint16_t GuestGet(uint32_t name, uint64_t* value) const;
  uint16_t GuestSet(uint32_t name, uint64_t value);

  // Host-side value of any known register (nullopt for an unknown name).
  std::optional<uint64_t> Get(uint32_t name) const;
  // Host-side write; ignores read-only rules (snapshot restore, timer expiry).
  // InvalidArgument for an unknown or computed register.
  absl::Status HostSet(uint32_t name, uint64_t value);

  // Convenience views.
  uint64_t simp() const;   // raw SIMP value: bit 0 enable, bits 12-63 GPA >> 12
  uint64_t siefp() const;
  // STIMER0 absolute expiry (TIME_REF_COUNT units) when enabled, else nullopt.
  std::optional<uint64_t> TimerDeadline() const;

  // Every stored (name, value) pair, for snapshots.
  std::vector<std::pair<uint32_t, uint64_t>> StoredValues() const;

  // Replaces the observer (nullptr removes it).
  void set_write_observer(WriteObserver observer);

  uint32_t vp_index() const { return vp_index_; }

 private:
  uint64_t* Slot(uint32_t name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uint32_t vp_index_;
  const ReferenceClock& clock_;
  mutable absl::Mutex mu_;
  uint64_t guest_os_id_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t scontrol_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t siefp_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t simp_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t sint_[16] ABSL_GUARDED_BY(mu_);
  uint64_t stimer0_config_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t stimer0_count_ ABSL_GUARDED_BY(mu_) = 0;
  WriteObserver observer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_SYNTHETIC_REGISTERS_H_
