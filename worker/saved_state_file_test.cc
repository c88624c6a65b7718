#include "worker/saved_state_file.h"

#include <fstream>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

std::string File(const std::string& name, const std::string& bytes) {
  const std::string p = ::testing::TempDir() + "/saved_state_" + name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

TEST(SavedStateFile, MissingFileIsNotFound) {
  EXPECT_EQ(ReadSavedStateHeader("/nonexistent/x.vmstate").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(SavedStateFile, ForeignOrCorruptFilesAreDataLoss) {
  EXPECT_EQ(ReadSavedStateHeader(File("magic", "NOTASAVEFILE....")).status().code(),
            absl::StatusCode::kDataLoss);
  std::string huge(kSavedStateMagic, 8);
  uint64_t len = kMaxWorkerStateBytes + 1;
  huge.append(reinterpret_cast<const char*>(&len), 8);
  EXPECT_EQ(ReadSavedStateHeader(File("huge", huge)).status().code(), absl::StatusCode::kDataLoss);
  std::string trunc(kSavedStateMagic, 8);
  len = 100;
  trunc.append(reinterpret_cast<const char*>(&len), 8);
  trunc += "short";
  EXPECT_EQ(ReadSavedStateHeader(File("trunc", trunc)).status().code(), absl::StatusCode::kDataLoss);
}

TEST(SavedStateFile, HeaderRoundTripsAndVersionIsChecked) {
  v1::WorkerSavedState s;
  s.set_format_version(1);
  s.mutable_config()->set_vm_id("id-9");
  s.set_uptime_ms(1234);
  std::string body = s.SerializeAsString();
  std::string file(kSavedStateMagic, 8);
  uint64_t len = body.size();
  file.append(reinterpret_cast<const char*>(&len), 8);
  file += body;
  auto back = ReadSavedStateHeader(File("ok", file));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->config().vm_id(), "id-9");
  EXPECT_EQ(back->uptime_ms(), 1234u);

  s.set_format_version(2);
  body = s.SerializeAsString();
  file.assign(kSavedStateMagic, 8);
  len = body.size();
  file.append(reinterpret_cast<const char*>(&len), 8);
  file += body;
  EXPECT_EQ(ReadSavedStateHeader(File("v2", file)).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hv::worker
