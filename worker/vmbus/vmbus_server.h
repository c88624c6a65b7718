// VmbusServer: the host side of the VMBus channel-message protocol
// (hyperv.md §2): INITIATE_CONTACT/VERSION_RESPONSE, REQUESTOFFERS/
// OFFERCHANNEL/ALLOFFERS_DELIVERED, GPADL_HEADER/BODY/CREATED, GPADL_TEARDOWN/
// TORNDOWN, OPENCHANNEL/OPENCHANNEL_RESULT, CLOSECHANNEL, UNLOAD/
// UNLOAD_RESPONSE. It offers registered devices by class GUID, builds the
// channel rings over guest GPADLs and moves in-band packets between rings and
// devices.
//
// Everything the guest sends is validated; a malformed or unexpected channel
// message is dropped, counted and recorded as an event. A ring the guest
// corrupts, or a device that rejects a packet, closes that channel only.
//
// Thread-compatible: the worker drives one server from one thread (the vCPU
// thread's hypercall handlers and its poll); devices are called on it.
#ifndef HV_WORKER_VMBUS_VMBUS_SERVER_H_
#define HV_WORKER_VMBUS_VMBUS_SERVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "hv/worker/v1/worker.pb.h"
#include "wire/vmbus.h"
#include "worker/vmbus/clock.h"
#include "worker/vmbus/event_log.h"
#include "worker/vmbus/guest_ram.h"
#include "worker/vmbus/ring.h"
#include "worker/vmbus/vmbus_device.h"

namespace hv::worker {

// How the server reaches the guest.
class VmbusHostPort {
 public:
  virtual ~VmbusHostPort() = default;
  // Queues one channel message (<= 240 bytes) for the guest's SynIC SINT 2
  // message slot (see SynicMailbox).
  virtual void PostMessage(absl::Span<const uint8_t> message) = 0;
  // Wakes the guest: a ring it reads has new data.
  virtual void SignalGuest(uint32_t child_relid) = 0;
};

struct VmbusServerOptions {
  // Versions accepted from INITIATE_CONTACT. Default: Win7 .. Win10 (the
  // interrupt-page form of INITIATE_CONTACT; >= 5.0 is not offered).
  std::vector<uint32_t> versions = {VMBUS_VERSION_WIN10, VMBUS_VERSION_WIN8_1,
                                    VMBUS_VERSION_WIN8, VMBUS_VERSION_WIN7};
  // Largest GPADL in pages (default 1024 = 4 MiB) and most GPADLs at once.
  uint32_t max_gpadl_pages = 1024;
  uint32_t max_gpadls = 64;
  // Largest in-band payload accepted from a guest ring (default 8 KiB).
  size_t max_packet_payload = 8192;
  // Packets taken from one channel per signal or poll (default 64); the rest
  // wait for the next poll, so a flooding guest cannot monopolise the thread.
  uint32_t packets_per_pass = 64;
};

struct VmbusServerCounters {
  uint64_t messages_received = 0;
  uint64_t messages_malformed = 0;   // bad size, unknown type, bad field
  uint64_t messages_unexpected = 0;  // valid but not allowed in this state
  uint64_t offers_sent = 0;
  uint64_t gpadls_created = 0;
  uint64_t gpadls_rejected = 0;
  uint64_t gpadls_torn_down = 0;
  uint64_t channels_opened = 0;
  uint64_t opens_rejected = 0;
  uint64_t channels_closed = 0;      // by the guest
  uint64_t channels_reset = 0;       // by the host after guest misbehaviour
  uint64_t signals = 0;
  uint64_t signals_unknown = 0;      // HvSignalEvent to no open channel
  uint64_t packets_delivered = 0;
  uint64_t packets_sent = 0;
  uint64_t send_ring_full = 0;
  uint64_t unloads = 0;
};

class VmbusServer {
 public:
  // `ram`, `port`, `events`, `clock` must outlive the server.
  VmbusServer(GuestRam* ram, VmbusHostPort* port, EventLog* events, const Clock* clock,
              VmbusServerOptions options = {});
  ~VmbusServer();
  VmbusServer(const VmbusServer&) = delete;
  VmbusServer& operator=(const VmbusServer&) = delete;

  // Registers a device to offer, before or after the guest connects (an
  // offer made while connected is sent at once). Returns the child relid.
  // `device` must outlive the server. kResourceExhausted past 64 devices.
  absl::StatusOr<uint32_t> AddDevice(const vmbus_guid& class_id, const vmbus_guid& instance,
                                     VmbusDevice* device);

  // HvPostMessage from the guest. Returns the hypercall status
  // (HV_STATUS_INVALID_CONNECTION_ID for a connection other than 1,
  // HV_STATUS_INVALID_PARAMETER for a bad message type or size); a
  // well-delivered but malformed channel message still returns success and is
  // dropped and counted, as a real host does.
  uint16_t OnPostMessage(uint32_t connection_id, uint32_t message_type,
                         absl::Span<const uint8_t> payload);

  // HvSignalEvent from the guest: drains that channel's inbound ring.
  // HV_STATUS_INVALID_CONNECTION_ID if no open channel has `connection_id`.
  uint16_t OnSignalEvent(uint32_t connection_id);

  // Drains every open channel's inbound ring (bounded per channel). Call after
  // each vCPU wake-up; the guest may have written without signalling.
  void PollChannels();

  bool connected() const { return connected_; }
  uint32_t negotiated_version() const { return version_; }
  bool IsChannelOpen(uint32_t child_relid) const;
  // The connection id the guest signals for `child_relid` (0 if unknown).
  uint32_t ConnectionIdFor(uint32_t child_relid) const;
  const VmbusServerCounters& counters() const { return counters_; }

  // Save/restore (Quick Migration; the rings themselves live in guest RAM,
  // which the partition snapshot carries). Save: the connection, the offered
  // channels, every GPADL and which channel is open over which GPADL.
  hv::worker::v1::VmbusServerState Save() const;
  // Restores `saved` into a server that has not yet seen the guest and has
  // the same devices added in the same order; rebuilds each open channel's
  // rings and calls its device's OnRestore. Everything is validated first
  // (versions, relids and GUIDs, GPADL sizes and pages in guest RAM, ring
  // offsets, one open channel per in-use GPADL): InvalidArgument naming the
  // field, FailedPrecondition for a server already in use; nothing changes
  // on an error.
  absl::Status Restore(const hv::worker::v1::VmbusServerState& saved);

 private:
  struct Channel;
  struct Gpadl;
  class ChannelSink;

  void Drop(bool malformed, std::string why);
  void SendMessage(const void* msg, size_t len);
  void SendOffer(const Channel& c);
  void HandleInitiateContact(absl::Span<const uint8_t> p);
  void HandleRequestOffers(absl::Span<const uint8_t> p);
  void HandleGpadlHeader(absl::Span<const uint8_t> p);
  void HandleGpadlBody(absl::Span<const uint8_t> p);
  void HandleGpadlTeardown(absl::Span<const uint8_t> p);
  void HandleOpenChannel(absl::Span<const uint8_t> p);
  void HandleCloseChannel(absl::Span<const uint8_t> p);
  void HandleUnload(absl::Span<const uint8_t> p);
  void FinishGpadl(uint32_t handle);
  void DrainChannel(Channel& c);
  void CloseChannel(Channel& c, bool reset, const std::string& why);
  Channel* FindChannel(uint32_t relid);

  GuestRam* ram_;
  VmbusHostPort* port_;
  EventLog* events_;
  const Clock* clock_;
  VmbusServerOptions options_;
  bool connected_ = false;
  uint32_t version_ = 0;
  bool offers_requested_ = false;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::map<uint32_t, Gpadl> gpadls_;
  VmbusServerCounters counters_;
};

}  // namespace hv::worker

#endif  // HV_WORKER_VMBUS_VMBUS_SERVER_H_
