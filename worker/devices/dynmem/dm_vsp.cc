#include "worker/devices/dynmem/dm_vsp.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "absl/strings/str_format.h"
#include "wire/vmbus.h"

namespace hv::worker {
namespace {

uint64_t RoundUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
uint64_t RoundDown(uint64_t v, uint64_t a) { return v / a * a; }

}  // namespace

std::string_view DmStateToString(DmState s) {
  switch (s) {
    case DmState::kNotActive: return "Dynamic Memory not active";
    case DmState::kNegotiating: return "negotiating";
    case DmState::kActive: return "active";
    case DmState::kUnresponsive: return "unresponsive";
  }
  return "unknown";
}

std::string_view DmTransactionToString(DmTransaction t) {
  switch (t) {
    case DmTransaction::kNone: return "none";
    case DmTransaction::kBalloon: return "balloon";
    case DmTransaction::kUnballoon: return "unballoon";
    case DmTransaction::kHotAdd: return "hot-add";
  }
  return "unknown";
}

DmVsp::DmVsp(DmMemoryControl* memory, const Clock* clock, EventLog* events, DmVspOptions options)
    : memory_(memory), clock_(clock), events_(events), options_(std::move(options)) {
  status_.startup_pages = options_.startup_pages;
  status_.maximum_pages = std::max(options_.maximum_pages, options_.startup_pages);
  status_.visible_pages = options_.startup_pages;
  mapped_top_pfn_ = options_.startup_pages;
}

void DmVsp::Event(const std::string& what) { events_->Add(clock_->Now(), "dynmem", what); }

absl::Status DmVsp::Misbehaved(const std::string& why) {
  ++misbehaviour_;
  Event(why);
  if (misbehaviour_ > options_.max_misbehaviour_messages) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "dm vsp: guest exceeded %u protocol violations (last: %s); closing the channel",
        options_.max_misbehaviour_messages, why));
  }
  return absl::OkStatus();
}

absl::Status DmVsp::Unexpected(uint16_t type) {
  ++counters_.unexpected;
  return Misbehaved(absl::StrFormat("dm vsp: %s unexpected in state '%s' with %s outstanding",
                                    DmMessageTypeToString(type), DmStateToString(status_.state),
                                    DmTransactionToString(outstanding_.kind)));
}

bool DmVsp::Send(const std::vector<uint8_t>& m) {
  absl::Status s = sink_ == nullptr ? absl::FailedPreconditionError("dm vsp: channel closed")
                                    : sink_->SendInband(m);
  if (!s.ok()) {
    ++counters_.send_failures;
    Event(absl::StrFormat("dm vsp: sending %s failed: %s",
                          DmMessageTypeToString(m.size() >= 2 ? m[0] | m[1] << 8 : 0),
                          s.message()));
    return false;
  }
  return true;
}

void DmVsp::OnOpen(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  status_.state = DmState::kNegotiating;
  version_agreed_ = false;
  misbehaviour_ = 0;
  outstanding_ = {};
  ++counters_.channel_opens;
  Event("dm vsp: channel opened; negotiating");
}

void DmVsp::OnClose() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
  status_.state = DmState::kNotActive;
  version_agreed_ = false;
  outstanding_ = {};
  ready_at_ = absl::InfiniteFuture();
  Event("dm vsp: channel closed; Dynamic Memory not active");
}

absl::Status DmVsp::OnPacket(uint16_t type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  ++counters_.packets;
  if (type != VM_PKT_DATA_INBAND) {
    ++counters_.malformed;
    return Misbehaved(absl::StrFormat("dm vsp: packet type %u is not in-band data", type));
  }
  absl::StatusOr<DmGuestMessage> m = ParseDmGuestMessage(payload);
  if (!m.ok()) {
    ++counters_.malformed;
    return Misbehaved(std::string(m.status().message()));
  }
  return std::visit(
      [this](const auto& msg) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) -> absl::Status {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, DmVersionRequest>) return OnVersion(msg);
        if constexpr (std::is_same_v<T, DmCapabilitiesReport>) return OnCaps(msg);
        if constexpr (std::is_same_v<T, DmStatusReport>) return OnStatus(msg);
        if constexpr (std::is_same_v<T, DmBalloonResponse>) return OnBalloon(msg);
        if constexpr (std::is_same_v<T, DmUnballoonResponse>) return OnUnballoon(msg);
        if constexpr (std::is_same_v<T, DmHotAddResponse>) return OnHotAdd(msg);
      },
      *m);
}

absl::Status DmVsp::OnVersion(const DmVersionRequest& m) {
  if (status_.state != DmState::kNegotiating || version_agreed_) {
    return Unexpected(DM_VERSION_REQUEST);
  }
  const auto& ok = options_.accepted_versions;
  const bool accepted = std::find(ok.begin(), ok.end(), m.version) != ok.end();
  // The reply echoes the guest's trans_id (QEMU does the same).
  Send(BuildDmVersionResponse(m.trans_id, accepted));
  if (accepted) {
    version_agreed_ = true;
    status_.protocol_version = m.version;
    Event(absl::StrFormat("dm vsp: version %u.%u accepted", m.version >> 16, m.version & 0xFFFF));
  } else {
    ++counters_.versions_refused;
    if (m.is_last_attempt) {
      status_.state = DmState::kNotActive;
      Event(absl::StrFormat(
          "dm vsp: Dynamic Memory not active: guest's last version %u.%u refused",
          m.version >> 16, m.version & 0xFFFF));
    }
  }
  return absl::OkStatus();
}

absl::Status DmVsp::OnCaps(const DmCapabilitiesReport& m) {
  if (status_.state != DmState::kNegotiating || !version_agreed_) {
    return Unexpected(DM_CAPABILITIES_REPORT);
  }
  status_.balloon_capable = m.balloon;
  status_.hot_add_capable = m.hot_add;
  status_.hot_add_alignment_pages = (uint64_t{1} << m.alignment_log2_mib) * kPagesPerMib;
  Send(BuildDmCapabilitiesResponse(m.trans_id, true));
  if (status_.protocol_version >= DYNMEM_PROTOCOL_VERSION_2) {
    Send(BuildDmInfoMaxPageCount(next_trans_id_++, status_.maximum_pages));
  }
  status_.state = DmState::kActive;
  ready_at_ = clock_->Now() + options_.first_request_delay;
  Event(absl::StrFormat("dm vsp: active (balloon=%d hot_add=%d alignment=%u MiB)", m.balloon,
                        m.hot_add, 1u << m.alignment_log2_mib));
  return absl::OkStatus();
}

absl::Status DmVsp::OnStatus(const DmStatusReport& m) {
  if (!version_agreed_) return Unexpected(DM_STATUS_REPORT);
  const absl::Time now = clock_->Now();
  if (now - report_window_start_ >= absl::Seconds(1)) {
    report_window_start_ = now;
    reports_in_window_ = 0;
  }
  if (++reports_in_window_ > options_.max_status_reports_per_second) {
    ++counters_.flood_dropped;
    return Misbehaved("dm vsp: STATUS_REPORT flood; report dropped");
  }
  // A Linux-style guest counts the pages its balloon holds as committed
  // (hyperv.md §1: Committed_AS + ballooned + ...), but the host has taken
  // those pages back: taking the raw figure as demand makes every balloon read
  // as new demand, and a balancer balloons and unballoons forever. Demand is
  // the figure less the pages the guest still counts ballooned: those we hold,
  // plus those of an unballoon the guest has not yet answered (it answers only
  // after releasing them, and a report it sent before then is behind the
  // response in the ring). Pages of a balloon in flight are not subtracted: a
  // guest reports again once the balloon is done, and until then the error is
  // on the side of more memory.
  const uint64_t still_ballooned =
      ballooned_.pages() +
      (outstanding_.kind == DmTransaction::kUnballoon ? outstanding_.pages : 0);
  const uint64_t demand =
      m.num_committed > still_ballooned ? m.num_committed - still_ballooned : 0;
  if (outstanding_.kind != DmTransaction::kNone) ++counters_.status_reports_during_transaction;
  status_.guest_reported_committed_pages = m.num_committed;
  status_.guest_committed_pages = demand;
  status_.guest_available_pages = m.num_avail;
  const uint64_t assigned = Assigned();
  const uint64_t p = assigned == 0 ? 0 : std::min<uint64_t>(demand * 100 / assigned, UINT32_MAX);
  const auto pressure = static_cast<uint32_t>(p);
  status_.pressure_current = pressure;
  if (status_.status_reports == 0) {
    status_.pressure_minimum = status_.pressure_maximum = pressure;
  } else {
    status_.pressure_minimum = std::min(status_.pressure_minimum, pressure);
    status_.pressure_maximum = std::max(status_.pressure_maximum, pressure);
  }
  ++status_.status_reports;
  pressure_sum_ += pressure;
  status_.pressure_average = static_cast<uint32_t>(pressure_sum_ / status_.status_reports + 0.5);
  if (options_.on_status_report) options_.on_status_report();
  return absl::OkStatus();
}

std::string DmVsp::CheckBalloonRange(const PageRange& r) const {
  if (r.count == 0) return "empty range";
  if (r.pfn < options_.reserved_below_pfn) return "host-reserved pages";
  bool in_ram = r.pfn + r.count <= options_.startup_pages;
  for (const PageRange& b : hot_added_) {
    in_ram = in_ram || (r.pfn >= b.pfn && r.pfn + r.count <= b.pfn + b.count);
  }
  if (!in_ram) return "outside guest RAM";
  if (ballooned_.Overlaps(r.pfn, r.count)) return "pages already ballooned";
  if (outstanding_.received + r.count > outstanding_.pages) return "more pages than requested";
  return "";
}

absl::Status DmVsp::OnBalloon(const DmBalloonResponse& m) {
  if (outstanding_.kind != DmTransaction::kBalloon) return Unexpected(DM_BALLOON_RESPONSE);
  ++counters_.balloon_responses;
  for (const PageRange& r : m.ranges) {
    if (std::string why = CheckBalloonRange(r); !why.empty()) {
      ++counters_.bad_ranges;
      absl::Status s = Misbehaved(absl::StrFormat(
          "dm vsp: balloon range pfn 0x%x count %u refused: %s", r.pfn, r.count, why));
      if (!s.ok()) return s;
      continue;
    }
    if (absl::Status s = memory_->ReleasePages(r.pfn, r.count); !s.ok()) {
      ++counters_.memory_failures;
      Event(absl::StrFormat("dm vsp: releasing pfn 0x%x count %u failed: %s", r.pfn, r.count,
                            s.message()));
    }
    ballooned_.Insert(r.pfn, r.count);
    outstanding_.received += r.count;
    status_.removed_pages_total += r.count;
  }
  if (m.more_pages) return absl::OkStatus();
  if (outstanding_.received == 0) {
    status_.at_floor = true;
    Event("dm vsp: guest is at its memory floor (balloon returned no pages)");
  } else {
    ++status_.remove_operations;
  }
  Complete();
  return absl::OkStatus();
}

absl::Status DmVsp::OnUnballoon(const DmUnballoonResponse& m) {
  if (outstanding_.kind != DmTransaction::kUnballoon) return Unexpected(DM_UNBALLOON_RESPONSE);
  status_.added_pages_total += outstanding_.pages;
  ++status_.add_operations;
  Complete();
  return absl::OkStatus();
}

absl::Status DmVsp::OnHotAdd(const DmHotAddResponse& m) {
  if (outstanding_.kind != DmTransaction::kHotAdd) return Unexpected(DM_MEM_HOT_ADD_RESPONSE);
  uint64_t added = m.page_count;
  if (added > outstanding_.hot_add.count) {
    ++counters_.malformed;
    added = outstanding_.hot_add.count;
    if (absl::Status s = Misbehaved(absl::StrFormat(
            "dm vsp: hot-add response claims %u pages of %u", m.page_count, added));
        !s.ok()) {
      return s;
    }
  }
  if (m.result == 1 && added > 0) {
    hot_added_.push_back({outstanding_.hot_add.pfn, added});
    status_.visible_pages += added;
    status_.added_pages_total += added;
    ++status_.add_operations;
  } else if (m.result == 1) {
    // hyperv.md §1: page_count 0 with result 1 is a permanent failure.
    ++counters_.hot_add_failures;
    status_.hot_add_disabled = true;
    Event("dm vsp: guest refused hot-add permanently; hot-add disabled for this session");
  } else {
    ++counters_.hot_add_failures;
    hot_add_retry_at_ = clock_->Now() + options_.hot_add_retry_delay;
    Event("dm vsp: hot-add failed transiently; will retry");
  }
  Complete();
  return absl::OkStatus();
}

void DmVsp::Complete() { outstanding_ = {}; }

uint64_t DmVsp::TopPfn() const {
  uint64_t top = options_.startup_pages;
  for (const PageRange& b : hot_added_) top = std::max(top, b.pfn + b.count);
  return top;
}

uint64_t DmVsp::Assigned() const { return status_.visible_pages - ballooned_.pages(); }

absl::Status DmVsp::SetTargetPages(uint64_t pages) {
  absl::MutexLock lock(&mu_);
  const uint64_t floor = options_.reserved_below_pfn + kPagesPerMib;
  if (pages > status_.maximum_pages || pages < floor) {
    return absl::OutOfRangeError(absl::StrFormat(
        "dm vsp: target %u pages outside %u..%u", pages, floor, status_.maximum_pages));
  }
  status_.target_pages = pages;
  status_.at_floor = false;
  return absl::OkStatus();
}

void DmVsp::StartBalloon(uint64_t pages) {
  const auto n = static_cast<uint32_t>(
      std::min<uint64_t>(pages, options_.max_balloon_pages_per_request));
  const uint32_t id = next_trans_id_++;
  if (!Send(BuildDmBalloonRequest(id, n))) return;
  ++counters_.balloon_requests;
  outstanding_ = {DmTransaction::kBalloon, clock_->Now() + options_.transaction_timeout, n, 0, {}};
}

void DmVsp::StartUnballoon(uint64_t pages) {
  std::vector<PageRange> restored;
  uint64_t restored_pages = 0;
  for (const PageRange& r : ballooned_.Take(pages, options_.unballoon_max_range_pages)) {
    if (absl::Status s = memory_->RestorePages(r.pfn, r.count); !s.ok()) {
      ++counters_.memory_failures;
      Event(absl::StrFormat("dm vsp: restoring pfn 0x%x count %u failed: %s", r.pfn, r.count,
                            s.message()));
      ballooned_.Insert(r.pfn, r.count);
      continue;
    }
    restored.push_back(r);
    restored_pages += r.count;
  }
  if (restored.empty()) return;
  const size_t per = std::clamp<size_t>(options_.unballoon_ranges_per_message, 1,
                                        DM_MAX_RANGES_PER_MESSAGE);
  const uint32_t id = next_trans_id_++;
  for (size_t i = 0; i < restored.size(); i += per) {
    const size_t n = std::min(per, restored.size() - i);
    const bool more = i + n < restored.size();
    if (!Send(BuildDmUnballoonRequest(id, more, absl::MakeConstSpan(&restored[i], n)))) {
      // The pages stay mapped; the guest keeps them ballooned. Accounted as
      // restored so the host never maps them twice.
      break;
    }
  }
  ++counters_.unballoon_requests;
  outstanding_ = {DmTransaction::kUnballoon, clock_->Now() + options_.transaction_timeout,
                  restored_pages, 0, {}};
}

void DmVsp::StartHotAdd(uint64_t pages) {
  const uint64_t align = std::max<uint64_t>(status_.hot_add_alignment_pages, kPagesPerMib);
  const uint64_t base = RoundUp(TopPfn(), align);
  const uint64_t room = status_.maximum_pages > base ? status_.maximum_pages - base : 0;
  const uint64_t count = std::min({RoundUp(pages, align), RoundDown(options_.max_hot_add_pages, align),
                                   RoundDown(room, align)});
  if (count == 0) return;
  const uint64_t end = base + count;
  if (end > mapped_top_pfn_) {
    const uint64_t from = std::max(base, mapped_top_pfn_);
    if (absl::Status s = memory_->AddMemory(from, end - from); !s.ok()) {
      ++counters_.memory_failures;
      Event(absl::StrFormat("dm vsp: mapping hot-add block pfn 0x%x count %u failed: %s", from,
                            end - from, s.message()));
      hot_add_retry_at_ = clock_->Now() + options_.hot_add_retry_delay;
      return;
    }
    mapped_top_pfn_ = end;
  }
  const PageRange block{base, count};
  const uint32_t id = next_trans_id_++;
  const auto region = options_.hot_add_with_region ? std::optional<PageRange>(block) : std::nullopt;
  if (!Send(BuildDmHotAddRequest(id, block, region))) return;
  ++counters_.hot_add_requests;
  outstanding_ = {DmTransaction::kHotAdd, clock_->Now() + options_.transaction_timeout, count, 0,
                  block};
}

absl::Time DmVsp::Poll() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  PollLocked(now);
  // Whatever is timed: the transaction's deadline, else the first request's
  // delay and a hot-add retry (a later pass that finds nothing to do is cheap).
  if (outstanding_.kind != DmTransaction::kNone) return outstanding_.deadline;
  absl::Time next = absl::InfiniteFuture();
  if (ready_at_ > now) next = ready_at_;
  if (hot_add_retry_at_ > now) next = std::min(next, hot_add_retry_at_);
  return next;
}

void DmVsp::PollLocked(absl::Time now) {
  if (outstanding_.kind != DmTransaction::kNone) {
    if (now < outstanding_.deadline) return;
    ++counters_.timeouts;
    Event(absl::StrFormat("dm vsp: %s transaction timed out after %s; guest unresponsive",
                          DmTransactionToString(outstanding_.kind),
                          absl::FormatDuration(options_.transaction_timeout)));
    status_.state = DmState::kUnresponsive;
    outstanding_ = {};
    return;
  }
  if (status_.state != DmState::kActive || now < ready_at_ || status_.target_pages == 0) return;
  const uint64_t assigned = Assigned(), target = status_.target_pages;
  if (assigned > target + options_.deadband_pages) {
    if (status_.balloon_capable && !status_.at_floor) StartBalloon(assigned - target);
  } else if (target > assigned + options_.deadband_pages) {
    const uint64_t deficit = target - assigned;
    if (ballooned_.pages() > 0) {
      StartUnballoon(std::min(deficit, ballooned_.pages()));
    } else if (status_.hot_add_capable && !status_.hot_add_disabled && now >= hot_add_retry_at_) {
      StartHotAdd(deficit);
    }
  }
}

absl::Status DmVsp::RestoreAllBallooned() {
  absl::MutexLock lock(&mu_);
  absl::Status first;
  for (const PageRange& r : ballooned_.Take(ballooned_.pages(), DM_RANGE_MAX_PAGES)) {
    absl::Status s = memory_->RestorePages(r.pfn, r.count);
    if (!s.ok()) {
      ++counters_.memory_failures;
      if (first.ok()) first = s;
    }
  }
  outstanding_ = {};
  Event("dm vsp: every ballooned page restored");
  return first;
}

DmVspStatus DmVsp::Status() const {
  absl::MutexLock lock(&mu_);
  DmVspStatus s = status_;
  s.ballooned_pages = ballooned_.pages();
  s.assigned_pages = Assigned();
  s.outstanding = outstanding_.kind;
  return s;
}

DmVspCounters DmVsp::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

}  // namespace hv::worker
