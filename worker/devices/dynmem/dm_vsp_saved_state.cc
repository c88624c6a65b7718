// DmVsp: save and restore (Quick Migration). See dm_vsp.h.
#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "worker/devices/dynmem/dm_vsp.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;

absl::Status Bad(const std::string& why) {
  return absl::InvalidArgumentError("dynmem saved state: " + why);
}

void Put(const PageRange& r, pb::PageRangeState* out) {
  out->set_pfn(r.pfn);
  out->set_count(r.count);
}

std::optional<DmTransaction> TransactionFromString(const std::string& s) {
  for (DmTransaction t : {DmTransaction::kNone, DmTransaction::kBalloon, DmTransaction::kUnballoon,
                          DmTransaction::kHotAdd}) {
    if (DmTransactionToString(t) == s) return t;
  }
  return std::nullopt;
}

// A range of [pfn, pfn+count) that is non-empty and does not wrap.
bool Sane(const pb::PageRangeState& r) { return r.count() != 0 && r.pfn() + r.count() > r.pfn(); }

}  // namespace

pb::DynamicMemoryVspState DmVsp::Save() const {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  pb::DynamicMemoryVspState s;
  s.set_state(static_cast<pb::DynamicMemoryState>(static_cast<int>(status_.state)));
  s.set_protocol_version(status_.protocol_version);
  s.set_version_agreed(version_agreed_);
  s.set_balloon_capable(status_.balloon_capable);
  s.set_hot_add_capable(status_.hot_add_capable);
  s.set_hot_add_disabled(status_.hot_add_disabled);
  s.set_at_floor(status_.at_floor);
  s.set_hot_add_alignment_pages(status_.hot_add_alignment_pages);
  s.set_startup_pages(status_.startup_pages);
  s.set_maximum_pages(status_.maximum_pages);
  s.set_visible_pages(status_.visible_pages);
  s.set_target_pages(status_.target_pages);
  s.set_guest_committed_pages(status_.guest_committed_pages);
  s.set_guest_available_pages(status_.guest_available_pages);
  s.set_status_reports(status_.status_reports);
  s.set_added_pages_total(status_.added_pages_total);
  s.set_removed_pages_total(status_.removed_pages_total);
  s.set_add_operations(status_.add_operations);
  s.set_remove_operations(status_.remove_operations);
  s.set_pressure_current(status_.pressure_current);
  s.set_pressure_minimum(status_.pressure_minimum);
  s.set_pressure_maximum(status_.pressure_maximum);
  s.set_pressure_sum(pressure_sum_);
  s.set_next_trans_id(next_trans_id_);
  s.set_misbehaviour(misbehaviour_);
  s.set_first_request_due(now >= ready_at_);
  if (hot_add_retry_at_ > now) {
    s.set_hot_add_retry_in_ms(
        static_cast<uint64_t>(absl::ToInt64Milliseconds(hot_add_retry_at_ - now)) + 1);
  }
  // A transaction in flight is saved as it stands, not settled first: the
  // guest's answer may already sit in the ring (guest RAM, in the snapshot)
  // or come after the restore, and either way the restored VSP accepts it
  // exactly as this one would have. Waiting for it at save time instead would
  // make Save hang on a slow or hostile guest. The deadline is not saved: the
  // guest does not run between save and restore, so the restored VSP gives
  // it a full transaction_timeout again.
  s.set_outstanding(std::string(DmTransactionToString(outstanding_.kind)));
  s.set_outstanding_pages(outstanding_.pages);
  s.set_outstanding_received(outstanding_.received);
  if (outstanding_.kind == DmTransaction::kHotAdd) Put(outstanding_.hot_add, s.mutable_outstanding_hot_add());
  for (const PageRange& r : ballooned_.Ranges()) Put(r, s.add_ballooned());
  for (const PageRange& r : hot_added_) Put(r, s.add_hot_added());
  s.set_mapped_top_pfn(mapped_top_pfn_);
  return s;
}

absl::Status DmVsp::Restore(const pb::DynamicMemoryVspState& saved) {
  absl::MutexLock lock(&mu_);
  const auto state = static_cast<DmState>(static_cast<int>(saved.state()));
  if (saved.state() < pb::DM_STATE_NOT_ACTIVE || saved.state() > pb::DM_STATE_UNRESPONSIVE) {
    return Bad(absl::StrFormat("state %d is not a DM VSP state", saved.state()));
  }
  if (saved.startup_pages() != status_.startup_pages ||
      saved.maximum_pages() != status_.maximum_pages) {
    return Bad(absl::StrFormat("startup_pages %u / maximum_pages %u differ from this VM's %u / %u",
                               saved.startup_pages(), saved.maximum_pages(),
                               status_.startup_pages, status_.maximum_pages));
  }
  const auto& ok = options_.accepted_versions;
  if (saved.version_agreed() &&
      std::find(ok.begin(), ok.end(), saved.protocol_version()) == ok.end()) {
    return Bad(absl::StrFormat("protocol_version 0x%x is not accepted", saved.protocol_version()));
  }
  const bool active = state == DmState::kActive || state == DmState::kUnresponsive;
  if ((active && !saved.version_agreed()) ||
      (state == DmState::kNotActive && saved.version_agreed())) {
    return Bad(absl::StrFormat("version_agreed %d is illegal in state '%s'",
                               saved.version_agreed(), DmStateToString(state)));
  }
  const uint64_t align = saved.hot_add_alignment_pages();
  if (align != 0 && (align % kPagesPerMib != 0 ||
                     ((align / kPagesPerMib) & (align / kPagesPerMib - 1)) != 0 ||
                     align > status_.maximum_pages)) {
    return Bad(absl::StrFormat("hot_add_alignment_pages %u is not a power-of-two MiB count", align));
  }
  const uint64_t floor = options_.reserved_below_pfn + kPagesPerMib;
  if (saved.target_pages() != 0 &&
      (saved.target_pages() < floor || saved.target_pages() > status_.maximum_pages)) {
    return Bad(absl::StrFormat("target_pages %u outside %u..%u", saved.target_pages(), floor,
                               status_.maximum_pages));
  }
  if (saved.misbehaviour() > options_.max_misbehaviour_messages) {
    return Bad(absl::StrFormat("misbehaviour %u exceeds the limit %u", saved.misbehaviour(),
                               options_.max_misbehaviour_messages));
  }
  if (absl::Milliseconds(saved.hot_add_retry_in_ms()) > options_.hot_add_retry_delay + absl::Seconds(1)) {
    return Bad(absl::StrFormat("hot_add_retry_in_ms %u exceeds the retry delay",
                               saved.hot_add_retry_in_ms()));
  }
  // Hot-added blocks: ascending, disjoint, above startup memory, below the
  // maximum, and adding up to the visible memory.
  std::vector<PageRange> hot_added;
  uint64_t visible = status_.startup_pages, top = status_.startup_pages;
  for (int i = 0; i < saved.hot_added_size(); ++i) {
    const pb::PageRangeState& r = saved.hot_added(i);
    if (!Sane(r) || r.pfn() < top || r.pfn() + r.count() > status_.maximum_pages) {
      return Bad(absl::StrFormat("hot_added[%d] pfn 0x%x count %u is outside 0x%x..0x%x or "
                                 "overlaps",
                                 i, r.pfn(), r.count(), top, status_.maximum_pages));
    }
    hot_added.push_back({r.pfn(), r.count()});
    visible += r.count();
    top = r.pfn() + r.count();
  }
  if (saved.visible_pages() != visible) {
    return Bad(absl::StrFormat("visible_pages %u, but startup + hot_added = %u",
                               saved.visible_pages(), visible));
  }
  if (saved.mapped_top_pfn() < top || saved.mapped_top_pfn() > status_.maximum_pages) {
    return Bad(absl::StrFormat("mapped_top_pfn 0x%x outside 0x%x..0x%x", saved.mapped_top_pfn(),
                               top, status_.maximum_pages));
  }
  // Ballooned ranges: guest RAM (startup or a hot-added block), not the
  // host-reserved low area, disjoint.
  PageRangeSet ballooned;
  for (int i = 0; i < saved.ballooned_size(); ++i) {
    const pb::PageRangeState& r = saved.ballooned(i);
    bool in_ram = Sane(r) && r.pfn() + r.count() <= status_.startup_pages;
    for (const PageRange& b : hot_added) {
      in_ram = in_ram || (Sane(r) && r.pfn() >= b.pfn && r.pfn() + r.count() <= b.pfn + b.count);
    }
    if (!in_ram || r.pfn() < options_.reserved_below_pfn ||
        ballooned.Overlaps(r.pfn(), r.count())) {
      return Bad(absl::StrFormat(
          "ballooned[%d] pfn 0x%x count %u is not free, unreserved guest RAM", i, r.pfn(),
          r.count()));
    }
    ballooned.Insert(r.pfn(), r.count());
  }
  // The transaction in flight (see Save).
  std::optional<DmTransaction> kind = TransactionFromString(saved.outstanding());
  if (!kind.has_value()) return Bad("outstanding '" + saved.outstanding() + "' is unknown");
  Outstanding out;
  out.kind = *kind;
  out.pages = saved.outstanding_pages();
  out.received = saved.outstanding_received();
  const pb::PageRangeState& ha = saved.outstanding_hot_add();
  std::string bad_outstanding;
  if (*kind != DmTransaction::kNone && state != DmState::kActive) {
    bad_outstanding = "a transaction outside state 'active'";
  } else if (*kind == DmTransaction::kNone && (out.pages != 0 || out.received != 0)) {
    bad_outstanding = "pages without a transaction";
  } else if (*kind == DmTransaction::kBalloon &&
             (out.pages == 0 || out.pages > options_.max_balloon_pages_per_request ||
              out.received > out.pages)) {
    bad_outstanding = "balloon pages/received out of range";
  } else if (*kind == DmTransaction::kUnballoon &&
             (out.pages == 0 || out.received != 0 || out.pages > visible)) {
    bad_outstanding = "unballoon pages out of range";
  } else if (*kind == DmTransaction::kHotAdd &&
             (!Sane(ha) || ha.pfn() < top || ha.pfn() + ha.count() > saved.mapped_top_pfn() ||
              out.pages != ha.count() || out.received != 0)) {
    bad_outstanding = "hot-add block not a mapped block above the top";
  }
  if (!bad_outstanding.empty()) {
    return Bad(absl::StrFormat("outstanding '%s': %s", saved.outstanding(), bad_outstanding));
  }
  if (*kind == DmTransaction::kHotAdd) out.hot_add = {ha.pfn(), ha.count()};

  // Valid: commit. The channel (sink_) comes back through OnRestore.
  const absl::Time now = clock_->Now();
  status_.state = state;
  status_.protocol_version = saved.protocol_version();
  status_.balloon_capable = saved.balloon_capable();
  status_.hot_add_capable = saved.hot_add_capable();
  status_.hot_add_disabled = saved.hot_add_disabled();
  status_.at_floor = saved.at_floor();
  status_.hot_add_alignment_pages = align;
  status_.visible_pages = visible;
  status_.target_pages = saved.target_pages();
  status_.guest_committed_pages = saved.guest_committed_pages();
  status_.guest_available_pages = saved.guest_available_pages();
  status_.status_reports = saved.status_reports();
  status_.added_pages_total = saved.added_pages_total();
  status_.removed_pages_total = saved.removed_pages_total();
  status_.add_operations = saved.add_operations();
  status_.remove_operations = saved.remove_operations();
  status_.pressure_current = saved.pressure_current();
  status_.pressure_minimum = saved.pressure_minimum();
  status_.pressure_maximum = saved.pressure_maximum();
  pressure_sum_ = saved.pressure_sum();
  status_.pressure_average =
      status_.status_reports == 0
          ? 0
          : static_cast<uint32_t>(std::clamp(pressure_sum_ / status_.status_reports + 0.5, 0.0,
                                             4294967295.0));
  version_agreed_ = saved.version_agreed();
  next_trans_id_ = saved.next_trans_id();
  misbehaviour_ = saved.misbehaviour();
  ready_at_ = state != DmState::kActive   ? absl::InfiniteFuture()
              : saved.first_request_due() ? absl::InfinitePast()
                                          : now + options_.first_request_delay;
  hot_add_retry_at_ = saved.hot_add_retry_in_ms() == 0
                          ? absl::InfinitePast()
                          : now + absl::Milliseconds(saved.hot_add_retry_in_ms());
  report_window_start_ = absl::InfinitePast();
  reports_in_window_ = 0;
  outstanding_ = out;
  if (out.kind != DmTransaction::kNone) outstanding_.deadline = now + options_.transaction_timeout;
  ballooned_ = std::move(ballooned);
  hot_added_ = std::move(hot_added);
  mapped_top_pfn_ = saved.mapped_top_pfn();
  Event(absl::StrFormat("dm vsp: restored in state '%s' (%u pages ballooned, %u hot-added "
                        "blocks, %s outstanding)",
                        DmStateToString(state), ballooned_.pages(), hot_added_.size(),
                        DmTransactionToString(outstanding_.kind)));
  return absl::OkStatus();
}

void DmVsp::OnRestore(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
}

}  // namespace hv::worker
