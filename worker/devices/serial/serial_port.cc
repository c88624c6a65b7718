#include "worker/devices/serial/serial_port.h"

#include <algorithm>

namespace hv::worker {

SerialPort::SerialPort(size_t history_bytes) : capacity_(std::max<size_t>(history_bytes, 1)) {
  ring_.assign(capacity_, '\0');
}

uint64_t SerialPort::Read(uint64_t offset, uint8_t size) {
  absl::MutexLock lock(&mu_);
  ++counters_.register_accesses;
  const bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kUartThr: return dlab ? (divisor_ & 0xFF) : 0;  // RBR: no input
    case kUartIer: return dlab ? (divisor_ >> 8) : ier_;
    case kUartIir: return kIirNoInterrupt;
    case kUartLcr: return lcr_;
    case kUartMcr: return mcr_;
    case kUartLsr: return kLsrThrEmpty | kLsrTransmitterEmpty;
    case kUartMsr: return 0;
    case kUartScr: return scr_;
    default: return 0xFF;  // the bus only routes 8 ports here
  }
}

void SerialPort::Write(uint64_t offset, uint8_t size, uint64_t value) {
  absl::MutexLock lock(&mu_);
  ++counters_.register_accesses;
  const uint8_t v = static_cast<uint8_t>(value);
  const bool dlab = lcr_ & kLcrDlab;
  switch (offset) {
    case kUartThr:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0xFF00) | v);
      } else {
        Append(static_cast<char>(v));
        data_.SignalAll();
      }
      break;
    case kUartIer:
      if (dlab) {
        divisor_ = static_cast<uint16_t>((divisor_ & 0x00FF) | (v << 8));
      } else {
        ier_ = v & 0x0F;
      }
      break;
    case kUartLcr: lcr_ = v; break;
    case kUartMcr: mcr_ = v & 0x1F; break;
    case kUartScr: scr_ = v; break;
    default: break;  // FCR, LSR, MSR writes: nothing to emulate for output-only use
  }
}

void SerialPort::Append(char c) {
  ring_[total_ % capacity_] = c;
  ++total_;
  ++counters_.bytes_written;
}

uint64_t SerialPort::Oldest() const {
  return std::max(first_, total_ > capacity_ ? total_ - capacity_ : 0);
}

SerialChunk SerialPort::ReadFrom(uint64_t offset, size_t max_bytes, absl::Duration wait) const {
  absl::MutexLock lock(&mu_);
  const absl::Time deadline = absl::Now() + wait;
  const uint64_t generation = wake_generation_;
  while (offset >= total_ && generation == wake_generation_) {
    if (data_.WaitWithDeadline(&mu_, deadline)) break;
  }
  SerialChunk chunk;
  const uint64_t oldest = Oldest();
  if (offset < oldest) {
    chunk.skipped = oldest - offset;
    offset = oldest;
  }
  if (offset > total_) offset = total_;  // a reader from the future waits at the end
  const uint64_t n = std::min<uint64_t>(total_ - offset, max_bytes);
  chunk.data.reserve(n);
  for (uint64_t i = 0; i < n; ++i) chunk.data.push_back(ring_[(offset + i) % capacity_]);
  chunk.next_offset = offset + n;
  return chunk;
}

void SerialPort::WakeReaders() {
  absl::MutexLock lock(&mu_);
  ++wake_generation_;
  data_.SignalAll();
}

std::string SerialPort::History() const {
  absl::MutexLock lock(&mu_);
  const uint64_t oldest = Oldest();
  std::string out;
  out.reserve(total_ - oldest);
  for (uint64_t i = oldest; i < total_; ++i) out.push_back(ring_[i % capacity_]);
  return out;
}

uint64_t SerialPort::total_bytes() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

void SerialPort::RestoreHistory(const std::string& history, uint64_t total_bytes) {
  absl::MutexLock lock(&mu_);
  const size_t keep = std::min(history.size(), capacity_);
  const std::string_view tail = std::string_view(history).substr(history.size() - keep);
  total_ = std::max<uint64_t>(total_bytes, keep) - keep;
  first_ = total_;
  for (char c : tail) {
    ring_[total_ % capacity_] = c;
    ++total_;
  }
  data_.SignalAll();
}

SerialCounters SerialPort::counters() const {
  absl::MutexLock lock(&mu_);
  SerialCounters c = counters_;
  c.bytes_dropped = total_ > capacity_ ? total_ - capacity_ : 0;
  return c;
}

}  // namespace hv::worker
