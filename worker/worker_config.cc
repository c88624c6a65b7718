#include "worker/worker_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace hv::worker {
namespace {

using hv::worker::v1::WorkerConfig;

// Collects the parser's first error instead of printing it to stderr.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (text.empty()) text = absl::StrFormat("line %d column %d: %s", line + 1, column + 1, message);
  }
  std::string text;
};

}  // namespace

absl::StatusOr<WorkerConfig> ParseWorkerConfig(const std::string& text) {
  WorkerConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &config)) {
    return absl::InvalidArgumentError(absl::StrCat("worker config: ", errors.text));
  }
  return config;
}

absl::StatusOr<WorkerConfig> LoadWorkerConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    int err = errno;
    std::string msg = absl::StrCat("worker config '", path, "': ", std::strerror(err));
    if (err == EACCES) return absl::PermissionDeniedError(msg);
    return absl::NotFoundError(msg);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  absl::StatusOr<WorkerConfig> config = ParseWorkerConfig(buf.str());
  if (!config.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("worker config '", path, "': ", config.status().message()));
  }
  return config;
}

void ApplyConfigDefaults(WorkerConfig& config) {
  if (config.vm_name().empty()) config.set_vm_name(config.vm_id());
  if (config.backend().empty()) config.set_backend("auto");
  if (config.vcpu_count() == 0) config.set_vcpu_count(1);
  auto* m = config.mutable_memory();
  if (m->buffer_percent() == 0) m->set_buffer_percent(20);
  if (m->weight() == 0) m->set_weight(5000);
  if (!m->dynamic_memory_enabled()) {
    m->set_minimum_mib(m->startup_mib());
    m->set_maximum_mib(m->startup_mib());
  } else {
    if (m->minimum_mib() == 0) m->set_minimum_mib(m->startup_mib());
    if (m->maximum_mib() == 0) m->set_maximum_mib(m->startup_mib());
  }
}

std::string VmDisplayName(const WorkerConfig& config) {
  if (!config.vm_name().empty()) return config.vm_name();
  if (!config.vm_id().empty()) return config.vm_id();
  return "vm";
}

absl::Status ValidateWorkerConfig(const WorkerConfig& c) {
  const std::string vm = absl::StrCat("vm '", VmDisplayName(c), "': ");
  auto bad = [&](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(vm, parts...));
  };
  if (c.vm_id().empty()) return bad("vm_id is empty");
  if (c.vcpu_count() < 1 || c.vcpu_count() > 4) {
    return bad("vcpu_count ", c.vcpu_count(), " is outside 1..4");
  }
  if (c.backend() != "auto" && c.backend() != "kvm" && c.backend() != "tcg") {
    return bad("backend '", c.backend(), "' is not one of auto, kvm, tcg");
  }
  const auto& m = c.memory();
  if (m.startup_mib() < 16) return bad("startup memory ", m.startup_mib(), " MiB is below 16 MiB");
  if (m.minimum_mib() > m.startup_mib() || m.startup_mib() > m.maximum_mib()) {
    return bad("memory must satisfy minimum <= startup <= maximum, got ", m.minimum_mib(), " / ",
               m.startup_mib(), " / ", m.maximum_mib(), " MiB");
  }
  if (m.maximum_mib() > kMaxGuestMib) {
    return bad("maximum memory ", m.maximum_mib(), " MiB exceeds ", kMaxGuestMib, " MiB");
  }
  if (m.buffer_percent() < 5 || m.buffer_percent() > 2000) {
    return bad("buffer ", m.buffer_percent(), " % is outside 5..2000");
  }
  if (m.weight() > 10000) return bad("weight ", m.weight(), " is outside 0..10000");
  if (c.guest_image().empty() && c.restore_from().empty()) {
    return bad("guest_image is empty and restore_from is not set");
  }
  if (c.socket_path().empty() || c.socket_path()[0] != '/') {
    return bad("socket_path '", c.socket_path(), "' must be an absolute path");
  }
  if (c.socket_path().size() > kMaxSocketPathBytes) {
    return bad("socket_path is ", c.socket_path().size(), " bytes, longer than ",
               kMaxSocketPathBytes);
  }
  if (c.state_dir().empty()) return bad("state_dir is empty");
  if (c.guest_command_line().size() >= 1024) return bad("guest_command_line is too long");
  return absl::OkStatus();
}

}  // namespace hv::worker
