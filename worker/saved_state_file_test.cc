#include "worker/saved_state_file.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
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
  s.set_format_version(kSavedStateFormatVersion);
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

  // Version 1 (no device state) and unknown versions are refused, saying why.
  for (uint32_t version : {1u, kSavedStateFormatVersion + 1}) {
    s.set_format_version(version);
    body = s.SerializeAsString();
    file.assign(kSavedStateMagic, 8);
    len = body.size();
    file.append(reinterpret_cast<const char*>(&len), 8);
    file += body;
    absl::Status st = ReadSavedStateHeader(File(absl::StrCat("v", version), file)).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
    EXPECT_THAT(std::string(st.message()),
                ::testing::HasSubstr(version == 1 ? "no device state" : "unsupported format"));
  }
}

}  // namespace
}  // namespace hv::worker
