#include "vmms/launcher/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

using namespace std::chrono_literals;

TEST(Process, SpawnsDetachedInItsOwnSession) {
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sleep", "30"}, ""});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(IsSameProcessAlive(*p));
  EXPECT_EQ(getsid(p->pid), p->pid);  // session leader: not in vmms's process group
  EXPECT_NE(getpgid(p->pid), getpgid(0));
  kill(p->pid, SIGKILL);
  waitpid(p->pid, nullptr, 0);
  EXPECT_FALSE(IsSameProcessAlive(*p));
}

TEST(Process, MissingExecutableIsNotFound) {
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/nonexistent/vmwp"}, ""});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(p.status().message().find("/nonexistent/vmwp"), std::string::npos);
}

TEST(Process, AChildThatExitsAtOnceIsStillSpawned) {
  // /bin/true is usually a zombie before SpawnDetached reads its start time.
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/true"}, ""});
    ASSERT_TRUE(p.ok()) << p.status();
    int status = -1;
    ASSERT_EQ(waitpid(p->pid, &status, 0), p->pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

TEST(Process, OutputGoesToTheLogFile) {
  std::string log = std::filesystem::temp_directory_path() / ("vmms-proc-" + std::to_string(getpid()));
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sh", "-c", "echo hello-from-worker"}, log});
  ASSERT_TRUE(p.ok());
  waitpid(p->pid, nullptr, 0);
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "hello-from-worker");
  std::filesystem::remove(log);
}

TEST(ProcessWatcher, NoticesKillNineAtOnceAndReapsTheChild) {
  absl::Notification died;
  ProcessExit seen;
  ProcessWatcher watcher([&](const ProcessExit& e) { seen = e; died.Notify(); });
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sleep", "30"}, ""});
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(watcher.Watch(*p, /*child=*/true).ok());
  auto t0 = std::chrono::steady_clock::now();
  kill(p->pid, SIGKILL);
  ASSERT_TRUE(died.WaitForNotificationWithTimeout(absl::Seconds(10)));
  auto latency = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(latency, 1s);  // the bar: a dead worker is noticed within 1 s
  EXPECT_TRUE(seen.status_known);
  EXPECT_EQ(seen.signal, SIGKILL);
  EXPECT_EQ(seen.id.pid, p->pid);
  EXPECT_EQ(waitpid(p->pid, nullptr, WNOHANG), -1);  // already reaped: no zombie
  EXPECT_EQ(watcher.Watched(), 0u);
}

TEST(ProcessWatcher, ReportsExitCode) {
  absl::Notification died;
  ProcessExit seen;
  ProcessWatcher watcher([&](const ProcessExit& e) { seen = e; died.Notify(); });
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sh", "-c", "sleep 0.2; exit 3"}, ""});
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(watcher.Watch(*p, true).ok());
  ASSERT_TRUE(died.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(seen.exit_code, 3);
}

TEST(ProcessWatcher, RefusesAReusedPid) {
  ProcessWatcher watcher([](const ProcessExit&) {});
  absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sleep", "30"}, ""});
  ASSERT_TRUE(p.ok());
  ProcessId stale = *p;
  stale.start_time_ticks += 1;  // as if the pid now belonged to another process
  EXPECT_EQ(watcher.Watch(stale, false).code(), absl::StatusCode::kNotFound);
  kill(p->pid, SIGKILL);
  waitpid(p->pid, nullptr, 0);
  EXPECT_EQ(watcher.Watch(*p, false).code(), absl::StatusCode::kNotFound);  // gone
}

TEST(ProcessWatcher, UnwatchedProcessGivesNoCallback) {
  int calls = 0;
  {
    ProcessWatcher watcher([&](const ProcessExit&) { ++calls; });
    absl::StatusOr<ProcessId> p = SpawnDetached({{"/bin/sleep", "30"}, ""});
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE(watcher.Watch(*p, true).ok());
    watcher.Unwatch(p->pid);
    kill(p->pid, SIGKILL);
    waitpid(p->pid, nullptr, 0);
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace hv::vmms
