#include "hypervisor-shim/hypercall_dispatcher.h"

#include <vector>

#include "hypervisor-shim/partition.h"
#include "hypervisor-shim/vcpu.h"
#include "wire/tlfs.h"

namespace hv::shim {
namespace {

// Checks a guest parameter block: 8-byte aligned, inside one page, RAM.
uint16_t CheckBlock(Partition& p, uint64_t gpa, uint64_t size) {
  if (gpa % 8 != 0) return HV_STATUS_INVALID_ALIGNMENT;
  if (size > kPageSize || (gpa % kPageSize) + size > kPageSize) return HV_STATUS_INVALID_PARAMETER;
  if (!p.HostPointer(gpa, size).ok()) return HV_STATUS_INVALID_PARAMETER;
  return HV_STATUS_SUCCESS;
}

// Validates the shared header of Get/SetVpRegisters and picks the target vCPU.
uint16_t TargetVcpu(Vcpu& self, const HypercallInput& in, uint64_t element_bytes,
                    Vcpu** target) {
  if (in.fast || in.var_header_qwords != 0) return HV_STATUS_INVALID_HYPERCALL_INPUT;
  Partition& p = self.partition();
  const uint64_t size = sizeof(hv_vp_registers_header) + element_bytes * in.rep_count;
  if (uint16_t s = CheckBlock(p, in.input_param, size); s != HV_STATUS_SUCCESS) return s;
  hv_vp_registers_header header;
  if (!p.ReadGpa(in.input_param, &header, sizeof(header)).ok()) return HV_STATUS_INVALID_PARAMETER;
  if (header.partition_id != HV_PARTITION_ID_SELF || header.input_vtl != 0) {
    return HV_STATUS_INVALID_PARAMETER;
  }
  if (header.vp_index == HV_VP_INDEX_SELF) {
    *target = &self;
  } else if (header.vp_index < p.vcpu_count()) {
    *target = &p.vcpu(header.vp_index);
  } else {
    return HV_STATUS_INVALID_VP_INDEX;
  }
  return HV_STATUS_SUCCESS;
}

}  // namespace

HypercallOutcome HvCallGetVpRegisters(Vcpu& vcpu, const HypercallInput& in) {
  Vcpu* target = nullptr;
  if (uint16_t s = TargetVcpu(vcpu, in, sizeof(hv_get_vp_register_element), &target);
      s != HV_STATUS_SUCCESS) {
    return {s, 0};
  }
  Partition& p = vcpu.partition();
  if (uint16_t s = CheckBlock(p, in.output_param, sizeof(hv_register_value) * in.rep_count);
      s != HV_STATUS_SUCCESS) {
    return {s, 0};
  }
  uint16_t done = in.rep_start;
  for (; done < in.rep_count; ++done) {
    hv_get_vp_register_element e;
    uint64_t at = in.input_param + sizeof(hv_vp_registers_header) + done * sizeof(e);
    if (!p.ReadGpa(at, &e, sizeof(e)).ok()) return {HV_STATUS_INVALID_PARAMETER, done};
    hv_register_value value = {0, 0};
    if (uint16_t s = target->synthetic_registers().GuestGet(e.name, &value.low);
        s != HV_STATUS_SUCCESS) {
      return {s, done};
    }
    if (!p.WriteGpa(in.output_param + done * sizeof(value), &value, sizeof(value)).ok()) {
      return {HV_STATUS_INVALID_PARAMETER, done};
    }
  }
  return {HV_STATUS_SUCCESS, done};
}

HypercallOutcome HvCallSetVpRegisters(Vcpu& vcpu, const HypercallInput& in) {
  Vcpu* target = nullptr;
  if (uint16_t s = TargetVcpu(vcpu, in, sizeof(hv_set_vp_register_element), &target);
      s != HV_STATUS_SUCCESS) {
    return {s, 0};
  }
  Partition& p = vcpu.partition();
  uint16_t done = in.rep_start;
  for (; done < in.rep_count; ++done) {
    hv_set_vp_register_element e;
    uint64_t at = in.input_param + sizeof(hv_vp_registers_header) + done * sizeof(e);
    if (!p.ReadGpa(at, &e, sizeof(e)).ok()) return {HV_STATUS_INVALID_PARAMETER, done};
    if (uint16_t s = target->synthetic_registers().GuestSet(e.name, e.value.low);
        s != HV_STATUS_SUCCESS) {
      return {s, done};
    }
  }
  return {HV_STATUS_SUCCESS, done};
}

HypercallDispatcher::HypercallDispatcher() {
  Register(HVCALL_GET_VP_REGISTERS, HvCallGetVpRegisters);
  Register(HVCALL_SET_VP_REGISTERS, HvCallSetVpRegisters);
}

void HypercallDispatcher::Register(uint16_t code, HypercallHandler handler) {
  absl::MutexLock lock(&mu_);
  handlers_[code] = std::move(handler);
}

void HypercallDispatcher::Unregister(uint16_t code) {
  absl::MutexLock lock(&mu_);
  handlers_.erase(code);
}

uint64_t HypercallDispatcher::Dispatch(Vcpu& vcpu, const HypercallExit& exit) {
  HypercallInput in;
  uint16_t status = DecodeHypercall(exit, &in);
  HypercallHandler handler;
  {
    absl::MutexLock lock(&mu_);
    ++calls_[static_cast<uint16_t>(exit.input & HV_HYPERCALL_CODE_MASK)];
    if (status == HV_STATUS_SUCCESS) {
      auto it = handlers_.find(in.code);
      if (it == handlers_.end()) {
        status = HV_STATUS_INVALID_HYPERCALL_CODE;
      } else {
        handler = it->second;
      }
    }
  }
  if (!handler) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return HypercallResult(status);
  }
  HypercallOutcome out = handler(vcpu, in);
  return HypercallResult(out.status, out.reps_completed);
}

ExitAction HypercallDispatcher::HandleExit(Vcpu& vcpu, VmExit& exit) {
  if (exit.reason == ExitReason::kVmcall) exit.hypercall.result = Dispatch(vcpu, exit.hypercall);
  return ExitAction::kResume;
}

std::map<uint16_t, uint64_t> HypercallDispatcher::CallsByCode() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

}  // namespace hv::shim
