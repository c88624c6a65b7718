// SqliteVmStore: VmStore on one SQLite file. WAL journal, synchronous=FULL,
// foreign keys on, a busy timeout, schema migrations by PRAGMA user_version,
// by default an exclusive lock on the file (SqliteStoreOptions::exclusive).
// Opening checks the file first (quick_check) and refuses, without writing a
// byte, a file that is not an SQLite database, is corrupt, or has a newer
// schema than this build knows.
#ifndef HV_VMMS_STORE_SQLITE_VM_STORE_H_
#define HV_VMMS_STORE_SQLITE_VM_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "vmms/store/vm_store.h"

namespace hv::vmms {

struct SqliteStoreOptions {
  // Database file. ":memory:" is for tests only. Required.
  std::string path;
  // Create the file (and its schema) if it does not exist. Default true.
  bool create_if_missing = true;
  // How long a write waits for another connection's lock. Default 5 s.
  int busy_timeout_ms = 5000;
  // This store owns the file (default true): opening takes SQLite's exclusive
  // lock (PRAGMA locking_mode = EXCLUSIVE) and holds it until the store is
  // destroyed, so no other process reads or writes the file meanwhile and a
  // second opener (another vmms on the same state directory) fails with
  // kUnavailable after `busy_timeout_ms`. Reads are then answered from the
  // store's memory of its own writes without a query (docs/scale/README.md
  // finding 5). False: other connections may share the file, and every
  // cached read first checks PRAGMA data_version for their commits.
  bool exclusive = true;
};

// The schema version this build writes (PRAGMA user_version). Older files
// are migrated on open (1 -> 2 adds the CIM-written descriptive settings,
// 2 -> 3 the jobs_by_vm index).
inline constexpr int kStoreSchemaVersion = 3;

absl::StatusOr<std::unique_ptr<VmStore>> OpenSqliteVmStore(const SqliteStoreOptions& options);

}  // namespace hv::vmms

#endif  // HV_VMMS_STORE_SQLITE_VM_STORE_H_
