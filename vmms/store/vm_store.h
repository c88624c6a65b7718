// VmStore: the durable truth about VMs, their memory settings, jobs, workers
// and the audit log of events. Every mutating call returns only after its
// transaction is durable (SQLite: WAL + synchronous=FULL), so a change
// acknowledged to a client survives a crash of vmms or the host.
//
// Errors: kNotFound for unknown ids/names, kAlreadyExists for a duplicate
// name or id, kAborted when an update's `version` is stale (someone wrote in
// between), kUnavailable when the database stays busy past its timeout,
// kDataLoss/kFailedPrecondition for a corrupt or foreign file (never
// overwritten). Messages name the object: "vm 'web1': already exists".
//
// Thread-safe: implementations serialize their own access.
#ifndef HV_VMMS_STORE_VM_STORE_H_
#define HV_VMMS_STORE_VM_STORE_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vmms/model/vm.h"

namespace hv::vmms {

class VmStore {
 public:
  virtual ~VmStore() = default;

  // Inserts `vm` (version becomes 1) and logs `event`, atomically.
  virtual absl::StatusOr<VmRecord> CreateVm(const VmRecord& vm, const EventRecord& event) = 0;
  virtual absl::StatusOr<VmRecord> GetVm(absl::string_view id) = 0;
  // Case-insensitive, as Hyper-V VM names are.
  virtual absl::StatusOr<VmRecord> GetVmByName(absl::string_view name) = 0;
  virtual absl::StatusOr<std::vector<VmRecord>> ListVms() = 0;
  // Writes `vm` if the stored version equals vm.version, bumps the version and
  // logs `event`, atomically. Returns the stored record.
  virtual absl::StatusOr<VmRecord> UpdateVm(const VmRecord& vm, const EventRecord& event) = 0;
  // Deletes the VM with its settings and worker record; its jobs keep a
  // dangling vm_id (they are history). Logs `event`.
  virtual absl::Status DeleteVm(absl::string_view id, const EventRecord& event) = 0;

  virtual absl::Status PutWorker(const WorkerRecord& worker) = 0;  // insert or replace
  virtual absl::Status DeleteWorker(absl::string_view vm_id) = 0;   // ok if absent
  virtual absl::StatusOr<std::vector<WorkerRecord>> ListWorkers() = 0;

  virtual absl::Status PutJob(const JobRecord& job) = 0;           // insert or replace
  virtual absl::StatusOr<JobRecord> GetJob(absl::string_view id) = 0;
  virtual absl::StatusOr<std::vector<JobRecord>> ListJobs() = 0;
  // The latest finished_unix_ms among `vm_id`'s jobs of `job_type` in
  // `state`; 0 when there is none. One indexed lookup (not a scan of the
  // jobs table), so callers may ask once per VM.
  virtual absl::StatusOr<int64_t> LatestJobFinish(absl::string_view vm_id, uint32_t job_type,
                                                  JobState state) = 0;
  // Removes finished jobs whose TimeBeforeRemoval has passed. Returns how many.
  virtual absl::StatusOr<int> RemoveExpiredJobs(int64_t now_unix_ms) = 0;

  virtual absl::StatusOr<int64_t> AppendEvent(const EventRecord& event) = 0;  // returns seq
  // Events after `after_seq`, oldest first; `vm_id` empty = all VMs.
  virtual absl::StatusOr<std::vector<EventRecord>> ListEvents(absl::string_view vm_id,
                                                              int64_t after_seq, int limit) = 0;

  // "ok", or the first problems found by a full integrity check.
  virtual absl::StatusOr<std::string> IntegrityCheck() = 0;
};

}  // namespace hv::vmms

#endif  // HV_VMMS_STORE_VM_STORE_H_
