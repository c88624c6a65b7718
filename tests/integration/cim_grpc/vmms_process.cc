#include "tests/integration/cim_grpc/vmms_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"

namespace hv::testing {

namespace fs = std::filesystem;

std::string BinaryDir() {
  const char* d = std::getenv("HV_BINARY_DIR");
  return d ? d : "";
}

std::string VmmsProcess::Missing() {
  std::string bin = BinaryDir();
  if (bin.empty()) return "HV_BINARY_DIR is not set";
  for (const std::string& f : {bin + "/vmms/vmms", bin + "/worker/vmwp", bin + "/guest/hv_guest.bin"}) {
    if (access(f.c_str(), R_OK) != 0) return f + " is missing (build vmms, vmwp and hv_guest_image)";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<VmmsProcess>> VmmsProcess::Start(const std::string& name,
                                                                 uint64_t budget_mib) {
  auto p = std::unique_ptr<VmmsProcess>(new VmmsProcess);
  // Short: worker socket paths under it must fit sun_path (108 bytes).
  static int counter = 0;
  p->dir_ = (fs::temp_directory_path() / absl::StrCat("ci", getpid(), "-", counter++)).string();
  (void)name;
  fs::remove_all(p->dir_);
  fs::create_directories(p->dir_);
  const std::string sock = p->dir_ + "/vmms.sock";
  p->address_ = "unix:" + sock;
  p->budget_mib_ = budget_mib;
  absl::Status s = p->Launch();
  if (!s.ok()) return s;
  return p;
}

absl::Status VmmsProcess::Restart() {
  Terminate();
  return Launch();
}

absl::Status VmmsProcess::Launch() {
  VmmsProcess* p = this;
  std::vector<std::string> args = {BinaryDir() + "/vmms/vmms",
                                   "--state_dir=" + p->dir_,
                                   "--listen=" + p->address_,
                                   "--metrics_port=0",
                                   absl::StrCat("--budget_mib=", budget_mib_),
                                   "--on_exit=stop"};
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Appends: a restarted vmms keeps the first one's log above its own.
    int fd = open((p->dir_ + "/vmms.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  p->pid_ = pid;
  p->stub_ = hv::cim::v1::CimService::NewStub(
      grpc::CreateChannel(p->address_, grpc::InsecureChannelCredentials()));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    hv::cim::v1::GetClassRequest req;
    req.set_namespace_("root/virtualization/v2");
    req.set_class_name("Msvm_ComputerSystem");
    hv::cim::v1::CimClass cls;
    if (p->stub_->GetClass(&ctx, req, &cls).ok()) return absl::OkStatus();
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      p->pid_ = -1;
      return absl::InternalError(absl::StrCat("vmms exited during start-up: ", p->Log()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("vmms did not answer in 30 s: ", p->Log()));
}

VmmsProcess::~VmmsProcess() {
  Terminate();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void VmmsProcess::Terminate() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
}

std::string VmmsProcess::Log() const {
  std::ifstream f(dir_ + "/vmms.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace hv::testing
