#include "vmms/launcher/worker_status_conversion.h"

namespace hv::vmms {

WorkerStatus FromProto(const worker::v1::StatusReport& r) {
  WorkerStatus s;
  s.sequence = r.sequence();
  s.timestamp_unix_ms = r.timestamp_unix_ms();
  s.state = static_cast<VmState>(r.state());
  switch (r.dm_state()) {
    case worker::v1::DM_STATE_DISABLED: s.dm_state = DmState::kDisabled; break;
    case worker::v1::DM_STATE_NOT_ACTIVE: s.dm_state = DmState::kNotActive; break;
    case worker::v1::DM_STATE_NEGOTIATING: s.dm_state = DmState::kNegotiating; break;
    case worker::v1::DM_STATE_ACTIVE: s.dm_state = DmState::kActive; break;
    case worker::v1::DM_STATE_UNRESPONSIVE: s.dm_state = DmState::kUnresponsive; break;
    default: s.dm_state = DmState::kUnknown; break;
  }
  s.heartbeat = static_cast<uint32_t>(r.heartbeat());
  constexpr uint64_t kPagesPerMib = 256;  // 4 KiB pages
  s.committed_mib = r.guest_committed_pages() / kPagesPerMib;
  s.available_mib = r.guest_available_pages() / kPagesPerMib;
  s.assigned_mib = r.assigned_mib();
  s.guest_visible_mib = r.guest_visible_mib();
  s.target_mib = r.target_mib();
  s.ballooned_mib = r.guest_visible_mib() > r.assigned_mib() ? r.guest_visible_mib() - r.assigned_mib() : 0;
  s.added_mib_total = r.added_mib_total();
  s.removed_mib_total = r.removed_mib_total();
  s.add_operations = r.add_operations();
  s.remove_operations = r.remove_operations();
  s.pressure_current = r.pressure_current();
  s.pressure_minimum = r.pressure_minimum();
  s.pressure_maximum = r.pressure_maximum();
  s.pressure_average = r.pressure_average();
  s.guest_resident_bytes = r.guest_resident_bytes();
  s.worker_overhead_bytes = r.worker_overhead_bytes();
  s.cpu_time_us = r.cpu_time_us();
  s.workload_counter = r.workload_counter();
  s.misbehaviour_events = r.misbehaviour_events();
  for (const auto& [k, v] : r.exit_counts()) s.exit_counts[k] = v;
  return s;
}

worker::v1::WorkerConfig ToWorkerConfig(const VmRecord& vm, const std::string& socket_path,
                                        const std::string& state_dir,
                                        const std::string& default_image,
                                        const std::string& restore_from) {
  worker::v1::WorkerConfig c;
  c.set_vm_id(vm.id);
  c.set_vm_name(vm.name);
  worker::v1::MemorySettings* m = c.mutable_memory();
  m->set_dynamic_memory_enabled(vm.memory.dynamic_memory_enabled);
  m->set_startup_mib(vm.memory.startup_mib);
  m->set_minimum_mib(vm.memory.minimum_mib);
  m->set_maximum_mib(vm.memory.maximum_mib);
  m->set_buffer_percent(vm.memory.buffer_percent);
  m->set_weight(vm.memory.weight);
  c.set_vcpu_count(vm.vcpu_count);
  c.set_guest_image(vm.guest_image.empty() ? default_image : vm.guest_image);
  c.set_guest_command_line(vm.guest_command_line);
  c.set_backend(vm.backend);
  c.set_socket_path(socket_path);
  c.set_state_dir(state_dir);
  c.set_restore_from(restore_from);
  return c;
}

}  // namespace hv::vmms
