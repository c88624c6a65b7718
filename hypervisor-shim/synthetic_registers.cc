#include "hypervisor-shim/synthetic_registers.h"

#include "absl/strings/str_format.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {
constexpr uint64_t kSynicVersion = 1;  // TLFS: SVERSION reads 1
}  // namespace

SyntheticRegisters::SyntheticRegisters(uint32_t vp_index, const ReferenceClock& clock)
    : vp_index_(vp_index), clock_(clock) {
  absl::MutexLock lock(&mu_);
  // TLFS: SINTx reset to masked.
  for (uint64_t& s : sint_) s = HV_SINT_MASKED;
}

uint64_t* SyntheticRegisters::Slot(uint32_t name) {
  if (name >= HV_REGISTER_SINT0 && name < HV_REGISTER_SINT0 + HV_SYNIC_SINT_COUNT) {
    return &sint_[name - HV_REGISTER_SINT0];
  }
  switch (name) {
    case HV_REGISTER_GUEST_OS_ID: return &guest_os_id_;
    case HV_REGISTER_SCONTROL: return &scontrol_;
    case HV_REGISTER_SIEFP: return &siefp_;
    case HV_REGISTER_SIMP: return &simp_;
    case HV_REGISTER_STIMER0_CONFIG: return &stimer0_config_;
    case HV_REGISTER_STIMER0_COUNT: return &stimer0_count_;
    default: return nullptr;
  }
}

std::optional<uint64_t> SyntheticRegisters::Get(uint32_t name) const {
  switch (name) {
    case HV_REGISTER_VP_INDEX: return vp_index_;
    case HV_REGISTER_TIME_REF_COUNT: return clock_.Now();
    case HV_REGISTER_SVERSION: return kSynicVersion;
    case HV_REGISTER_EOM: return 0;
    default: break;
  }
  absl::MutexLock lock(&mu_);
  uint64_t* slot = const_cast<SyntheticRegisters*>(this)->Slot(name);
  if (slot == nullptr) return std::nullopt;
  return *slot;
}

uint16_t SyntheticRegisters::GuestGet(uint32_t name, uint64_t* value) const {
  std::optional<uint64_t> v = Get(name);
  if (!v) return HV_STATUS_INVALID_PARAMETER;
  *value = *v;
  return HV_STATUS_SUCCESS;
}

uint16_t SyntheticRegisters::GuestSet(uint32_t name, uint64_t value) {
  switch (name) {
    case HV_REGISTER_VP_INDEX:
    case HV_REGISTER_TIME_REF_COUNT:
    case HV_REGISTER_SVERSION:
      return HV_STATUS_ACCESS_DENIED;
    default:
      break;
  }
  WriteObserver observer;
  {
    absl::MutexLock lock(&mu_);
    if (name != HV_REGISTER_EOM) {
      uint64_t* slot = Slot(name);
      if (slot == nullptr) return HV_STATUS_INVALID_PARAMETER;
      *slot = value;
    }
    observer = observer_;
  }
  if (observer) observer(name, value);
  return HV_STATUS_SUCCESS;
}

absl::Status SyntheticRegisters::HostSet(uint32_t name, uint64_t value) {
  absl::MutexLock lock(&mu_);
  uint64_t* slot = Slot(name);
  if (slot == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "vp %u: synthetic register 0x%x is unknown or computed", vp_index_, name));
  }
  *slot = value;
  return absl::OkStatus();
}

uint64_t SyntheticRegisters::simp() const {
  absl::MutexLock lock(&mu_);
  return simp_;
}

uint64_t SyntheticRegisters::siefp() const {
  absl::MutexLock lock(&mu_);
  return siefp_;
}

std::optional<uint64_t> SyntheticRegisters::TimerDeadline() const {
  absl::MutexLock lock(&mu_);
  if ((stimer0_config_ & HV_STIMER_ENABLE) == 0 || stimer0_count_ == 0) return std::nullopt;
  return stimer0_count_;
}

std::vector<std::pair<uint32_t, uint64_t>> SyntheticRegisters::StoredValues() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<uint32_t, uint64_t>> out = {
      {HV_REGISTER_GUEST_OS_ID, guest_os_id_}, {HV_REGISTER_SCONTROL, scontrol_},
      {HV_REGISTER_SIEFP, siefp_},             {HV_REGISTER_SIMP, simp_},
      {HV_REGISTER_STIMER0_CONFIG, stimer0_config_},
      {HV_REGISTER_STIMER0_COUNT, stimer0_count_}};
  for (uint32_t i = 0; i < HV_SYNIC_SINT_COUNT; ++i) out.push_back({HV_REGISTER_SINT0 + i, sint_[i]});
  return out;
}

void SyntheticRegisters::set_write_observer(WriteObserver observer) {
  absl::MutexLock lock(&mu_);
  observer_ = std::move(observer);
}

}  // namespace hv::shim
