#include "worker/vmbus/vmbus_host.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "hypervisor-shim/vcpu.h"
#include "wire/tlfs.h"

namespace hv::worker {

VmbusHost::VmbusHost(shim::Partition* partition, shim::HypercallDispatcher* dispatcher,
                     EventLog* events, const Clock* clock, std::function<void()> wake_guest,
                     VmbusHostOptions options)
    : partition_(partition),
      dispatcher_(dispatcher),
      events_(events),
      clock_(clock),
      wake_guest_(std::move(wake_guest)),
      options_(options),
      ram_(partition),
      mailbox_(HV_VMBUS_MESSAGE_SINT),
      server_(&ram_, this, events, clock, options.server) {}

VmbusHost::~VmbusHost() { Stop(); }

absl::StatusOr<uint32_t> VmbusHost::AddDevice(const vmbus_guid& class_id,
                                              const vmbus_guid& instance, VmbusDevice* device,
                                              VmbusDevicePoll poll) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<uint32_t> relid = server_.AddDevice(class_id, instance, device);
  if (!relid.ok()) return relid;
  if (poll) polls_.push_back(std::move(poll));
  const uint32_t connection_id = server_.ConnectionIdFor(*relid);
  absl::MutexLock inbox_lock(&inbox_mu_);
  connection_ids_.push_back(connection_id);
  return relid;
}

absl::Status VmbusHost::Start() {
  if (started_) return absl::FailedPreconditionError("vmbus host: already started");
  started_ = true;
  stop_ = false;
  dispatcher_->Register(HVCALL_POST_MESSAGE, [this](shim::Vcpu& v, const shim::HypercallInput& in) {
    return OnPostMessage(v, in);
  });
  dispatcher_->Register(HVCALL_SIGNAL_EVENT, [this](shim::Vcpu& v, const shim::HypercallInput& in) {
    return OnSignalEvent(v, in);
  });
  // EOM (the guest freed its slot) and SIMP (the page moved) are the moments
  // the next queued message can go in. The mailbox has its own lock.
  partition_->vcpu(0).synthetic_registers().set_write_observer([this](uint32_t name, uint64_t) {
    if (name == HV_REGISTER_EOM || name == HV_REGISTER_SIMP) Deliver();
  });
  thread_ = std::thread([this] { PollLoop(); });
  return absl::OkStatus();
}

void VmbusHost::Stop() {
  if (!started_) return;
  started_ = false;
  stop_ = true;
  WakeHostThread();
  if (thread_.joinable()) thread_.join();
  dispatcher_->Unregister(HVCALL_POST_MESSAGE);
  dispatcher_->Unregister(HVCALL_SIGNAL_EVENT);
  partition_->vcpu(0).synthetic_registers().set_write_observer(nullptr);
}

void VmbusHost::PostMessage(absl::Span<const uint8_t> message) {
  mailbox_.Enqueue(HV_MESSAGE_TYPE_VMBUS, message);
}

void VmbusHost::SignalGuest(uint32_t) { wake_needed_ = true; }

void VmbusHost::Deliver() {
  const uint64_t simp = partition_->vcpu(0).synthetic_registers().simp();
  absl::StatusOr<bool> delivered = mailbox_.Deliver(&ram_, simp);
  if (delivered.ok() && *delivered) wake_needed_ = true;
}

void VmbusHost::Kick() { WakeHostThread(); }

void VmbusHost::WakeHostThread() {
  absl::MutexLock lock(&inbox_mu_);
  wake_host_ = true;
}

shim::HypercallOutcome VmbusHost::OnPostMessage(shim::Vcpu& vcpu,
                                                const shim::HypercallInput& in) {
  hv_post_message_input msg;
  if (in.fast || in.input_param % 8 != 0) return {HV_STATUS_INVALID_ALIGNMENT, 0};
  if (!vcpu.partition().ReadGpa(in.input_param, &msg, sizeof(msg)).ok()) {
    return {HV_STATUS_INVALID_PARAMETER, 0};
  }
  // The same checks VmbusServer::OnPostMessage makes first, answered here.
  if (msg.payload_size > HV_MESSAGE_PAYLOAD_BYTES || msg.message_type != HV_MESSAGE_TYPE_VMBUS) {
    return {HV_STATUS_INVALID_PARAMETER, 0};
  }
  if (msg.connection_id != VMBUS_MESSAGE_CONNECTION_ID) return {HV_STATUS_INVALID_CONNECTION_ID, 0};
  absl::MutexLock lock(&inbox_mu_);
  if (inbox_.size() >= 1024) return {HV_STATUS_INSUFFICIENT_BUFFERS, 0};  // a flooding guest
  inbox_.push_back(Posted{msg.connection_id, msg.message_type,
                          std::vector<uint8_t>(msg.payload, msg.payload + msg.payload_size)});
  wake_host_ = true;
  return {HV_STATUS_SUCCESS, 0};
}

shim::HypercallOutcome VmbusHost::OnSignalEvent(shim::Vcpu& vcpu,
                                                const shim::HypercallInput& in) {
  hv_signal_event_input ev;
  if (in.fast) {
    static_assert(sizeof(ev) == sizeof(uint64_t));
    std::memcpy(&ev, &in.input_param, sizeof(ev));
  } else if (!vcpu.partition().ReadGpa(in.input_param, &ev, sizeof(ev)).ok()) {
    return {HV_STATUS_INVALID_PARAMETER, 0};
  }
  absl::MutexLock lock(&inbox_mu_);
  // TLFS HvSignalEvent: an id that names no port is
  // HV_STATUS_INVALID_CONNECTION_ID. A guest may signal an offered channel
  // before its open completes; the host thread then finds nothing to drain.
  if (std::find(connection_ids_.begin(), connection_ids_.end(), ev.connection_id) ==
      connection_ids_.end()) {
    ++signals_refused_;
    last_refused_id_ = ev.connection_id;
    wake_host_ = true;  // the host thread records the event
    return {HV_STATUS_INVALID_CONNECTION_ID, 0};
  }
  ++signals_accepted_;
  wake_host_ = true;  // the host thread drains every open channel
  return {HV_STATUS_SUCCESS, 0};
}

void VmbusHost::Pause() {
  absl::MutexLock lock(&inbox_mu_);
  paused_ = true;
  inbox_mu_.Await(absl::Condition(
      +[](bool* in_pass) { return !*in_pass; }, &in_pass_));
}

void VmbusHost::Resume() {
  absl::MutexLock lock(&inbox_mu_);
  paused_ = false;
  wake_host_ = true;  // catch up at once on what the guest did before the pause
}

void VmbusHost::PollLoop() {
  // Stop sets stop_ and then takes inbox_mu_ (WakeHostThread), which makes
  // these conditions re-evaluate.
  auto unpaused = +[](VmbusHost* h) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !h->paused_ || h->stop_.load();
  };
  auto woken = +[](VmbusHost* h) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return h->wake_host_ || h->paused_ || h->stop_.load();
  };
  absl::Duration wait = options_.poll_interval;
  while (!stop_) {
    std::vector<Posted> posted;
    {
      absl::MutexLock lock(&inbox_mu_);
      in_pass_ = false;
      inbox_mu_.Await(absl::Condition(unpaused, this));  // a paused VM: sleep, no polling
      inbox_mu_.AwaitWithTimeout(absl::Condition(woken, this), wait);
      if (paused_ || stop_) continue;
      wake_host_ = false;
      posted.swap(inbox_);
      in_pass_ = true;
    }
    absl::Time next = absl::InfiniteFuture();
    {
      absl::MutexLock lock(&mu_);
      for (const Posted& m : posted) {
        server_.OnPostMessage(m.connection_id, m.message_type, m.payload);
      }
      server_.PollChannels();
      for (auto& poll : polls_) next = std::min(next, poll());
      server_.PollChannels();
    }
    Deliver();
    if (wake_needed_.exchange(false) && wake_guest_) wake_guest_();
    ReportRefusedSignals();
    // Sleep until the earliest device deadline, within [poll_interval,
    // idle_poll_interval]; a wake (hypercall, EOM/SIMP write, Kick) ends it early.
    wait = std::clamp(next - clock_->Now(), options_.poll_interval,
                      std::max(options_.poll_interval, options_.idle_poll_interval));
  }
  absl::MutexLock lock(&inbox_mu_);
  in_pass_ = false;
}

hv::worker::v1::VmbusHostState VmbusHost::Save() const {
  hv::worker::v1::VmbusHostState s;
  {
    absl::MutexLock lock(&mu_);
    *s.mutable_server() = server_.Save();
  }
  mailbox_.Save(s.mutable_mailbox());
  absl::MutexLock lock(&inbox_mu_);
  for (const Posted& p : inbox_) {
    hv::worker::v1::SynicMessageState* m = s.add_posted();
    m->set_message_type(p.message_type);
    m->set_payload(std::string(p.payload.begin(), p.payload.end()));
  }
  return s;
}

absl::Status VmbusHost::Restore(const hv::worker::v1::VmbusHostState& saved) {
  if (started_) return absl::FailedPreconditionError("vmbus host: restore after Start");
  std::vector<Posted> posted;
  if (saved.posted_size() > 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("vmbus saved state: posted: ", saved.posted_size(), " messages exceed 1024"));
  }
  for (int i = 0; i < saved.posted_size(); ++i) {
    const hv::worker::v1::SynicMessageState& m = saved.posted(i);
    if (m.message_type() != HV_MESSAGE_TYPE_VMBUS ||
        m.payload().size() > HV_MESSAGE_PAYLOAD_BYTES) {
      return absl::InvalidArgumentError(absl::StrCat(
          "vmbus saved state: posted[", i, "]: message_type ", m.message_type(), " / payload of ",
          m.payload().size(), " bytes is not a VMBus channel message"));
    }
    posted.push_back(Posted{VMBUS_MESSAGE_CONNECTION_ID, m.message_type(),
                            std::vector<uint8_t>(m.payload().begin(), m.payload().end())});
  }
  {
    // The mailbox first: it changes nothing on failure, the server neither.
    hv::worker::v1::VmbusHostState none;
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(mailbox_.Restore(saved.mailbox()));
    if (absl::Status s = server_.Restore(saved.server()); !s.ok()) {
      mailbox_.Restore(none.mailbox()).IgnoreError();
      return s;
    }
  }
  absl::MutexLock lock(&inbox_mu_);
  inbox_ = std::move(posted);
  wake_host_ = true;
  return absl::OkStatus();
}

void VmbusHost::ReportRefusedSignals() {
  uint64_t refused;
  uint32_t last;
  {
    absl::MutexLock lock(&inbox_mu_);
    refused = signals_refused_;
    last = last_refused_id_;
  }
  if (refused == refusals_reported_) return;
  events_->Add(clock_->Now(), "vmbus",
               absl::StrCat("vmbus: ", refused - refusals_reported_,
                            " HvSignalEvent call(s) refused for connection ids of no offered "
                            "channel (last 0x",
                            absl::Hex(last), ")"));
  refusals_reported_ = refused;
}

VmbusServerCounters VmbusHost::counters() const {
  VmbusServerCounters c;
  {
    absl::MutexLock lock(&mu_);
    c = server_.counters();
  }
  absl::MutexLock lock(&inbox_mu_);
  c.signals += signals_accepted_ + signals_refused_;
  c.signals_unknown += signals_refused_;
  return c;
}

uint32_t VmbusHost::ConnectionIdFor(uint32_t child_relid) const {
  absl::MutexLock lock(&mu_);
  return server_.ConnectionIdFor(child_relid);
}

bool VmbusHost::connected() const {
  absl::MutexLock lock(&mu_);
  return server_.connected();
}

}  // namespace hv::worker
