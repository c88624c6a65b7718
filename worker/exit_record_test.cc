#include "worker/exit_record.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

std::string Dir(const std::string& name) {
  std::string d = ::testing::TempDir() + "/exit_record_" + std::to_string(getpid()) + name;
  std::filesystem::create_directories(d);
  return d;
}

TEST(ExitRecorder, WritesReadsAndClears) {
  const std::string d = Dir("a");
  ExitRecorder r(d, "id-1", "web1");
  r.set_last_state(v1::VM_STATE_RUNNING);
  ASSERT_TRUE(r.Record("guest_crash", "vCPU 0 stopped").ok());
  auto rec = ReadExitRecord(d);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->vm_id(), "id-1");
  EXPECT_EQ(rec->vm_name(), "web1");
  EXPECT_EQ(rec->pid(), getpid());
  EXPECT_EQ(rec->reason(), "guest_crash");
  EXPECT_EQ(rec->last_state(), v1::VM_STATE_RUNNING);
  EXPECT_GT(rec->timestamp_unix_ms(), 0);
  ASSERT_TRUE(r.Clear().ok());
  EXPECT_EQ(ReadExitRecord(d).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(r.Clear().ok()) << "clearing nothing is fine";
}

TEST(ExitRecorder, UnwritableDirectoryIsAnError) {
  ExitRecorder r("/nonexistent/dir", "id", "vm");
  EXPECT_EQ(r.Record("internal_error", "x").code(), absl::StatusCode::kInternal);
}

TEST(ExitRecorder, FatalSignalLeavesARecordAndStillKillsTheProcess) {
  const std::string d = Dir("b");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ExitRecorder r(d, "id-2", "db1");
    r.set_last_state(v1::VM_STATE_PAUSED);
    if (!r.InstallFatalSignalHandlers().ok()) _exit(3);
    raise(SIGBUS);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGBUS);
  auto rec = ReadExitRecord(d);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->reason(), "fatal_signal");
  EXPECT_EQ(rec->signal(), SIGBUS);
  EXPECT_EQ(rec->pid(), child);
  EXPECT_EQ(rec->vm_id(), "id-2");
  EXPECT_EQ(rec->last_state(), v1::VM_STATE_PAUSED);
}

TEST(ExitRecorder, OnlyOneRecorderInstallsHandlers) {
  ExitRecorder a(Dir("c"), "a", "a"), b(Dir("d"), "b", "b");
  ASSERT_TRUE(a.InstallFatalSignalHandlers().ok());
  EXPECT_EQ(b.InstallFatalSignalHandlers().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ExitRecorder, CorruptRecordIsDataLoss) {
  const std::string d = Dir("e");
  std::ofstream(d + "/" + kExitRecordFile) << "this is { not a record";
  EXPECT_EQ(ReadExitRecord(d).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hv::worker
