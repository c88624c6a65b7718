// WorkloadVsp: host end of the reference guest's workload control channel
// (wire/vmbus.h hv_workload_command / hv_workload_status; a project-specific
// device, not Hyper-V). The worker's RunWorkload RPC and the tests script the
// guest's memory demand with it; the guest reports its progress counter and
// holdings after each command and every second.
//
// Threading: OnOpen/OnClose/OnPacket/Poll on the VMBus driving thread;
// SendCommand, LastStatus from any thread.
#ifndef HV_WORKER_DEVICES_WORKLOAD_WORKLOAD_VSP_H_
#define HV_WORKER_DEVICES_WORKLOAD_WORKLOAD_VSP_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "hv/worker/v1/worker.pb.h"
#include "wire/vmbus.h"
#include "worker/vmbus/vmbus_device.h"

namespace hv::worker {

class WorkloadVsp : public VmbusDevice {
 public:
  void OnOpen(PacketSink* sink) override;
  void OnClose() override;
  // Stores status reports; malformed packets are counted and dropped.
  absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> payload) override;
  // Sends queued commands. Returns absl::InfinitePast() when some are still
  // queued (a full ring: poll again soon), else absl::InfiniteFuture().
  absl::Time Poll();

  // Queues a command ("alloc 64", "ramp 0 256 32 500", ...). InvalidArgument
  // if it does not fit (>= 120 bytes); FailedPrecondition if the guest has
  // not opened the channel.
  absl::Status SendCommand(std::string_view command);
  std::optional<hv_workload_status> LastStatus() const;
  bool open() const;
  uint64_t bad_packets() const;

  // Save/restore (Quick Migration): commands not yet sent, the last status
  // and the bad-packet count. Restore: InvalidArgument naming the entry for
  // an oversized or empty command, more than kMaxQueued, or a last_status
  // that is not an hv_workload_status; unchanged then.
  hv::worker::v1::WorkloadVspState Save() const;
  absl::Status Restore(const hv::worker::v1::WorkloadVspState& saved);
  void OnRestore(PacketSink* sink) override;
  static constexpr size_t kMaxQueued = 1024;

 private:
  mutable absl::Mutex mu_;
  PacketSink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  std::optional<hv_workload_status> last_ ABSL_GUARDED_BY(mu_);
  uint64_t bad_packets_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_WORKLOAD_WORKLOAD_VSP_H_
