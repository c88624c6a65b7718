#include "worker/worker_config.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hv::worker {
namespace {

using ::testing::HasSubstr;

constexpr char kGood[] = R"pb(
  vm_id: "id-1" vm_name: "web1"
  memory { dynamic_memory_enabled: true startup_mib: 256 minimum_mib: 128 maximum_mib: 1024 }
  vcpu_count: 2 guest_image: "/g.bin" backend: "tcg"
  socket_path: "/run/vm/web1.sock" state_dir: "/var/lib/vm/web1"
)pb";

v1::WorkerConfig Good() {
  auto c = ParseWorkerConfig(kGood);
  EXPECT_TRUE(c.ok()) << c.status();
  ApplyConfigDefaults(*c);
  return *c;
}

TEST(WorkerConfig, ParsesAndFillsDefaults) {
  v1::WorkerConfig c = Good();
  EXPECT_TRUE(ValidateWorkerConfig(c).ok());
  EXPECT_EQ(c.memory().buffer_percent(), 20u);
  EXPECT_EQ(c.memory().weight(), 5000u);
  EXPECT_EQ(VmDisplayName(c), "web1");
}

TEST(WorkerConfig, StaticMemoryPinsMinimumAndMaximumToStartup) {
  v1::WorkerConfig c = Good();
  c.mutable_memory()->set_dynamic_memory_enabled(false);
  ApplyConfigDefaults(c);
  EXPECT_EQ(c.memory().minimum_mib(), 256u);
  EXPECT_EQ(c.memory().maximum_mib(), 256u);
}

TEST(WorkerConfig, SyntaxErrorNamesTheLine) {
  auto c = ParseWorkerConfig("vm_id: \"x\"\nno_such_field: 1\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("line 2"));
}

TEST(WorkerConfig, MissingFileIsNotFound) {
  EXPECT_EQ(LoadWorkerConfig("/nonexistent/vmwp.txtpb").status().code(), absl::StatusCode::kNotFound);
}

TEST(WorkerConfig, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "/worker_config_test.txtpb";
  std::ofstream(path) << kGood;
  auto c = LoadWorkerConfig(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vm_id(), "id-1");
}

TEST(WorkerConfig, RejectsEveryBadField) {
  struct Case {
    std::function<void(v1::WorkerConfig&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& c) { c.set_vm_id(""); }, "vm_id is empty"},
      {[](auto& c) { c.set_vcpu_count(5); }, "vcpu_count 5 is outside 1..4"},
      {[](auto& c) { c.set_backend("xen"); }, "backend 'xen'"},
      {[](auto& c) { c.mutable_memory()->set_startup_mib(8); }, "below 16 MiB"},
      {[](auto& c) { c.mutable_memory()->set_minimum_mib(512); }, "minimum <= startup <= maximum"},
      {[](auto& c) { c.mutable_memory()->set_maximum_mib(1 << 20); }, "exceeds"},
      {[](auto& c) { c.mutable_memory()->set_buffer_percent(3); }, "buffer 3 %"},
      {[](auto& c) { c.mutable_memory()->set_weight(10001); }, "weight 10001"},
      {[](auto& c) { c.clear_guest_image(); }, "guest_image is empty"},
      {[](auto& c) { c.set_socket_path("rel.sock"); }, "must be an absolute path"},
      {[](auto& c) { c.set_socket_path("/" + std::string(200, 'a')); }, "longer than"},
      {[](auto& c) { c.clear_state_dir(); }, "state_dir is empty"},
  };
  for (const Case& k : cases) {
    v1::WorkerConfig c = Good();
    k.edit(c);
    absl::Status s = ValidateWorkerConfig(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << k.message;
    EXPECT_THAT(s.message(), HasSubstr(k.message));
    EXPECT_THAT(s.message(), HasSubstr("vm '"));
  }
}

TEST(WorkerConfig, RestoreNeedsNoImage) {
  v1::WorkerConfig c = Good();
  c.clear_guest_image();
  c.set_restore_from("/var/lib/vm/web1.vmstate");
  EXPECT_TRUE(ValidateWorkerConfig(c).ok());
}

}  // namespace
}  // namespace hv::worker
