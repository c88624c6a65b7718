#include "vmms/config.h"

#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace hv::vmms {
namespace {

absl::Status Set(VmmsConfig& c, absl::string_view key, absl::string_view value,
                 absl::string_view where) {
  auto bad = [&](absl::string_view want) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", key, " = '", value, "' is not ", want));
  };
  auto u64 = [&](uint64_t& out) {
    return absl::SimpleAtoi(value, &out) ? absl::OkStatus() : bad("a whole number");
  };
  if (key == "state_dir") c.state_dir = std::string(value);
  else if (key == "database") c.database = std::string(value);
  else if (key == "listen") c.listen = absl::StrSplit(value, ',', absl::SkipEmpty());
  else if (key == "metrics_port") {
    if (!absl::SimpleAtoi(value, &c.metrics_port) || c.metrics_port < 0 || c.metrics_port > 65535)
      return bad("a port 0..65535");
  } else if (key == "worker_binary") c.worker_binary = std::string(value);
  else if (key == "guest_image") c.guest_image = std::string(value);
  else if (key == "budget_mib") return u64(c.budget_mib);
  else if (key == "host_reserve_mib") return u64(c.host_reserve_mib);
  else if (key == "balancer_interval") {
    if (!absl::ParseDuration(value, &c.balancer_interval) || c.balancer_interval <= absl::ZeroDuration())
      return bad("a positive duration like 1s or 500ms");
  } else if (key == "on_exit") {
    if (value != "leave" && value != "stop") return bad("'leave' or 'stop'");
    c.on_exit = std::string(value);
  } else if (key == "config") c.config_file = std::string(value);
  else return absl::InvalidArgumentError(absl::StrCat(where, ": unknown key '", key, "'"));
  return absl::OkStatus();
}

absl::Status ReadFile(VmmsConfig& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("config file '", path, "' cannot be read"));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    absl::string_view l = absl::StripAsciiWhitespace(line);
    if (l.empty() || l[0] == '#') continue;
    size_t eq = l.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", n, ": expected 'key = value'"));
    }
    RETURN_IF_ERROR(Set(c, absl::StripAsciiWhitespace(l.substr(0, eq)),
                        absl::StripAsciiWhitespace(l.substr(eq + 1)), absl::StrCat(path, ":", n)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<VmmsConfig> ParseConfig(const std::vector<std::string>& args,
                                       absl::string_view program_dir) {
  VmmsConfig c;
  std::vector<std::pair<std::string, std::string>> flags;
  for (const std::string& a : args) {
    absl::string_view s = a;
    if (!absl::ConsumePrefix(&s, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("argument '", a, "' is not --key=value"));
    }
    size_t eq = s.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("flag '", a, "' needs a value (--key=value)"));
    }
    flags.emplace_back(std::string(s.substr(0, eq)), std::string(s.substr(eq + 1)));
    if (flags.back().first == "config") c.config_file = flags.back().second;
  }
  if (!c.config_file.empty()) RETURN_IF_ERROR(ReadFile(c, c.config_file));
  for (const auto& [k, v] : flags) RETURN_IF_ERROR(Set(c, k, v, "command line"));
  if (c.database.empty()) c.database = c.state_dir + "/vmms.db";
  if (c.listen.empty()) c.listen = {"127.0.0.1:5990", "unix:" + c.state_dir + "/vmms.sock"};
  if (c.worker_binary.empty()) c.worker_binary = absl::StrCat(program_dir, "/../worker/vmwp");
  if (c.guest_image.empty()) c.guest_image = absl::StrCat(program_dir, "/../guest/hv_guest.bin");
  return c;
}

absl::Status ResolveMemoryDefaults(VmmsConfig& c, absl::string_view meminfo) {
  uint64_t total_kib = 0, available_kib = 0;
  for (absl::string_view line : absl::StrSplit(meminfo, '\n')) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() < 2) continue;
    if (f[0] == "MemTotal:") absl::SimpleAtoi(f[1], &total_kib);
    if (f[0] == "MemAvailable:") absl::SimpleAtoi(f[1], &available_kib);
  }
  if (c.host_reserve_mib == 0) c.host_reserve_mib = std::max<uint64_t>(1024, total_kib / 1024 / 10);
  if (c.budget_mib == 0) {
    if (available_kib == 0) {
      return absl::FailedPreconditionError("cannot read MemAvailable; set budget_mib");
    }
    uint64_t avail = available_kib / 1024;
    if (avail <= c.host_reserve_mib) {
      return absl::FailedPreconditionError(absl::StrCat("only ", avail, " MiB available, less than the ",
                                                        c.host_reserve_mib, " MiB host reserve"));
    }
    c.budget_mib = avail - c.host_reserve_mib;
  }
  return absl::OkStatus();
}

std::string ConfigHelp() {
  return R"(usage: vmms [--config=FILE] [--key=value ...]
keys (also valid in the config file as 'key = value'):
  state_dir          directory for the database and per-VM state (default ./var)
  database           SQLite file (default <state_dir>/vmms.db)
  listen             gRPC addresses, comma-separated (default 127.0.0.1:5990,unix:<state_dir>/vmms.sock)
  metrics_port       Prometheus port on 127.0.0.1 (default 9182; 0 = any free port)
  worker_binary      vmwp executable (default ../worker/vmwp beside vmms)
  guest_image        default guest image (default ../guest/hv_guest.bin beside vmms)
  budget_mib         memory for VMs in MiB (default MemAvailable - host_reserve_mib)
  host_reserve_mib   memory kept for the host (default max(1024, 10% of MemTotal))
  balancer_interval  Dynamic Memory balancing interval (default 1s)
  on_exit            leave | stop: what happens to running VMs on SIGTERM (default leave)
)";
}

}  // namespace hv::vmms
