#include "vmms/config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

TEST(Config, DefaultsAreLoopbackAndUnixSocketOnly) {
  VmmsConfig c = *ParseConfig({}, "/opt/vmms/bin");
  EXPECT_EQ(c.state_dir, "var");
  EXPECT_EQ(c.database, "var/vmms.db");
  EXPECT_EQ(c.listen, (std::vector<std::string>{"127.0.0.1:5990", "unix:var/vmms.sock"}));
  EXPECT_EQ(c.worker_binary, "/opt/vmms/bin/../worker/vmwp");
  EXPECT_EQ(c.balancer_interval, absl::Seconds(1));
}

TEST(Config, FileThenFlagsWin) {
  std::string path = std::filesystem::temp_directory_path() / ("vmms-cfg-" + std::to_string(getpid()));
  {
    std::ofstream out(path);
    out << "# vmms\nstate_dir = /srv/vmms\nbudget_mib = 4096\nbalancer_interval = 500ms\n";
  }
  VmmsConfig c = *ParseConfig({"--config=" + path, "--budget_mib=8192"}, ".");
  EXPECT_EQ(c.state_dir, "/srv/vmms");
  EXPECT_EQ(c.budget_mib, 8192u);
  EXPECT_EQ(c.balancer_interval, absl::Milliseconds(500));
  std::filesystem::remove(path);
}

TEST(Config, BadInputNamesTheKey) {
  EXPECT_EQ(ParseConfig({"--budget_mib=lots"}, ".").status().message(),
            "command line: budget_mib = 'lots' is not a whole number");
  EXPECT_EQ(ParseConfig({"--colour=blue"}, ".").status().message(),
            "command line: unknown key 'colour'");
  EXPECT_EQ(ParseConfig({"--on_exit=explode"}, ".").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConfig({"state_dir"}, ".").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseConfig({"--config=/nonexistent/vmms.conf"}, ".").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(Config, BudgetFromMemAvailable) {
  VmmsConfig c;
  ASSERT_TRUE(ResolveMemoryDefaults(c, "MemTotal:       25165824 kB\nMemAvailable:   20971520 kB\n").ok());
  EXPECT_EQ(c.host_reserve_mib, 2457u);  // 10 % of 24 GiB
  EXPECT_EQ(c.budget_mib, 20480u - 2457u);
  VmmsConfig small;
  EXPECT_FALSE(ResolveMemoryDefaults(small, "MemTotal: 2097152 kB\nMemAvailable: 524288 kB\n").ok());
}

}  // namespace
}  // namespace hv::vmms
