#include "hypervisor-shim/exit_dispatcher.h"

namespace hv::shim {

ExitAction DefaultExitAction(VmExit& exit) {
  switch (exit.reason) {
    case ExitReason::kCpuid:
    case ExitReason::kVmcall:
      return ExitAction::kResume;  // the backend's preset answer stands
    case ExitReason::kIoInstruction:
      if (exit.io.in) exit.io.value = 0xFFFFFFFFu;  // unclaimed port reads all ones
      return ExitAction::kResume;
    case ExitReason::kMsrRead:
    case ExitReason::kMsrWrite:
      exit.msr.fault = true;
      return ExitAction::kResume;
    case ExitReason::kEptViolation:
      if (exit.ept.mmio) {
        if (!(exit.ept.access & kAccessWrite)) exit.ept.value = ~0ull;  // unclaimed MMIO
        return ExitAction::kResume;
      }
      return ExitAction::kReturn;
    default:
      return ExitAction::kReturn;
  }
}

ExitDispatcher::ExitDispatcher() {
  fallback_ = [](Vcpu&, VmExit& exit) { return DefaultExitAction(exit); };
}

void ExitDispatcher::SetHandler(ExitReason reason, ExitHandlerFn handler) {
  table_[static_cast<uint16_t>(reason)] = std::move(handler);
}

void ExitDispatcher::SetHandler(ExitReason reason, ExitHandler* handler) {
  table_[static_cast<uint16_t>(reason)] = [handler](Vcpu& v, VmExit& e) {
    return handler->HandleExit(v, e);
  };
}

void ExitDispatcher::SetFallback(ExitHandlerFn fallback) { fallback_ = std::move(fallback); }

ExitAction ExitDispatcher::HandleExit(Vcpu& vcpu, VmExit& exit) {
  uint16_t n = static_cast<uint16_t>(exit.reason);
  if (n < table_.size() && table_[n]) return table_[n](vcpu, exit);
  return fallback_(vcpu, exit);
}

ExitAction CompositeExitHandler::HandleExit(Vcpu& vcpu, VmExit& exit) {
  ExitAction result = ExitAction::kResume;
  for (ExitHandler* h : handlers_) {
    if (h->HandleExit(vcpu, exit) == ExitAction::kReturn) result = ExitAction::kReturn;
  }
  return result;
}

ExitAction DeviceBusHandler::HandleExit(Vcpu& vcpu, VmExit& exit) {
  if (exit.reason == ExitReason::kIoInstruction && io_ != nullptr) {
    if (exit.io.in) {
      if (std::optional<uint64_t> v = io_->Read(exit.io.port, exit.io.size)) {
        exit.io.value = static_cast<uint32_t>(*v);
        return ExitAction::kResume;
      }
    } else if (io_->Write(exit.io.port, exit.io.size, exit.io.value)) {
      return ExitAction::kResume;
    }
  } else if (exit.reason == ExitReason::kEptViolation && exit.ept.mmio && mmio_ != nullptr) {
    if (exit.ept.access & kAccessWrite) {
      if (mmio_->Write(exit.ept.gpa, exit.ept.size, exit.ept.value)) return ExitAction::kResume;
    } else if (std::optional<uint64_t> v = mmio_->Read(exit.ept.gpa, exit.ept.size)) {
      exit.ept.value = *v;
      return ExitAction::kResume;
    }
  } else {
    return DefaultExitAction(exit);
  }
  unclaimed_.fetch_add(1, std::memory_order_relaxed);
  return DefaultExitAction(exit);
}

}  // namespace hv::shim
