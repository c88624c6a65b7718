#include "tests/integration/prometheus/prometheus_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "counters/testing/loopback_http.h"

namespace hv::testing {

namespace fs = std::filesystem;
using counters::testing::HttpGet;
using counters::testing::HttpResponse;

absl::StatusOr<int> FreeLoopbackPort() {
  counters::testing::UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, "free port: socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::ErrnoToStatus(errno, "free port: bind 127.0.0.1:0");
  }
  socklen_t len = sizeof(addr);
  if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return absl::ErrnoToStatus(errno, "free port: getsockname");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string PrometheusServer::Missing() {
  if (access(kPrometheusBinary, X_OK) != 0) {
    return absl::StrCat(
        kPrometheusBinary,
        " is missing: install Debian's 'prometheus' package (scripts/setup.sh test)");
  }
  return "";
}

absl::StatusOr<std::unique_ptr<PrometheusServer>> PrometheusServer::Start(const std::string& dir,
                                                                          int target_port,
                                                                          absl::Duration timeout) {
  auto p = std::unique_ptr<PrometheusServer>(new PrometheusServer);
  p->dir_ = dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("prometheus: cannot create ", dir, ": ", ec.message()));
  {
    std::ofstream cfg(dir + "/prometheus.yml");
    cfg << "global:\n"
           "  scrape_interval: 1s\n"
           "  scrape_timeout: 1s\n"
           "  evaluation_interval: 1s\n"
           "scrape_configs:\n"
           "  - job_name: vmms\n"
           "    metrics_path: /metrics\n"
           "    static_configs:\n"
           "      - targets: ['127.0.0.1:"
        << target_port << "']\n";
    if (!cfg)
      return absl::InternalError(absl::StrCat("prometheus: cannot write ", dir, "/prometheus.yml"));
  }
  absl::Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    last = p->StartOnce(timeout);
    if (last.ok()) return p;
    // Only a port lost to another process is worth another try.
    if (!absl::StrContains(last.message(), "address already in use")) break;
  }
  return last;
}

absl::Status PrometheusServer::StartOnce(absl::Duration timeout) {
  absl::StatusOr<int> port = FreeLoopbackPort();
  if (!port.ok()) return port.status();
  if (*port == 9090)
    return absl::UnavailableError("prometheus: address already in use (9090 skipped)");
  port_ = *port;
  std::vector<std::string> args = {kPrometheusBinary,
                                   "--config.file=" + dir_ + "/prometheus.yml",
                                   absl::StrCat("--web.listen-address=127.0.0.1:", port_),
                                   "--storage.tsdb.path=" + dir_ + "/tsdb",
                                   "--storage.tsdb.retention.time=1h",
                                   "--log.level=info"};
  const std::string log = dir_ + "/prometheus.log";
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "prometheus: fork");
  if (pid == 0) {
    // Dies with the test process even when the test is killed by ctest.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (chdir(dir_.c_str()) != 0) _exit(125);  // anything it writes stays in the test dir
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    absl::StatusOr<HttpResponse> r = HttpGet(port_, "/-/ready", absl::Seconds(5));
    if (r.ok() && r->status == 200) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string text = Log();
      return absl::UnavailableError(absl::StrCat(
          "prometheus exited during start-up (",
          absl::StrContains(text, "address already in use") ? "address already in use" : "see log",
          "): ", text.size() > 2000 ? text.substr(text.size() - 2000) : text));
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  Stop();
  return absl::DeadlineExceededError(
      absl::StrCat("prometheus not ready within ", absl::FormatDuration(timeout), ": ", Log()));
}

void PrometheusServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 150 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  if (waitpid(pid_, &status, WNOHANG) == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

PrometheusServer::~PrometheusServer() { Stop(); }

std::string PrometheusServer::Log() const {
  std::ifstream f(dir_ + "/prometheus.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

absl::StatusOr<std::vector<QuerySample>> PrometheusServer::Query(std::string_view expr) const {
  absl::StatusOr<HttpResponse> r = HttpGet(port_, QueryPath(expr), absl::Seconds(30));
  if (!r.ok()) return r.status();
  absl::StatusOr<std::string> body = UnchunkedBody(*r);
  if (!body.ok()) return body.status();
  if (r->status != 200) {
    return absl::UnavailableError(absl::StrCat("prometheus: HTTP ", r->status, " for '",
                                               std::string(expr), "': ", body->substr(0, 300)));
  }
  return ParseQueryResponse(*body);
}

std::string Describe(const absl::StatusOr<std::vector<QuerySample>>& result) {
  if (!result.ok()) return std::string(result.status().ToString());
  if (result->empty()) return "no series";
  std::string out;
  for (const QuerySample& s : *result) {
    out += "{";
    for (const auto& [k, v] : s.labels) absl::StrAppend(&out, k, "=", v, ",");
    absl::StrAppend(&out, "} ", s.value, "; ");
  }
  return out;
}

}  // namespace hv::testing
