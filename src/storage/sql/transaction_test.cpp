#include "storage/sql/transaction.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/sql/error.hpp"

namespace myelin::sql {
namespace {

// Records the statements it is asked to run; `fail_on` makes one statement throw, as a backend
// would.
class RecordingConnection : public Connection {
 public:
  const Dialect& dialect() const override { return Dialect::sqlite(); }

  std::vector<std::string> log;
  std::string fail_on;

 protected:
  std::int64_t do_execute(std::string_view sql, const Params&) override {
    log.emplace_back(sql);
    if (sql == fail_on) throw Error(ErrorKind::kBusy, "database is locked");
    return 0;
  }
  void do_query(std::string_view sql, const Params&, const RowVisitor& visit) override {
    log.emplace_back(sql);
    for (std::int64_t i = 1; i <= 3; ++i) {
      if (!visit(Row(nullptr, {Value(i)}))) break;
    }
  }
  void do_execute_script(std::string_view sql) override { log.emplace_back(sql); }
  std::int64_t do_last_insert_id() override { return 0; }
};

using Log = std::vector<std::string>;

TEST(Transaction, CommitsOnlyWhenAsked) {
  RecordingConnection c;
  {
    Transaction t(c);
    c.execute("INSERT 1");
    t.commit();
  }
  EXPECT_EQ(c.log, (Log{"BEGIN", "INSERT 1", "COMMIT"}));
  EXPECT_EQ(c.transaction_depth(), 0);
}

TEST(Transaction, RollsBackWhenLeftUncommitted) {
  RecordingConnection c;
  { Transaction t(c); }
  EXPECT_EQ(c.log, (Log{"BEGIN", "ROLLBACK"}));
}

TEST(Transaction, RollsBackOnException) {
  RecordingConnection c;
  EXPECT_THROW(
      {
        Transaction t(c);
        c.execute("INSERT 1");
        throw std::runtime_error("service failed half way");
      },
      std::runtime_error);
  EXPECT_EQ(c.log, (Log{"BEGIN", "INSERT 1", "ROLLBACK"}));
  EXPECT_EQ(c.transaction_depth(), 0);
}

TEST(Transaction, FailedCommitRollsBack) {
  RecordingConnection c;
  c.fail_on = "COMMIT";
  EXPECT_THROW(
      {
        Transaction t(c);
        t.commit();
      },
      Error);
  EXPECT_EQ(c.log, (Log{"BEGIN", "COMMIT", "ROLLBACK"}));
  EXPECT_EQ(c.transaction_depth(), 0);
}

TEST(Transaction, NestedScopesAreSavepoints) {
  RecordingConnection c;
  {
    Transaction outer(c);
    {
      Transaction inner(c);
      EXPECT_EQ(c.transaction_depth(), 2);
    }
    {
      Transaction inner(c);
      inner.commit();
    }
    outer.commit();
  }
  EXPECT_EQ(c.log, (Log{"BEGIN", "SAVEPOINT myelin_savepoint_1",
                        "ROLLBACK TO SAVEPOINT myelin_savepoint_1",
                        "RELEASE SAVEPOINT myelin_savepoint_1", "SAVEPOINT myelin_savepoint_1",
                        "RELEASE SAVEPOINT myelin_savepoint_1", "COMMIT"}));
}

TEST(Connection, QueryHelpers) {
  RecordingConnection c;
  const std::vector<Row> rows = c.query("SELECT n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].int64(0), 3);
  EXPECT_EQ(c.query_one("SELECT n").int64(0), 1);
  EXPECT_EQ(c.query_optional("SELECT n")->int64(0), 1);
}

class EmptyConnection : public RecordingConnection {
 protected:
  void do_query(std::string_view, const Params&, const RowVisitor&) override {}
};

TEST(Connection, QueryOneNeedsARow) {
  EmptyConnection c;
  EXPECT_EQ(c.query_optional("SELECT nothing"), std::nullopt);
  EXPECT_THROW((void)c.query_one("SELECT nothing"), Error);
}

}  // namespace
}  // namespace myelin::sql
