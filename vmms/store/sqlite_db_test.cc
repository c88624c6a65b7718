#include "vmms/store/sqlite_db.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(::testing::TempDir(), "/sqlite_db_test_", getpid(), ".db");
    unlink(path_.c_str());
    auto db = SqliteDb::Open(path_, /*create=*/true);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)").ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1, 'one'), (2, 'two')").ok());
  }
  void TearDown() override {
    db_.reset();
    unlink(path_.c_str());
  }
  std::string Lookup(int64_t k) {
    auto s = db_->Prepare("SELECT v FROM t WHERE k = ?1");
    EXPECT_TRUE(s.ok()) << s.status();
    (*s)->Bind(1, k);
    auto row = (*s)->Step();
    EXPECT_TRUE(row.ok()) << row.status();
    return *row ? (*s)->Text(0) : "<none>";
  }
  std::string path_;
  std::unique_ptr<SqliteDb> db_;
};

TEST_F(SqliteDbTest, AStatementGivenBackIsReusedWithFreshBindings) {
  const uint64_t before = db_->statements_compiled();
  EXPECT_EQ(Lookup(1), "one");
  EXPECT_EQ(Lookup(2), "two");
  EXPECT_EQ(db_->statements_compiled(), before + 1) << "the second lookup compiled again";
  // An unbound parameter of a reused statement is NULL, not the last value.
  auto s = db_->Prepare("SELECT v FROM t WHERE k = ?1");
  ASSERT_TRUE(s.ok());
  auto row = (*s)->Step();
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(*row) << "a stale binding leaked into the reuse";
}

TEST_F(SqliteDbTest, TwoLiveStatementsForTheSameSqlAreDistinct) {
  auto a = db_->Prepare("SELECT v FROM t WHERE k = ?1");
  auto b = db_->Prepare("SELECT v FROM t WHERE k = ?1");
  ASSERT_TRUE(a.ok() && b.ok());
  (*a)->Bind(1, int64_t{1});
  (*b)->Bind(1, int64_t{2});
  ASSERT_TRUE(*(*a)->Step());
  ASSERT_TRUE(*(*b)->Step());
  EXPECT_EQ((*a)->Text(0), "one");
  EXPECT_EQ((*b)->Text(0), "two");
}

TEST_F(SqliteDbTest, AStatementLeftMidResultDoesNotBlockAWriter) {
  {
    auto s = db_->Prepare("SELECT v FROM t ORDER BY k");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(*(*s)->Step());  // one row read, the rest left unread
  }
  // A second connection can write: the kept statement holds no read lock.
  auto other = SqliteDb::Open(path_, /*create=*/false);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE((*other)->Exec("INSERT INTO t VALUES (3, 'three')").ok());
  EXPECT_EQ(Lookup(3), "three");
}

}  // namespace
}  // namespace hv::vmms
