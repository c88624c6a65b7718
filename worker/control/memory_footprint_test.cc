#include "worker/control/memory_footprint.h"

#include <malloc.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedMalloc = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitizedMalloc = true;
#else
constexpr bool kSanitizedMalloc = false;
#endif
#else
constexpr bool kSanitizedMalloc = false;
#endif

// Runs `body` in a forked child (the settings are process-wide and must not
// leak into other tests) and returns its exit status: 0 when every check in
// the child held, otherwise the number of the first failed check.
int InChild(const std::function<int()>& body) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Number of malloc arenas glibc reports (<heap nr="..."> in malloc_info).
int ArenaCount() {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (f == nullptr || malloc_info(0, f) != 0) return -1;
  std::fclose(f);
  const std::string xml(buf, len);
  std::free(buf);
  int n = 0;
  for (size_t p = xml.find("<heap nr="); p != std::string::npos; p = xml.find("<heap nr=", p + 1)) {
    ++n;
  }
  return n;
}

// Starts `threads` threads that each allocate (and keep until they end) a
// few blocks, concurrently, so glibc would hand out extra arenas.
void AllocateFromThreads(int threads) {
  std::vector<std::thread> ts;
  std::atomic<int> ready{0};
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([&] {
      std::vector<void*> blocks;
      for (int j = 0; j < 64; ++j) blocks.push_back(std::malloc(2048));
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();
      for (void* b : blocks) std::free(b);
    });
  }
  for (auto& t : ts) t.join();
}

TEST(WorkerFootprintTest, TcgTurnsTransparentHugePagesOff) {
  EXPECT_EQ(InChild([] {
              if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 0) return 1;  // a clean start
              FootprintOptions o;
              o.malloc_arena_max = 0;
              if (!ReduceWorkerFootprint(hv::shim::BackendKind::kTcg, o).ok()) return 2;
              if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) != 1) return 3;
              // Inherited by threads started afterwards.
              int in_thread = -1;
              std::thread([&] { in_thread = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0); }).join();
              return in_thread == 1 ? 0 : 4;
            }),
            0);
}

TEST(WorkerFootprintTest, KvmKeepsTheHostHugePagePolicy) {
  EXPECT_EQ(InChild([] {
              FootprintOptions o;
              o.malloc_arena_max = 0;
              if (!ReduceWorkerFootprint(hv::shim::BackendKind::kKvm, o).ok()) return 1;
              return prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0 ? 0 : 2;
            }),
            0);
}

TEST(WorkerFootprintTest, HugePagesOptionOffLeavesTcgAlone) {
  EXPECT_EQ(InChild([] {
              FootprintOptions o;
              o.tcg_without_huge_pages = false;
              o.malloc_arena_max = 0;
              if (!ReduceWorkerFootprint(hv::shim::BackendKind::kTcg, o).ok()) return 1;
              return prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0 ? 0 : 2;
            }),
            0);
}

TEST(WorkerFootprintTest, OneArenaServesEveryThread) {
  if (kSanitizedMalloc) GTEST_SKIP() << "the sanitizer's allocator replaces glibc's arenas";
  EXPECT_EQ(InChild([] {
              if (!ReduceWorkerFootprint(hv::shim::BackendKind::kKvm, FootprintOptions{}).ok()) {
                return 1;
              }
              AllocateFromThreads(8);
              return ArenaCount() == 1 ? 0 : 2;
            }),
            0);
}

TEST(WorkerFootprintTest, ArenasMultiplyWithoutTheLimit) {
  // The control for the test above: the same threads do get arenas of their own.
  if (kSanitizedMalloc) GTEST_SKIP() << "the sanitizer's allocator replaces glibc's arenas";
  EXPECT_EQ(InChild([] {
              AllocateFromThreads(8);
              return ArenaCount() > 1 ? 0 : 1;
            }),
            0);
}

}  // namespace
}  // namespace hv::worker
