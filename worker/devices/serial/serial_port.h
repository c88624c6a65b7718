// SerialPort: the guest's serial console, a 16550-compatible UART at the COM1
// I/O ports (0x3F8-0x3FF), output only. Bytes the guest writes to the
// transmit register go to a bounded history that any number of readers
// follow by offset (WatchSerial streams, the per-VM log).
//
// Registers (16550 datasheet): +0 THR/RBR (DLL when LCR.DLAB), +1 IER (DLM),
// +2 IIR/FCR, +3 LCR, +4 MCR, +5 LSR (always "transmitter empty"), +6 MSR,
// +7 SCR. Reads of RBR return 0 (no input). Nothing the guest writes can fail.
//
// Thread-safe: Read/Write on vCPU threads, ReadFrom from any thread.
#ifndef HV_WORKER_DEVICES_SERIAL_SERIAL_PORT_H_
#define HV_WORKER_DEVICES_SERIAL_SERIAL_PORT_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hypervisor-shim/device_bus.h"

namespace hv::worker {

inline constexpr uint16_t kCom1Base = 0x3F8;
inline constexpr uint16_t kUartPorts = 8;

// 16550 register offsets and bits used here.
inline constexpr uint8_t kUartThr = 0, kUartIer = 1, kUartIir = 2, kUartLcr = 3, kUartMcr = 4,
                         kUartLsr = 5, kUartMsr = 6, kUartScr = 7;
inline constexpr uint8_t kLcrDlab = 0x80;
inline constexpr uint8_t kLsrThrEmpty = 0x20, kLsrTransmitterEmpty = 0x40;
inline constexpr uint8_t kIirNoInterrupt = 0x01;

struct SerialCounters {
  uint64_t bytes_written = 0;  // transmitted by the guest
  uint64_t bytes_dropped = 0;  // fell out of the history before anyone read them
  uint64_t register_accesses = 0;
};

// A chunk read from the history.
struct SerialChunk {
  std::string data;
  uint64_t next_offset = 0;  // pass to the next ReadFrom
  uint64_t skipped = 0;      // bytes lost because the reader fell behind
};

class SerialPort : public hv::shim::BusDevice {
 public:
  // `history_bytes`: bytes kept for readers (default 64 KiB, at least 1).
  explicit SerialPort(size_t history_bytes = 64 * 1024);

  uint64_t Read(uint64_t offset, uint8_t size) override;
  void Write(uint64_t offset, uint8_t size, uint64_t value) override;

  // Bytes from stream offset `offset` (0 = the first byte ever written), up to
  // `max_bytes`. Waits up to `wait` for data when none is available yet; an
  // empty chunk means none arrived. A reader behind the history resumes at its
  // oldest byte and learns how many it missed.
  SerialChunk ReadFrom(uint64_t offset, size_t max_bytes, absl::Duration wait) const;
  // Wakes every waiting ReadFrom (shutdown).
  void WakeReaders();

  // The retained history (for saving) and its restore; Restore sets the
  // stream offset so readers of a restored VM continue numbering.
  std::string History() const;
  uint64_t total_bytes() const;
  void RestoreHistory(const std::string& history, uint64_t total_bytes);

  SerialCounters counters() const;

 private:
  void Append(char c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stream offset of the oldest byte still held.
  uint64_t Oldest() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  mutable absl::CondVar data_;
  std::string ring_ ABSL_GUARDED_BY(mu_);  // capacity_ bytes, circular
  uint64_t total_ ABSL_GUARDED_BY(mu_) = 0;  // stream offset of the next byte
  uint64_t first_ ABSL_GUARDED_BY(mu_) = 0;  // nothing before it exists (restore)
  uint8_t lcr_ ABSL_GUARDED_BY(mu_) = 0;
  uint8_t ier_ ABSL_GUARDED_BY(mu_) = 0;
  uint8_t mcr_ ABSL_GUARDED_BY(mu_) = 0;
  uint8_t scr_ ABSL_GUARDED_BY(mu_) = 0;
  uint16_t divisor_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  SerialCounters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_SERIAL_SERIAL_PORT_H_
