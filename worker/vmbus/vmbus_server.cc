#include "worker/vmbus/vmbus_server.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_format.h"
#include "wire/tlfs.h"
#include "wire/vmbus.h"

namespace hv::worker {
namespace {

constexpr uint32_t kConnectionIdBase = 0x100;  // channel connection ids: base + relid
constexpr uint32_t kMaxDevices = 64;
constexpr uint32_t kStatusFailure = 0xC0000001u;  // any non-zero status is a failure

template <typename T>
bool Load(absl::Span<const uint8_t> p, T* out) {
  if (p.size() < sizeof(T)) return false;
  std::memcpy(out, p.data(), sizeof(T));
  return true;
}

uint64_t LoadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

}  // namespace

struct VmbusServer::Gpadl {
  uint32_t child_relid = 0;
  uint32_t expected_pages = 0;
  std::vector<uint64_t> pfns;
  bool complete = false;
  bool in_use = false;
};

class VmbusServer::ChannelSink : public PacketSink {
 public:
  ChannelSink(VmbusServer* server, Channel* channel) : server_(server), channel_(channel) {}
  absl::Status SendInband(absl::Span<const uint8_t> payload) override;

 private:
  VmbusServer* server_;
  Channel* channel_;
};

struct VmbusServer::Channel {
  uint32_t relid = 0;
  uint32_t connection_id = 0;
  vmbus_guid class_id = {};
  vmbus_guid instance = {};
  VmbusDevice* device = nullptr;
  bool open = false;
  bool broken = false;  // the outbound ring failed; close at the next drain
  std::string broken_why;
  uint32_t gpadl = 0;
  uint32_t downstream_offset = 0;  // first page of the outbound ring in the GPADL
  std::optional<Ring> inbound;   // guest -> host
  std::optional<Ring> outbound;  // host -> guest
  std::unique_ptr<ChannelSink> sink;
};

absl::Status VmbusServer::ChannelSink::SendInband(absl::Span<const uint8_t> payload) {
  Channel& c = *channel_;
  if (!c.open || c.broken) {
    return absl::FailedPreconditionError(
        absl::StrFormat("vmbus channel %u: cannot send while closed", c.relid));
  }
  absl::StatusOr<bool> signal = c.outbound->Write(VM_PKT_DATA_INBAND, 0, 0, payload);
  if (!signal.ok()) {
    if (signal.status().code() == absl::StatusCode::kResourceExhausted) {
      ++server_->counters_.send_ring_full;
    } else {
      c.broken = true;
      c.broken_why = std::string(signal.status().message());
    }
    return signal.status();
  }
  ++server_->counters_.packets_sent;
  if (*signal) server_->port_->SignalGuest(c.relid);
  return absl::OkStatus();
}

VmbusServer::VmbusServer(GuestRam* ram, VmbusHostPort* port, EventLog* events,
                         const Clock* clock, VmbusServerOptions options)
    : ram_(ram), port_(port), events_(events), clock_(clock), options_(std::move(options)) {}

VmbusServer::~VmbusServer() {
  for (auto& c : channels_) {
    if (c->open) c->device->OnClose();
  }
}

absl::StatusOr<uint32_t> VmbusServer::AddDevice(const vmbus_guid& class_id,
                                                const vmbus_guid& instance, VmbusDevice* device) {
  if (channels_.size() >= kMaxDevices) {
    return absl::ResourceExhaustedError("vmbus server: device table full (64)");
  }
  auto c = std::make_unique<Channel>();
  c->relid = static_cast<uint32_t>(channels_.size()) + 1;
  c->connection_id = kConnectionIdBase + c->relid;
  c->class_id = class_id;
  c->instance = instance;
  c->device = device;
  c->sink = std::make_unique<ChannelSink>(this, c.get());
  channels_.push_back(std::move(c));
  if (connected_ && offers_requested_) SendOffer(*channels_.back());
  return channels_.back()->relid;
}

VmbusServer::Channel* VmbusServer::FindChannel(uint32_t relid) {
  if (relid == 0 || relid > channels_.size()) return nullptr;
  return channels_[relid - 1].get();
}

bool VmbusServer::IsChannelOpen(uint32_t relid) const {
  return relid != 0 && relid <= channels_.size() && channels_[relid - 1]->open;
}

uint32_t VmbusServer::ConnectionIdFor(uint32_t relid) const {
  if (relid == 0 || relid > channels_.size()) return 0;
  return channels_[relid - 1]->connection_id;
}

void VmbusServer::Drop(bool malformed, std::string why) {
  ++(malformed ? counters_.messages_malformed : counters_.messages_unexpected);
  events_->Add(clock_->Now(), "vmbus", std::move(why));
}

void VmbusServer::SendMessage(const void* msg, size_t len) {
  port_->PostMessage(absl::MakeConstSpan(static_cast<const uint8_t*>(msg), len));
}

uint16_t VmbusServer::OnPostMessage(uint32_t connection_id, uint32_t message_type,
                                    absl::Span<const uint8_t> p) {
  if (connection_id != VMBUS_MESSAGE_CONNECTION_ID) return HV_STATUS_INVALID_CONNECTION_ID;
  if (message_type != HV_MESSAGE_TYPE_VMBUS || p.size() > VMBUS_MESSAGE_MAX_PAYLOAD) {
    return HV_STATUS_INVALID_PARAMETER;
  }
  ++counters_.messages_received;
  vmbus_channel_message_header h;
  if (!Load(p, &h)) {
    Drop(true, absl::StrFormat("vmbus: channel message of %u bytes is shorter than its header",
                               p.size()));
    return HV_STATUS_SUCCESS;
  }
  if (!connected_ && h.msgtype != CHANNELMSG_INITIATE_CONTACT) {
    Drop(false, absl::StrFormat("vmbus: message type %u before INITIATE_CONTACT", h.msgtype));
    return HV_STATUS_SUCCESS;
  }
  switch (h.msgtype) {
    case CHANNELMSG_INITIATE_CONTACT: HandleInitiateContact(p); break;
    case CHANNELMSG_REQUESTOFFERS: HandleRequestOffers(p); break;
    case CHANNELMSG_GPADL_HEADER: HandleGpadlHeader(p); break;
    case CHANNELMSG_GPADL_BODY: HandleGpadlBody(p); break;
    case CHANNELMSG_GPADL_TEARDOWN: HandleGpadlTeardown(p); break;
    case CHANNELMSG_OPENCHANNEL: HandleOpenChannel(p); break;
    case CHANNELMSG_CLOSECHANNEL: HandleCloseChannel(p); break;
    case CHANNELMSG_UNLOAD: HandleUnload(p); break;
    case CHANNELMSG_RELID_RELEASED: break;  // nothing to release: relids are static here
    default:
      Drop(true, absl::StrFormat("vmbus: message type %u is not a guest-to-host message",
                                 h.msgtype));
  }
  return HV_STATUS_SUCCESS;
}

void VmbusServer::HandleInitiateContact(absl::Span<const uint8_t> p) {
  vmbus_channel_initiate_contact m;
  if (!Load(p, &m)) return Drop(true, "vmbus: INITIATE_CONTACT too short");
  if (connected_) return Drop(false, "vmbus: INITIATE_CONTACT while connected");
  const bool ok = std::find(options_.versions.begin(), options_.versions.end(),
                            m.vmbus_version_requested) != options_.versions.end();
  vmbus_channel_version_response r = {};
  r.header.msgtype = CHANNELMSG_VERSION_RESPONSE;
  r.version_supported = ok ? 1 : 0;
  r.connection_state = ok ? 0 : 1;
  if (ok) {
    connected_ = true;
    version_ = m.vmbus_version_requested;
    events_->Add(clock_->Now(), "vmbus",
                 absl::StrFormat("vmbus: guest connected, version 0x%08x", version_));
  }
  SendMessage(&r, sizeof(r));
}

void VmbusServer::SendOffer(const Channel& c) {
  vmbus_channel_offer_channel o = {};
  o.header.msgtype = CHANNELMSG_OFFERCHANNEL;
  o.offer.if_type = c.class_id;
  o.offer.if_instance = c.instance;
  o.child_relid = c.relid;
  o.monitorid = 0xFF;
  o.is_dedicated_interrupt = 1;
  o.connection_id = c.connection_id;
  SendMessage(&o, sizeof(o));
  ++counters_.offers_sent;
}

void VmbusServer::HandleRequestOffers(absl::Span<const uint8_t> p) {
  if (offers_requested_) return Drop(false, "vmbus: REQUESTOFFERS repeated");
  offers_requested_ = true;
  for (const auto& c : channels_) SendOffer(*c);
  vmbus_channel_all_offers_delivered done = {};
  done.header.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED;
  SendMessage(&done, sizeof(done));
}

void VmbusServer::HandleGpadlHeader(absl::Span<const uint8_t> p) {
  vmbus_channel_gpadl_header m;
  vmbus_gpa_range range;
  if (!Load(p, &m) || !Load(p.subspan(sizeof(m)), &range)) {
    return Drop(true, "vmbus: GPADL_HEADER too short");
  }
  const uint32_t fixed = sizeof(m) + sizeof(range);
  const uint32_t npfns = m.range_buflen >= 8 ? (m.range_buflen - 8u) / 8u : 0;
  std::string bad;
  if (FindChannel(m.child_relid) == nullptr) {
    bad = absl::StrFormat("unknown relid %u", m.child_relid);
  } else if (m.gpadl == 0 || gpadls_.count(m.gpadl) != 0) {
    bad = absl::StrFormat("handle %u is zero or in use", m.gpadl);
  } else if (gpadls_.size() >= options_.max_gpadls) {
    bad = "too many GPADLs";
  } else if (m.rangecount != 1 || m.range_buflen < 8 || (m.range_buflen - 8) % 8 != 0) {
    bad = absl::StrFormat("rangecount %u / range_buflen %u unsupported", m.rangecount,
                          m.range_buflen);
  } else if (npfns == 0 || npfns > options_.max_gpadl_pages) {
    bad = absl::StrFormat("%u pages outside 1..%u", npfns, options_.max_gpadl_pages);
  } else if (range.byte_offset != 0 || range.byte_count != uint64_t{npfns} * VMBUS_PAGE_BYTES) {
    bad = absl::StrFormat("byte_offset %u / byte_count %u do not match %u pages",
                          range.byte_offset, range.byte_count, npfns);
  }
  if (!bad.empty()) {
    ++counters_.gpadls_rejected;
    return Drop(true, "vmbus: GPADL_HEADER rejected: " + bad);
  }
  Gpadl g;
  g.child_relid = m.child_relid;
  g.expected_pages = npfns;
  const size_t here = std::min<size_t>(npfns, (p.size() - fixed) / 8);
  for (size_t i = 0; i < here; ++i) g.pfns.push_back(LoadU64(p.data() + fixed + 8 * i));
  gpadls_[m.gpadl] = std::move(g);
  if (here == npfns) FinishGpadl(m.gpadl);
}

void VmbusServer::HandleGpadlBody(absl::Span<const uint8_t> p) {
  vmbus_channel_gpadl_body m;
  if (!Load(p, &m) || p.size() < sizeof(m) + 8) return Drop(true, "vmbus: GPADL_BODY too short");
  auto it = gpadls_.find(m.gpadl);
  if (it == gpadls_.end() || it->second.complete) {
    return Drop(false, absl::StrFormat("vmbus: GPADL_BODY for handle %u not being built", m.gpadl));
  }
  Gpadl& g = it->second;
  const size_t here = std::min<size_t>(g.expected_pages - g.pfns.size(), (p.size() - sizeof(m)) / 8);
  for (size_t i = 0; i < here; ++i) g.pfns.push_back(LoadU64(p.data() + sizeof(m) + 8 * i));
  if (g.pfns.size() == g.expected_pages) FinishGpadl(m.gpadl);
}

void VmbusServer::FinishGpadl(uint32_t handle) {
  Gpadl& g = gpadls_[handle];
  vmbus_channel_gpadl_created r = {};
  r.header.msgtype = CHANNELMSG_GPADL_CREATED;
  r.child_relid = g.child_relid;
  r.gpadl = handle;
  for (uint64_t pfn : g.pfns) {
    if (pfn >= (1ull << 52) || !ram_->Contains(pfn * VMBUS_PAGE_BYTES, VMBUS_PAGE_BYTES)) {
      ++counters_.gpadls_rejected;
      events_->Add(clock_->Now(), "vmbus",
                   absl::StrFormat("vmbus: GPADL %u rejected: pfn 0x%x is not guest RAM", handle,
                                   pfn));
      r.creation_status = kStatusFailure;
      gpadls_.erase(handle);
      SendMessage(&r, sizeof(r));
      return;
    }
  }
  g.complete = true;
  ++counters_.gpadls_created;
  SendMessage(&r, sizeof(r));
}

void VmbusServer::HandleGpadlTeardown(absl::Span<const uint8_t> p) {
  vmbus_channel_gpadl_teardown m;
  if (!Load(p, &m)) return Drop(true, "vmbus: GPADL_TEARDOWN too short");
  auto it = gpadls_.find(m.gpadl);
  if (it == gpadls_.end() || it->second.in_use) {
    return Drop(false, absl::StrFormat("vmbus: GPADL_TEARDOWN of handle %u: unknown or in use",
                                       m.gpadl));
  }
  gpadls_.erase(it);
  ++counters_.gpadls_torn_down;
  vmbus_channel_gpadl_torndown r = {};
  r.header.msgtype = CHANNELMSG_GPADL_TORNDOWN;
  r.gpadl = m.gpadl;
  SendMessage(&r, sizeof(r));
}

void VmbusServer::HandleOpenChannel(absl::Span<const uint8_t> p) {
  vmbus_channel_open_channel m;
  if (!Load(p, &m)) return Drop(true, "vmbus: OPENCHANNEL too short");
  Channel* c = FindChannel(m.child_relid);
  if (c == nullptr) {
    return Drop(true, absl::StrFormat("vmbus: OPENCHANNEL for unknown relid %u", m.child_relid));
  }
  vmbus_channel_open_result r = {};
  r.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT;
  r.child_relid = m.child_relid;
  r.openid = m.openid;
  std::string bad;
  auto it = gpadls_.find(m.ringbuffer_gpadlhandle);
  const uint32_t off = m.downstream_ringbuffer_pageoffset;
  if (c->open) {
    bad = "already open";
  } else if (it == gpadls_.end() || !it->second.complete || it->second.in_use ||
             it->second.child_relid != m.child_relid) {
    bad = absl::StrFormat("GPADL %u is not a free complete GPADL of this channel",
                          m.ringbuffer_gpadlhandle);
  } else if (off < 2 || off + 2 > it->second.pfns.size()) {
    bad = absl::StrFormat("downstream page offset %u invalid for %u pages", off,
                          it->second.pfns.size());
  }
  if (bad.empty()) {
    std::vector<uint64_t> in, out;
    for (size_t i = 0; i < it->second.pfns.size(); ++i) {
      (i < off ? in : out).push_back(it->second.pfns[i] * VMBUS_PAGE_BYTES);
    }
    auto inbound = Ring::Create(ram_, std::move(in));
    auto outbound = Ring::Create(ram_, std::move(out));
    if (!inbound.ok() || !outbound.ok()) {
      bad = std::string(inbound.ok() ? outbound.status().message() : inbound.status().message());
    } else {
      c->inbound = *std::move(inbound);
      c->outbound = *std::move(outbound);
    }
  }
  if (!bad.empty()) {
    ++counters_.opens_rejected;
    events_->Add(clock_->Now(), "vmbus",
                 absl::StrFormat("vmbus channel %u: open rejected: %s", m.child_relid, bad));
    r.status = kStatusFailure;
    SendMessage(&r, sizeof(r));
    return;
  }
  it->second.in_use = true;
  c->gpadl = m.ringbuffer_gpadlhandle;
  c->downstream_offset = off;
  c->open = true;
  c->broken = false;
  ++counters_.channels_opened;
  SendMessage(&r, sizeof(r));
  c->device->OnOpen(c->sink.get());
}

void VmbusServer::CloseChannel(Channel& c, bool reset, const std::string& why) {
  if (!c.open) return;
  c.open = false;
  c.inbound.reset();
  c.outbound.reset();
  auto it = gpadls_.find(c.gpadl);
  if (it != gpadls_.end()) it->second.in_use = false;
  ++(reset ? counters_.channels_reset : counters_.channels_closed);
  events_->Add(clock_->Now(), "vmbus",
               absl::StrFormat("vmbus channel %u: %s: %s", c.relid,
                               reset ? "reset by host" : "closed by guest", why));
  c.device->OnClose();
}

void VmbusServer::HandleCloseChannel(absl::Span<const uint8_t> p) {
  vmbus_channel_close_channel m;
  if (!Load(p, &m)) return Drop(true, "vmbus: CLOSECHANNEL too short");
  Channel* c = FindChannel(m.child_relid);
  if (c == nullptr || !c->open) {
    return Drop(false, absl::StrFormat("vmbus: CLOSECHANNEL of relid %u which is not open",
                                       m.child_relid));
  }
  CloseChannel(*c, false, "CLOSECHANNEL");
}

void VmbusServer::HandleUnload(absl::Span<const uint8_t> p) {
  for (auto& c : channels_) CloseChannel(*c, false, "UNLOAD");
  gpadls_.clear();
  connected_ = false;
  offers_requested_ = false;
  version_ = 0;
  ++counters_.unloads;
  vmbus_channel_unload r = {};
  r.header.msgtype = CHANNELMSG_UNLOAD_RESPONSE;
  SendMessage(&r, sizeof(r));
}

void VmbusServer::DrainChannel(Channel& c) {
  for (uint32_t i = 0; i < options_.packets_per_pass && c.open; ++i) {
    if (c.broken) return CloseChannel(c, true, c.broken_why);
    absl::StatusOr<std::optional<RingPacket>> p = c.inbound->Read(options_.max_packet_payload);
    if (!p.ok()) return CloseChannel(c, true, std::string(p.status().message()));
    if (!p->has_value()) break;
    ++counters_.packets_delivered;
    absl::Status s = c.device->OnPacket((*p)->type, (*p)->payload);
    if (!s.ok()) return CloseChannel(c, true, std::string(s.message()));
  }
  if (c.open && c.broken) CloseChannel(c, true, c.broken_why);
}

uint16_t VmbusServer::OnSignalEvent(uint32_t connection_id) {
  ++counters_.signals;
  for (auto& c : channels_) {
    if (c->connection_id == connection_id && c->open) {
      DrainChannel(*c);
      return HV_STATUS_SUCCESS;
    }
  }
  ++counters_.signals_unknown;
  return HV_STATUS_INVALID_CONNECTION_ID;
}

void VmbusServer::PollChannels() {
  for (auto& c : channels_) {
    if (c->open) DrainChannel(*c);
  }
}

// ---- save / restore ----

namespace {

std::string GuidBytes(const vmbus_guid& g) {
  return std::string(reinterpret_cast<const char*>(g.b), sizeof(g.b));
}

absl::Status Bad(const std::string& why) {
  return absl::InvalidArgumentError("vmbus saved state: " + why);
}

}  // namespace

hv::worker::v1::VmbusServerState VmbusServer::Save() const {
  hv::worker::v1::VmbusServerState s;
  s.set_connected(connected_);
  s.set_version(version_);
  s.set_offers_requested(offers_requested_);
  for (const auto& c : channels_) {
    hv::worker::v1::VmbusChannelState* cs = s.add_channels();
    cs->set_relid(c->relid);
    cs->set_class_id(GuidBytes(c->class_id));
    cs->set_instance_id(GuidBytes(c->instance));
    // A channel whose outbound ring broke is closed at its next drain; it
    // is saved as open and the restored server finds the ring broken again.
    cs->set_open(c->open);
    if (c->open) {
      cs->set_gpadl(c->gpadl);
      cs->set_downstream_page_offset(c->downstream_offset);
    }
  }
  for (const auto& [handle, g] : gpadls_) {
    hv::worker::v1::VmbusGpadlState* gs = s.add_gpadls();
    gs->set_handle(handle);
    gs->set_child_relid(g.child_relid);
    gs->set_expected_pages(g.expected_pages);
    for (uint64_t pfn : g.pfns) gs->add_pfns(pfn);
    gs->set_complete(g.complete);
    gs->set_in_use(g.in_use);
  }
  return s;
}

absl::Status VmbusServer::Restore(const hv::worker::v1::VmbusServerState& saved) {
  if (connected_ || !gpadls_.empty()) {
    return absl::FailedPreconditionError("vmbus server: restore into a server already in use");
  }
  if (saved.connected()) {
    if (std::find(options_.versions.begin(), options_.versions.end(), saved.version()) ==
        options_.versions.end()) {
      return Bad(absl::StrFormat("version 0x%08x is not one this host accepts", saved.version()));
    }
  } else if (saved.version() != 0 || saved.offers_requested() || saved.gpadls_size() != 0) {
    return Bad("disconnected, but version/offers_requested/gpadls are set");
  }
  if (static_cast<size_t>(saved.channels_size()) != channels_.size()) {
    return Bad(absl::StrFormat("channels: %d saved, %u devices offered now", saved.channels_size(),
                               channels_.size()));
  }
  if (static_cast<uint32_t>(saved.gpadls_size()) > options_.max_gpadls) {
    return Bad(absl::StrFormat("gpadls: %d exceed the limit %u", saved.gpadls_size(),
                               options_.max_gpadls));
  }
  std::map<uint32_t, Gpadl> gpadls;
  for (int i = 0; i < saved.gpadls_size(); ++i) {
    const hv::worker::v1::VmbusGpadlState& gs = saved.gpadls(i);
    const std::string at = absl::StrFormat("gpadls[%d] (handle %u): ", i, gs.handle());
    if (gs.handle() == 0 || gpadls.count(gs.handle()) != 0) return Bad(at + "handle zero or repeated");
    if (FindChannel(gs.child_relid()) == nullptr) {
      return Bad(at + absl::StrFormat("child_relid %u unknown", gs.child_relid()));
    }
    if (gs.expected_pages() == 0 || gs.expected_pages() > options_.max_gpadl_pages ||
        static_cast<uint32_t>(gs.pfns_size()) > gs.expected_pages()) {
      return Bad(at + absl::StrFormat("expected_pages %u / %d pfns outside 1..%u",
                                      gs.expected_pages(), gs.pfns_size(),
                                      options_.max_gpadl_pages));
    }
    const bool full = static_cast<uint32_t>(gs.pfns_size()) == gs.expected_pages();
    if (gs.complete() != full || (gs.in_use() && !gs.complete())) {
      return Bad(at + "complete/in_use disagree with the pages present");
    }
    Gpadl g;
    g.child_relid = gs.child_relid();
    g.expected_pages = gs.expected_pages();
    for (uint64_t pfn : gs.pfns()) {
      if (gs.complete() &&
          (pfn >= (1ull << 52) || !ram_->Contains(pfn * VMBUS_PAGE_BYTES, VMBUS_PAGE_BYTES))) {
        return Bad(at + absl::StrFormat("pfn 0x%x is not guest RAM", pfn));
      }
      g.pfns.push_back(pfn);
    }
    g.complete = gs.complete();
    g.in_use = gs.in_use();
    gpadls[gs.handle()] = std::move(g);
  }
  struct Rebuilt {
    Channel* channel;
    uint32_t gpadl;
    uint32_t offset;
    Ring inbound, outbound;
  };
  std::vector<Rebuilt> rebuilt;
  size_t in_use = 0;
  for (const auto& [handle, g] : gpadls) in_use += g.in_use ? 1 : 0;
  for (int i = 0; i < saved.channels_size(); ++i) {
    const hv::worker::v1::VmbusChannelState& cs = saved.channels(i);
    Channel& c = *channels_[i];
    const std::string at = absl::StrFormat("channels[%d] (relid %u): ", i, cs.relid());
    if (cs.relid() != c.relid || cs.class_id() != GuidBytes(c.class_id) ||
        cs.instance_id() != GuidBytes(c.instance)) {
      return Bad(at + "relid or GUIDs differ from the device offered now");
    }
    if (!cs.open()) continue;
    if (!saved.connected() || !saved.offers_requested()) return Bad(at + "open before offers");
    auto it = gpadls.find(cs.gpadl());
    if (it == gpadls.end() || !it->second.in_use || it->second.child_relid != c.relid) {
      return Bad(at + absl::StrFormat("gpadl %u is not an in-use GPADL of this channel",
                                      cs.gpadl()));
    }
    const uint32_t off = cs.downstream_page_offset();
    if (off < 2 || uint64_t{off} + 2 > it->second.pfns.size()) {
      return Bad(at + absl::StrFormat("downstream_page_offset %u invalid for %u pages", off,
                                      it->second.pfns.size()));
    }
    for (const Rebuilt& r : rebuilt) {
      if (r.gpadl == cs.gpadl()) return Bad(at + "gpadl shared with another open channel");
    }
    std::vector<uint64_t> in, out;
    for (size_t p = 0; p < it->second.pfns.size(); ++p) {
      (p < off ? in : out).push_back(it->second.pfns[p] * VMBUS_PAGE_BYTES);
    }
    absl::StatusOr<Ring> inbound = Ring::Create(ram_, std::move(in));
    absl::StatusOr<Ring> outbound = Ring::Create(ram_, std::move(out));
    if (!inbound.ok() || !outbound.ok()) {
      return Bad(at + std::string(inbound.ok() ? outbound.status().message()
                                               : inbound.status().message()));
    }
    rebuilt.push_back(Rebuilt{&c, cs.gpadl(), off, *std::move(inbound), *std::move(outbound)});
  }
  if (rebuilt.size() != in_use) {
    return Bad(absl::StrFormat("%u GPADLs marked in use but %u channels open", in_use,
                               rebuilt.size()));
  }
  // Valid: commit.
  connected_ = saved.connected();
  version_ = saved.version();
  offers_requested_ = saved.offers_requested();
  gpadls_ = std::move(gpadls);
  for (Rebuilt& r : rebuilt) {
    Channel& c = *r.channel;
    c.inbound = std::move(r.inbound);
    c.outbound = std::move(r.outbound);
    c.gpadl = r.gpadl;
    c.downstream_offset = r.offset;
    c.open = true;
    c.broken = false;
  }
  events_->Add(clock_->Now(), "vmbus",
               absl::StrFormat("vmbus: restored (connected=%d, %u open channels, %u GPADLs)",
                               connected_, rebuilt.size(), gpadls_.size()));
  for (Rebuilt& r : rebuilt) r.channel->device->OnRestore(r.channel->sink.get());
  return absl::OkStatus();
}

}  // namespace hv::worker
