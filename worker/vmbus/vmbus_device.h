// The interface between the VMBus server and one device (a VSP) it offers.
// Devices never see rings, GPADLs or guest addresses: they receive in-band
// packet payloads and send payloads through a PacketSink. This is what makes a
// device's protocol core testable without a guest (hyperv.md §2; OpenVMM's
// SimpleVmbusDevice, style-anchors.md §8).
#ifndef HV_WORKER_VMBUS_VMBUS_DEVICE_H_
#define HV_WORKER_VMBUS_VMBUS_DEVICE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace hv::worker {

// Host -> guest packets of one open channel.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  // Sends one in-band packet (type 6, no completion requested) and wakes the
  // guest if needed. kResourceExhausted: the guest has not drained its ring
  // (retry later); kFailedPrecondition: the channel is closed; kDataLoss: the
  // guest corrupted the ring (the server closes the channel).
  virtual absl::Status SendInband(absl::Span<const uint8_t> payload) = 0;
};

class VmbusDevice {
 public:
  virtual ~VmbusDevice() = default;
  // The guest opened the channel. `sink` stays valid until OnClose returns.
  virtual void OnOpen(PacketSink* sink) = 0;
  // The channel closed (guest CLOSECHANNEL, UNLOAD, or a host-side reset).
  virtual void OnClose() = 0;
  // The channel was open when the VM was saved and a restoring server has
  // rebuilt it (VmbusServer::Restore): attach `sink` without resetting the
  // protocol state the device restored on its own. The default is OnOpen,
  // right for devices that keep no state across a channel open.
  virtual void OnRestore(PacketSink* sink) { OnOpen(sink); }
  // One packet from the guest; `type` is VM_PKT_*. Returning an error makes
  // the server close the channel (the guest is hostile or broken); the error
  // text is recorded as an event.
  virtual absl::Status OnPacket(uint16_t type, absl::Span<const uint8_t> payload) = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_VMBUS_DEVICE_H_
