// vmwp with real processes: the built `vmwp` binary runs the reference guest
// (TCG, so it runs everywhere), and the tests drive it only through its unix
// socket (hv.worker.v1.Worker), signals and the files in its state dir.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/integration/vmwp/vmwp_process.h"

namespace hv::worker::testing {
namespace {

namespace pb = ::hv::worker::v1;
using ::testing::HasSubstr;

constexpr uint64_t kPagesPerMiB = 256;

template <typename Req, typename Resp>
grpc::Status Call(grpc::Status (pb::Worker::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
                  pb::Worker::Stub& stub, const Req& req, Resp* resp) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return (stub.*rpc)(&ctx, req, resp);
}

// Reads the serial stream until it contains `needle`.
bool WaitSerial(pb::Worker::Stub& stub, const std::string& needle, absl::Duration timeout,
                std::string* seen) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout)));
  auto reader = stub.WatchSerial(&ctx, pb::WatchSerialRequest());
  pb::SerialChunk chunk;
  while (reader->Read(&chunk)) {
    *seen += chunk.data();
    if (absl::StrContains(*seen, needle)) {
      ctx.TryCancel();
      reader->Finish().ok();
      return true;
    }
  }
  reader->Finish().ok();
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Address of the guest workload's `progress` counter, from the guest ELF's
// symbol table (nm), so the test reads the counter straight from guest RAM.
uint64_t GuestSymbol(const std::string& name) {
  std::string elf = HV_GUEST_IMAGE;
  elf.replace(elf.size() - 4, 4, ".elf");
  FILE* p = popen(absl::StrCat("nm ", elf).c_str(), "r");
  if (p == nullptr) return 0;
  char line[512];
  uint64_t addr = 0;
  while (fgets(line, sizeof(line), p)) {
    unsigned long long a = 0;
    char type = 0;
    char sym[256] = {0};
    if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && name == sym) addr = a;
  }
  pclose(p);
  return addr;
}

uint64_t ReadU64(pb::Worker::Stub& stub, uint64_t gpa) {
  absl::StatusOr<std::string> d = ReadGuest(stub, gpa, 8);
  if (!d.ok() || d->size() != 8) return 0;
  uint64_t v = 0;
  memcpy(&v, d->data(), 8);
  return v;
}

// Hash of every 1 MiB of guest RAM in [lo, hi).
std::vector<size_t> HashRam(pb::Worker::Stub& stub, uint64_t lo, uint64_t hi) {
  std::vector<size_t> out;
  for (uint64_t gpa = lo; gpa < hi; gpa += 1 << 20) {
    absl::StatusOr<std::string> d = ReadGuest(stub, gpa, 1 << 20);
    out.push_back(d.ok() ? std::hash<std::string>()(*d) : 0);
  }
  return out;
}

// The current status, as text (failure messages).
std::string Now(VmwpProcess& vm) {
  auto r = vm.WaitStatus([](const pb::StatusReport&) { return true; }, absl::Seconds(10));
  return r.has_value() ? r->DebugString() : "(no status)";
}

class VmwpTest : public ::testing::Test {
 protected:
  std::unique_ptr<VmwpProcess> Start(const pb::WorkerConfig& c, std::vector<std::string> extra = {}) {
    absl::StatusOr<std::unique_ptr<VmwpProcess>> p = VmwpProcess::Spawn(c, std::move(extra));
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return nullptr;
    absl::Status ready = (*p)->WaitReady();
    EXPECT_TRUE(ready.ok()) << ready << "\nlog:\n" << ReadFile(c.state_dir() + "/vmwp.log");
    return ready.ok() ? std::move(*p) : nullptr;
  }
  // Shutdown (120 s allowed): the call succeeds, the VM ends Off and the
  // worker exits 0. Returns the worker's log.
  static std::string ShutDown(VmwpProcess& vm, const pb::WorkerConfig& c) {
    pb::ShutdownRequest req;
    req.set_timeout_ms(120000);
    pb::StateResponse sr;
    EXPECT_TRUE(Call(&pb::Worker::Stub::Shutdown, vm.stub(), req, &sr).ok());
    EXPECT_EQ(sr.state(), pb::VM_STATE_OFF);
    std::optional<int> st = vm.WaitExit();
    EXPECT_TRUE(st.has_value() && WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << st.value_or(-1);
    return ReadFile(c.state_dir() + "/vmwp.log");
  }
  static bool DmActive(const pb::StatusReport& r) {
    return r.dm_state() == pb::DM_STATE_ACTIVE && r.guest_committed_pages() > 0;
  }
  ScratchDir dir_;
};

TEST_F(VmwpTest, BootsServesOwnerOnlySocketAndStopsCleanlyOnSigterm) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "boot1");
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  struct stat st{};
  ASSERT_EQ(stat(c.socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(getpgid(vm->pid()), vm->pid()) << "vmwp leads its own process group";

  pb::WorkerInfo info;
  ASSERT_TRUE(Call(&pb::Worker::Stub::GetState, vm->stub(), pb::GetStateRequest(), &info).ok());
  EXPECT_EQ(info.state(), pb::VM_STATE_RUNNING);
  EXPECT_EQ(info.pid(), vm->pid());
  EXPECT_EQ(info.backend(), "tcg");
  EXPECT_EQ(info.vm_id(), c.vm_id());
  std::string serial;
  ASSERT_TRUE(WaitSerial(vm->stub(), "hv-guest: running", absl::Seconds(30), &serial)) << serial;

  // Status stream: DM active, heartbeat OK (it first negotiates its IC
  // version, so it may come a round after DM), host accounting filled in.
  auto r = vm->WaitStatus(
      [](const pb::StatusReport& r) { return DmActive(r) && r.heartbeat() == pb::HEARTBEAT_OK; },
      absl::Seconds(30));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state(), pb::VM_STATE_RUNNING);
  EXPECT_EQ(r->assigned_mib(), 256u);
  EXPECT_GT(r->guest_resident_bytes(), 0u);
  EXPECT_LE(r->guest_resident_bytes(), 256ull << 20);
  EXPECT_GT(r->worker_rss_bytes(), r->guest_resident_bytes());
  EXPECT_EQ(r->worker_overhead_bytes(), r->worker_rss_bytes() - r->guest_resident_bytes());
  EXPECT_GT(r->cpu_time_us(), 0u);
  EXPECT_GT(r->exit_counts().at("EXIT_REASON_VMCALL"), 0u);
  EXPECT_EQ(r->heartbeat(), pb::HEARTBEAT_OK);

  ASSERT_EQ(kill(vm->pid(), SIGTERM), 0);
  std::optional<int> status = vm->WaitExit();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  EXPECT_NE(access(c.socket_path().c_str(), F_OK), 0) << "socket removed";
  EXPECT_NE(access((c.state_dir() + "/exit-record.txtpb").c_str(), F_OK), 0) << "clean exit";
  const std::string log = ReadFile(c.state_dir() + "/vmwp.log");
  EXPECT_THAT(log, HasSubstr("serial: hv-guest: running"));
  EXPECT_THAT(log, HasSubstr("signal 15: powering off"));
}

TEST_F(VmwpTest, BalloonHotAddPauseResumeThroughControlApi) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "dm1");
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->WaitStatus(DmActive, absl::Seconds(30)).has_value());
  pb::WorkloadResponse wr;
  pb::WorkloadCommand cmd;
  // Make 96 MiB resident and free it again inside the guest.
  cmd.set_command("alloc 96");
  ASSERT_TRUE(Call(&pb::Worker::Stub::RunWorkload, vm->stub(), cmd, &wr).ok());
  ASSERT_TRUE(vm->WaitStatus([](const pb::StatusReport& r) {
                  return r.workload_counter() >= 96 * kPagesPerMiB;
                }, absl::Seconds(30)).has_value());
  cmd.set_command("free 96");
  ASSERT_TRUE(Call(&pb::Worker::Stub::RunWorkload, vm->stub(), cmd, &wr).ok());
  auto before = vm->WaitStatus([](const pb::StatusReport& r) { return true; }, absl::Seconds(10));
  ASSERT_TRUE(before.has_value());
  ASSERT_GE(before->guest_resident_bytes(), 96ull << 20);

  pb::ChangeMemoryRequest change;
  pb::MemoryOperationResponse mr;
  change.set_mib(64);
  ASSERT_TRUE(Call(&pb::Worker::Stub::RemoveMemory, vm->stub(), change, &mr).ok());
  EXPECT_EQ(mr.target_mib(), 192u);
  auto ballooned = vm->WaitStatus([](const pb::StatusReport& r) {
    return r.assigned_mib() == 192 && r.remove_operations() >= 1;
  }, absl::Seconds(60));
  ASSERT_TRUE(ballooned.has_value()) << Now(*vm) << ReadFile(c.state_dir() + "/vmwp.log");
  EXPECT_EQ(ballooned->removed_mib_total(), 64u);
  EXPECT_EQ(ballooned->guest_visible_mib(), 256u);
  // The worker unmaps exactly what the guest gave back (and so releases its
  // host pages; which pages the guest picks decides how much was resident).
  EXPECT_EQ(before->guest_mapped_bytes() - ballooned->guest_mapped_bytes(), 64ull << 20);
  EXPECT_LE(ballooned->guest_resident_bytes(), before->guest_resident_bytes())
      << "balloon returns host memory: resident " << before->guest_resident_bytes() << " -> "
      << ballooned->guest_resident_bytes() << ", mapped " << before->guest_mapped_bytes() << " -> "
      << ballooned->guest_mapped_bytes();

  // Grow past the boot size: unballoon 64 MiB, then hot-add 256 MiB.
  change.set_mib(320);
  ASSERT_TRUE(Call(&pb::Worker::Stub::AddMemory, vm->stub(), change, &mr).ok());
  EXPECT_EQ(mr.target_mib(), 512u);
  auto grown = vm->WaitStatus([](const pb::StatusReport& r) {
    return r.assigned_mib() == 512 && r.guest_visible_mib() == 512;
  }, absl::Seconds(60));
  ASSERT_TRUE(grown.has_value()) << Now(*vm) << ReadFile(c.state_dir() + "/vmwp.log");
  EXPECT_GE(grown->add_operations(), 2u);

  // Pause / Resume and wrong-state errors; the VM is left untouched.
  pb::StateResponse sr;
  ASSERT_TRUE(Call(&pb::Worker::Stub::Pause, vm->stub(), pb::PauseRequest(), &sr).ok());
  EXPECT_EQ(sr.state(), pb::VM_STATE_PAUSED);
  grpc::Status again = Call(&pb::Worker::Stub::Pause, vm->stub(), pb::PauseRequest(), &sr);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(again.error_message(), "vm 'dm1': cannot Pause from Paused");
  pb::SetMemoryTargetRequest target;
  target.set_target_mib(300);
  grpc::Status paused_target = Call(&pb::Worker::Stub::SetMemoryTarget, vm->stub(), target, &mr);
  EXPECT_EQ(paused_target.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(vm->State(), pb::VM_STATE_PAUSED);
  ASSERT_TRUE(Call(&pb::Worker::Stub::Resume, vm->stub(), pb::ResumeRequest(), &sr).ok());
  EXPECT_EQ(sr.state(), pb::VM_STATE_RUNNING);
  grpc::Status resume_again = Call(&pb::Worker::Stub::Resume, vm->stub(), pb::ResumeRequest(), &sr);
  EXPECT_EQ(resume_again.error_message(), "vm 'dm1': cannot Resume from Running");

  // Malformed memory requests.
  for (uint64_t bad : {64ull, 1025ull, 0ull}) {
    target.set_target_mib(bad);
    grpc::Status s = Call(&pb::Worker::Stub::SetMemoryTarget, vm->stub(), target, &mr);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_THAT(s.error_message(), HasSubstr("outside [128, 1024]"));
  }
  pb::ReadGuestMemoryRequest bad_read;
  pb::ReadGuestMemoryResponse bad_read_resp;
  bad_read.set_gpa(4ull << 30);  // beyond RAM
  bad_read.set_length(16);
  EXPECT_EQ(Call(&pb::Worker::Stub::ReadGuestMemory, vm->stub(), bad_read, &bad_read_resp)
                .error_code(), grpc::StatusCode::OUT_OF_RANGE);
  bad_read.set_gpa(0x100000);
  bad_read.set_length(0);
  EXPECT_EQ(Call(&pb::Worker::Stub::ReadGuestMemory, vm->stub(), bad_read, &bad_read_resp)
                .error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  change.set_mib(0);
  EXPECT_EQ(Call(&pb::Worker::Stub::AddMemory, vm->stub(), change, &mr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  change.set_mib(4096);
  EXPECT_EQ(Call(&pb::Worker::Stub::RemoveMemory, vm->stub(), change, &mr).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  auto after = vm->WaitStatus([](const pb::StatusReport&) { return true; }, absl::Seconds(10));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->state(), pb::VM_STATE_RUNNING);
  EXPECT_EQ(after->target_mib(), 512u) << "rejected requests left the target alone";

  pb::StateResponse off;
  ASSERT_TRUE(Call(&pb::Worker::Stub::TurnOff, vm->stub(), pb::TurnOffRequest(), &off).ok());
  EXPECT_EQ(off.state(), pb::VM_STATE_OFF);
  std::optional<int> status = vm->WaitExit();
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST_F(VmwpTest, SaveAndRestoreInNewWorkerContinuesTheGuest) {
  const uint64_t progress_gpa = GuestSymbol("progress");
  ASSERT_NE(progress_gpa, 0u) << "guest ELF symbol 'progress'";
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "qm1");
  auto a = Start(c);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->WaitStatus(DmActive, absl::Seconds(30)).has_value());
  pb::WorkloadCommand cmd;
  pb::WorkloadResponse wr;
  cmd.set_command("sawtooth 8 40 200");
  ASSERT_TRUE(Call(&pb::Worker::Stub::RunWorkload, a->stub(), cmd, &wr).ok());
  ASSERT_TRUE(a->WaitStatus([](const pb::StatusReport& r) {
                  return r.workload_counter() >= 16 * kPagesPerMiB;
                }, absl::Seconds(30)).has_value());
  // Balloon 64 MiB away before the save: that memory must stay unmapped
  // (and released) in the restored worker, and come back on request.
  pb::ChangeMemoryRequest change;
  pb::MemoryOperationResponse mr;
  change.set_mib(64);
  ASSERT_TRUE(Call(&pb::Worker::Stub::RemoveMemory, a->stub(), change, &mr).ok());
  auto ballooned = a->WaitStatus([](const pb::StatusReport& r) {
    return r.assigned_mib() == 192 && r.remove_operations() >= 1 && r.heartbeat_responses() > 0;
  }, absl::Seconds(120));
  ASSERT_TRUE(ballooned.has_value()) << Now(*a) << ReadFile(c.state_dir() + "/vmwp.log");
  const uint64_t mapped_saved = ballooned->guest_mapped_bytes();

  pb::StateResponse sr;
  ASSERT_TRUE(Call(&pb::Worker::Stub::Pause, a->stub(), pb::PauseRequest(), &sr).ok());
  const auto at_save =
      a->WaitStatus([](const pb::StatusReport& r) { return true; }, absl::Seconds(30));
  ASSERT_TRUE(at_save.has_value());
  const uint64_t progress_saved = ReadU64(a->stub(), progress_gpa);
  ASSERT_GE(progress_saved, 16 * kPagesPerMiB);
  const std::vector<size_t> ram_saved = HashRam(a->stub(), 0x100000, 256ull << 20);
  pb::WorkerInfo info_a;
  ASSERT_TRUE(Call(&pb::Worker::Stub::GetState, a->stub(), pb::GetStateRequest(), &info_a).ok());

  const std::string state_file = dir_.path() + "/qm1.vmstate";
  pb::SaveRequest save;
  save.set_path(state_file);
  ASSERT_TRUE(Call(&pb::Worker::Stub::Save, a->stub(), save, &sr).ok());
  EXPECT_EQ(sr.state(), pb::VM_STATE_SAVED);
  std::optional<int> a_status = a->WaitExit();
  ASSERT_TRUE(a_status.has_value()) << "the saved worker exits";
  EXPECT_TRUE(WIFEXITED(*a_status) && WEXITSTATUS(*a_status) == 0);

  // A NEW worker, new socket and state dir, continues the VM.
  pb::WorkerConfig rc = DmGuestConfig(dir_.path(), "qm1b");
  rc.set_restore_from(state_file);
  rc.clear_guest_image();
  auto b = Start(rc, {"--start-paused"});
  ASSERT_NE(b, nullptr);
  pb::WorkerInfo info_b;
  ASSERT_TRUE(Call(&pb::Worker::Stub::GetState, b->stub(), pb::GetStateRequest(), &info_b).ok());
  EXPECT_EQ(info_b.state(), pb::VM_STATE_PAUSED);
  EXPECT_EQ(info_b.vm_id(), c.vm_id()) << "the saved VM's identity";
  EXPECT_EQ(info_b.memory().maximum_mib(), 1024u);
  EXPECT_GE(info_b.uptime_ms(), info_a.uptime_ms());
  EXPECT_EQ(ReadU64(b->stub(), progress_gpa), progress_saved);
  EXPECT_TRUE(HashRam(b->stub(), 0x100000, 256ull << 20) == ram_saved)
      << "guest RAM differs after restore";
  // The devices came back as they were: DM active with its balloon, the
  // ballooned range still unmapped (and so not resident).
  auto restored = b->WaitStatus([](const pb::StatusReport& r) { return true; }, absl::Seconds(30));
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->dm_state(), pb::DM_STATE_ACTIVE);
  EXPECT_EQ(restored->assigned_mib(), 192u);
  EXPECT_EQ(restored->removed_mib_total(), at_save->removed_mib_total());
  EXPECT_EQ(restored->dm_status_reports(), at_save->dm_status_reports());
  EXPECT_EQ(restored->heartbeat_responses(), at_save->heartbeat_responses());
  EXPECT_EQ(restored->heartbeat(), pb::HEARTBEAT_OK);
  EXPECT_EQ(restored->guest_mapped_bytes(), mapped_saved) << "the ballooned range stays unmapped";
  EXPECT_LE(restored->guest_resident_bytes(), restored->guest_mapped_bytes());
  EXPECT_LE(restored->guest_resident_bytes(), (256ull - 64) << 20)
      << "the ballooned 64 MiB are not resident";
  // Counts continue from the saved VM (monotonic across the migration), even
  // though the new process has barely run: exits by reason, misbehaviour.
  ASSERT_FALSE(at_save->exit_counts().empty());
  for (const auto& [reason, n] : at_save->exit_counts()) {
    EXPECT_GE(restored->exit_counts().count(reason) ? restored->exit_counts().at(reason) : 0, n)
        << reason;
  }
  EXPECT_GE(restored->misbehaviour_events(), at_save->misbehaviour_events());
  EXPECT_GE(restored->add_operations(), at_save->add_operations());
  EXPECT_GE(restored->remove_operations(), at_save->remove_operations());

  ASSERT_TRUE(Call(&pb::Worker::Stub::Resume, b->stub(), pb::ResumeRequest(), &sr).ok());
  uint64_t progress_now = 0;
  for (int i = 0; i < 600 && progress_now <= progress_saved + 4 * kPagesPerMiB; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    progress_now = ReadU64(b->stub(), progress_gpa);
  }
  EXPECT_GT(progress_now, progress_saved + 4 * kPagesPerMiB) << "the guest workload carries on";
  EXPECT_EQ(b->State(), pb::VM_STATE_RUNNING);
  // Its channels are alive: DM status reports and heartbeat answers resume.
  const uint64_t reports = at_save->dm_status_reports(), beats = at_save->heartbeat_responses();
  auto alive = b->WaitStatus([&](const pb::StatusReport& r) {
    return r.dm_status_reports() > reports + 2 && r.heartbeat_responses() > beats + 1;
  }, absl::Seconds(120));
  ASSERT_TRUE(alive.has_value()) << Now(*b) << ReadFile(rc.state_dir() + "/vmwp.log");
  EXPECT_EQ(alive->dm_state(), pb::DM_STATE_ACTIVE);
  // A workload command reaches the guest (its command count rises).
  const uint64_t commands_gpa = GuestSymbol("commands");
  ASSERT_NE(commands_gpa, 0u) << "guest ELF symbol 'commands'";
  const uint64_t commands_before = ReadU64(b->stub(), commands_gpa);
  cmd.set_command("sawtooth 8 24 200");
  ASSERT_TRUE(Call(&pb::Worker::Stub::RunWorkload, b->stub(), cmd, &wr).ok());
  uint64_t commands_now = commands_before;
  for (int i = 0; i < 1200 && commands_now <= commands_before; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    commands_now = ReadU64(b->stub(), commands_gpa);
  }
  EXPECT_GT(commands_now, commands_before) << "workload command after restore";
  // The balloon bookkeeping survived: the 64 MiB come back on request.
  pb::SetMemoryTargetRequest target;
  target.set_target_mib(256);
  ASSERT_TRUE(Call(&pb::Worker::Stub::SetMemoryTarget, b->stub(), target, &mr).ok());
  auto unballooned = b->WaitStatus([&](const pb::StatusReport& r) {
    return r.assigned_mib() == 256 && r.guest_mapped_bytes() == mapped_saved + (64ull << 20);
  }, absl::Seconds(120));
  ASSERT_TRUE(unballooned.has_value()) << Now(*b) << ReadFile(rc.state_dir() + "/vmwp.log");
  EXPECT_EQ(unballooned->misbehaviour_events(), 0u);
  for (const auto& [reason, n] : at_save->exit_counts()) {
    EXPECT_GE(unballooned->exit_counts().at(reason), n) << reason;
  }
  // The restored Shutdown IC (its negotiation came back with the saved
  // state) still shuts the guest down cooperatively.
  const std::string log = ShutDown(*b, rc);
  EXPECT_THAT(log, HasSubstr("serial: shutdown: requested by host"));
  EXPECT_THAT(log, HasSubstr("shutdown was cooperative: guest powered off")) << log;
}

TEST_F(VmwpTest, RefusesLiveSocketReplacesStaleOneAndRecordsAbnormalExits) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "sock1");
  auto first = Start(c);
  ASSERT_NE(first, nullptr);
  // Same socket, another worker: refused, and the first keeps serving.
  pb::WorkerConfig c2 = c;
  c2.set_state_dir(dir_.path() + "/sock1-second.state");
  auto second = VmwpProcess::Spawn(c2);
  ASSERT_TRUE(second.ok());
  std::optional<int> st2 = (*second)->WaitExit();
  ASSERT_TRUE(st2.has_value());
  EXPECT_TRUE(WIFEXITED(*st2) && WEXITSTATUS(*st2) == 3) << *st2;
  EXPECT_THAT(ReadFile(c2.state_dir() + "/vmwp.log"), HasSubstr("is in use by a live process"));
  EXPECT_EQ(first->State(), pb::VM_STATE_RUNNING);

  // A fatal signal leaves an exit record (and a stale socket).
  ASSERT_EQ(kill(first->pid(), SIGSEGV), 0);
  std::optional<int> st = first->WaitExit();
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(WIFSIGNALED(*st) && WTERMSIG(*st) == SIGSEGV) << *st;
  pb::ExitRecord rec;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      ReadFile(c.state_dir() + "/exit-record.txtpb"), &rec));
  EXPECT_EQ(rec.reason(), "fatal_signal");
  EXPECT_EQ(rec.signal(), SIGSEGV);
  EXPECT_EQ(rec.pid(), first->pid());
  EXPECT_EQ(rec.vm_id(), c.vm_id());
  EXPECT_EQ(rec.last_state(), pb::VM_STATE_RUNNING);
  ASSERT_EQ(access(c.socket_path().c_str(), F_OK), 0) << "stale socket left behind";

  // The stale socket is replaced by the next worker.
  auto third = Start(c);
  ASSERT_NE(third, nullptr);
  EXPECT_EQ(third->State(), pb::VM_STATE_RUNNING);
}

TEST_F(VmwpTest, GuestCrashIsRecordedAndTheWorkerStaysReadable) {
  // A guest that writes to an unmapped GPA (1 GiB) right away.
  const std::string image = dir_.path() + "/crash.bin";
  const unsigned char code[] = {0x48, 0x89, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40,  // mov [0x40000000], rax
                                0xEB, 0xFE};                                      // jmp $
  std::ofstream(image, std::ios::binary).write(reinterpret_cast<const char*>(code), sizeof(code));
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "crash1");
  c.set_guest_image(image);
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  auto crashed = vm->WaitStatus(
      [](const pb::StatusReport& r) { return r.state() == pb::VM_STATE_CRASHED; }, absl::Seconds(30));
  ASSERT_TRUE(crashed.has_value());
  pb::ExitRecord rec;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      ReadFile(c.state_dir() + "/exit-record.txtpb"), &rec));
  EXPECT_EQ(rec.reason(), "guest_crash");
  EXPECT_THAT(rec.message(), HasSubstr("EXIT_REASON_EPT_VIOLATION"));
  pb::StateResponse sr;
  EXPECT_EQ(Call(&pb::Worker::Stub::Pause, vm->stub(), pb::PauseRequest(), &sr).error_message(),
            "vm 'crash1': cannot Pause from Crashed");
  ASSERT_TRUE(Call(&pb::Worker::Stub::TurnOff, vm->stub(), pb::TurnOffRequest(), &sr).ok());
  std::optional<int> st = vm->WaitExit();
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(WIFEXITED(*st) && WEXITSTATUS(*st) == 0);
}

// A state file saved before the Shutdown IC and counters sections existed
// (here: the same file with them stripped) still restores; the reopened
// Shutdown IC channel negotiates afresh and Shutdown is still cooperative.
TEST_F(VmwpTest, RestoresAStateFileWithoutTheShutdownSection) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "qm3");
  auto a = Start(c);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->WaitStatus([](const pb::StatusReport& r) {
                  return r.heartbeat() == pb::HEARTBEAT_OK && DmActive(r);
                }, absl::Seconds(60)).has_value()) << Now(*a);
  const std::string saved_file = dir_.path() + "/qm3.vmstate";
  pb::SaveRequest save;
  save.set_path(saved_file);
  pb::StateResponse sr;
  ASSERT_TRUE(Call(&pb::Worker::Stub::Save, a->stub(), save, &sr).ok());
  ASSERT_TRUE(a->WaitExit().has_value());

  // "HVWPSAVE", u64 length, WorkerSavedState, snapshot: drop the optional
  // sections (fields 16 and 17) and rewrite the length.
  const std::string old_file = dir_.path() + "/qm3-old.vmstate";
  {
    std::ifstream in(saved_file, std::ios::binary);
    char head[16];
    ASSERT_TRUE(in.read(head, sizeof(head)));
    uint64_t len = 0;
    memcpy(&len, head + 8, sizeof(len));
    ASSERT_LT(len, 64u << 20);
    std::string body(len, '\0');
    ASSERT_TRUE(in.read(body.data(), static_cast<std::streamsize>(len)));
    pb::WorkerSavedState state;
    ASSERT_TRUE(state.ParseFromString(body));
    ASSERT_TRUE(state.has_shutdown()) << "the new worker writes the sections";
    ASSERT_FALSE(state.counters().empty());
    state.clear_shutdown();
    state.clear_counters();
    std::string stripped;
    ASSERT_TRUE(state.SerializeToString(&stripped));
    len = stripped.size();
    memcpy(head + 8, &len, sizeof(len));
    std::ofstream out(old_file, std::ios::binary);
    out.write(head, sizeof(head));
    out.write(stripped.data(), static_cast<std::streamsize>(stripped.size()));
    out << in.rdbuf();
    ASSERT_TRUE(out.good());
  }
  pb::WorkerConfig rc = DmGuestConfig(dir_.path(), "qm3b");
  rc.set_restore_from(old_file);
  rc.clear_guest_image();
  auto b = Start(rc);
  ASSERT_NE(b, nullptr);
  const std::string log = ShutDown(*b, rc);
  EXPECT_THAT(log, HasSubstr("serial: shutdown: requested by host"));
  EXPECT_THAT(log, HasSubstr("shutdown was cooperative: guest powered off")) << log;
}

// Shutdown with the guest's Shutdown IC: the guest answers, prints its line
// and powers itself off long before the (generous) timeout.
TEST_F(VmwpTest, ShutdownIsCooperativeWhenTheGuestHasTheShutdownService) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "sd1");
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  std::string serial;
  ASSERT_TRUE(WaitSerial(vm->stub(), "hv-guest: running", absl::Seconds(60), &serial)) << serial;
  const std::string log = ShutDown(*vm, c);
  EXPECT_THAT(log, HasSubstr("serial: shutdown: requested by host"));
  EXPECT_THAT(log, HasSubstr("vm 'sd1': shutdown was cooperative: guest powered off"));
}

// A guest without the service (sd=off) is powered off hard: Shutdown still
// ends Off, and the guest never saw a request.
TEST_F(VmwpTest, ShutdownFallsBackToPowerOffWithoutTheShutdownService) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "sd2");
  c.set_guest_command_line("sd=off");
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  std::string serial;
  ASSERT_TRUE(WaitSerial(vm->stub(), "hv-guest: running", absl::Seconds(60), &serial)) << serial;
  const std::string log = ShutDown(*vm, c);
  EXPECT_THAT(log, HasSubstr("cmdline 'sd=off'"));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("shutdown: requested by host")));
  EXPECT_THAT(log, HasSubstr("vm 'sd2': shutdown was a hard power-off: the guest has no shutdown "
                             "integration service open"));
}

TEST_F(VmwpTest, SecondClientRunsConcurrentStreamsAndCalls) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "two1");
  auto vm = Start(c);
  ASSERT_NE(vm, nullptr);
  auto other = vm->NewStub();
  // Client 1 holds a status stream open while client 2 pauses and resumes.
  grpc::ClientContext ctx;
  pb::WatchStatusRequest req;
  auto reader = vm->stub().WatchStatus(&ctx, req);  // interval 0: on every change
  pb::StatusReport r;
  ASSERT_TRUE(reader->Read(&r));
  pb::StateResponse sr;
  ASSERT_TRUE(Call(&pb::Worker::Stub::Pause, *other, pb::PauseRequest(), &sr).ok());
  bool saw_paused = false;
  for (int i = 0; i < 50 && !saw_paused; ++i) {
    ASSERT_TRUE(reader->Read(&r));
    saw_paused = r.state() == pb::VM_STATE_PAUSED;
  }
  EXPECT_TRUE(saw_paused) << "stream of client 1 sees client 2's Pause";
  ASSERT_TRUE(Call(&pb::Worker::Stub::Resume, *other, pb::ResumeRequest(), &sr).ok());
  std::string serial;
  EXPECT_TRUE(WaitSerial(*other, "hv-guest: running", absl::Seconds(30), &serial));
  ctx.TryCancel();
  reader->Finish().ok();
  EXPECT_EQ(vm->State(), pb::VM_STATE_RUNNING);
}

TEST_F(VmwpTest, OutlivesItsParent) {
  pb::WorkerConfig c = DmGuestConfig(dir_.path(), "orphan1");
  const std::string config_path = dir_.path() + "/orphan1.txtpb";
  std::string text;
  google::protobuf::TextFormat::PrintToString(c, &text);
  std::ofstream(config_path) << text;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t middle = fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    // The "vmms": spawns the worker detached, reports its pid, and dies.
    pid_t w = fork();
    if (w == 0) {
      setsid();
      std::string bin = VmwpBinary(), arg = "--config=" + config_path;
      execl(bin.c_str(), bin.c_str(), arg.c_str(), nullptr);
      _exit(127);
    }
    (void)!write(fds[1], &w, sizeof(w));
    _exit(0);
  }
  pid_t worker = -1;
  ASSERT_EQ(read(fds[0], &worker, sizeof(worker)), static_cast<ssize_t>(sizeof(worker)));
  close(fds[0]);
  close(fds[1]);
  waitpid(middle, nullptr, 0);  // the parent is gone
  auto channel = grpc::CreateChannel("unix:" + c.socket_path(), grpc::InsecureChannelCredentials());
  auto stub = pb::Worker::NewStub(channel);
  bool answered = false;
  for (int i = 0; i < 300 && !answered; ++i) {
    grpc::ClientContext ctx;
    pb::WorkerInfo info;
    answered = stub->GetState(&ctx, pb::GetStateRequest(), &info).ok() &&
               info.state() == pb::VM_STATE_RUNNING;
    if (!answered) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(answered) << "the worker runs on after its parent died";
  EXPECT_EQ(getsid(worker), worker);
  kill(worker, SIGTERM);
  for (int i = 0; i < 300 && access(c.socket_path().c_str(), F_OK) == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_NE(access(c.socket_path().c_str(), F_OK), 0);
}

}  // namespace
}  // namespace hv::worker::testing
