// Database::run on a real SQLite file and a real PostgreSQL (the .postgresql runs): statements kept
// per connection give back exactly what went in, run again with new values, survive a changed table
// and a failure, and hold no read of a SQLite database between runs.
#include "store/Columns.h"
#include "store/Database.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"

#include <Poco/Exception.h>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace fa::store {
namespace {

using namespace Poco::Data::Keywords;

std::unique_ptr<Database> open(const StoreLocation& at) {
    auto db = std::make_unique<Database>(at.where, Durability::Normal, at.passwordFile);
    db->connect();
    return db;
}

std::unique_ptr<Database> withTable(const test::TempDir& dir) {
    auto db = open(test::storeIn(dir));
    *db << db->ddl("CREATE TABLE kept (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, u TEXT UNIQUE)"), now;
    return db;
}

constexpr const char* kInsert = "INSERT INTO kept (id, n, r, t, u) VALUES (?, ?, ?, ?, ?)";

TEST(KeptStatements, ValuesComeBackExactlyAsTheyWent) {
    test::TempDir dir;
    auto db = withTable(dir);
    const long long big = 9007199254740993LL; // 2^53 + 1: no double holds it
    const double third = 0.1 + 0.2, tiny = 1e-300, dap = 4.2999999999999997e-05;
    const std::string text = "脊神经根脉冲射频术 'quoted' \\ back\\slash";
    db->run(kInsert, {integer(1), integer(big), third, text, Value()});
    db->run(kInsert, {integer(2), Value(), tiny, Value(), "two"});
    db->run(kInsert, {integer(3), integer(-1), dap, "", "three"});
    const Result rows = db->run("SELECT id, n, r, t, u FROM kept ORDER BY id");
    const Columns c(rows);
    ASSERT_EQ(c.rows(), 3u);
    EXPECT_EQ(c.integer("n", 0), big);
    EXPECT_EQ(c.real("r", 0), third); // the same double, not a rounded one
    EXPECT_EQ(c.text("t", 0), text);
    EXPECT_EQ(c.text("u", 0), "");
    EXPECT_FALSE(c.integer("n", 1).has_value());
    EXPECT_EQ(c.real("r", 1), tiny);
    EXPECT_FALSE(c.real("t", 1).has_value());
    EXPECT_EQ(c.integer("n", 2), -1);
    EXPECT_EQ(c.real("r", 2), dap);
    EXPECT_EQ(c.text("t", 2), "");
    EXPECT_EQ(c.text("u", 2), "three");
    EXPECT_EQ(c.text("id", 2), "3");
}

TEST(KeptStatements, AKeptStatementRunsAgainWithNewValues) {
    test::TempDir dir;
    auto db = withTable(dir);
    for (int i = 1; i <= 50; ++i) db->run(kInsert, {integer(i), integer(i * i), i / 8.0, "row " + std::to_string(i), Value()});
    const std::string select = "SELECT n, t FROM kept WHERE id = ?";
    for (int i : {1, 7, 50, 7}) {
        const Result r = db->run(select, {integer(i)});
        ASSERT_EQ(r.rows(), 1u) << i;
        EXPECT_EQ(Columns(r).integer("n", 0), i * i);
        EXPECT_EQ(Columns(r).text("t", 0), "row " + std::to_string(i));
    }
    EXPECT_EQ(db->run(select, {integer(51)}).rows(), 0u);
    const Result sum = db->run("SELECT SUM(n) AS s, COUNT(*) AS c FROM kept");
    EXPECT_EQ(Columns(sum).integer("s", 0), 42925); // 1^2 + ... + 50^2
    EXPECT_EQ(Columns(sum).integer("c", 0), 50);
}

TEST(KeptStatements, MoreStatementsThanAreKeptStillGiveTheirOwnResults) {
    test::TempDir dir;
    auto db = withTable(dir);
    // 300 different statements (more than the 256 a connection keeps), then the first ones again.
    for (int round = 0; round < 2; ++round)
        for (int k = 0; k < 300; ++k) {
            const Result r = db->run("SELECT CAST(? AS INTEGER) + " + std::to_string(k) + " AS v", {integer(1000)});
            ASSERT_EQ(Columns(r).integer("v", 0), 1000 + k) << "statement " << k << ", round " << round;
        }
}

TEST(KeptStatements, AKeptStatementSeesATableThatChanged) {
    test::TempDir dir;
    auto db = withTable(dir);
    db->run(kInsert, {integer(1), integer(5), 0.5, "a", "a"});
    const std::string all = "SELECT * FROM kept";
    EXPECT_EQ(db->run(all).columns.size(), 5u);
    *db << "ALTER TABLE kept ADD COLUMN extra TEXT", now; // as a newer version's migration would
    const Result after = db->run(all);
    ASSERT_EQ(after.columns.size(), 6u);
    EXPECT_EQ(after.columns[5], "extra");
    EXPECT_EQ(Columns(after).integer("n", 0), 5);
}

TEST(KeptStatements, AFailedRunSaysWhyAndTheStatementRunsAgain) {
    test::TempDir dir;
    auto db = withTable(dir);
    db->run(kInsert, {integer(1), integer(1), 1.0, "x", "same"});
    try {
        db->run(kInsert, {integer(2), integer(2), 2.0, "y", "same"});
        FAIL() << "a second row with the same unique value was taken";
    } catch (const Poco::Exception& e) {
        const std::string why = e.displayText();
        EXPECT_TRUE(why.find("UNIQUE") != std::string::npos || why.find("duplicate key") != std::string::npos) << why;
    }
    db->run(kInsert, {integer(2), integer(2), 2.0, "y", "other"});
    EXPECT_EQ(Columns(db->run("SELECT COUNT(*) AS c FROM kept")).integer("c", 0), 2);
    // Two statements in one, or too few values: refused, not half run.
    EXPECT_THROW(db->run("DELETE FROM kept; DELETE FROM kept WHERE id = 1"), Poco::Exception);
    EXPECT_THROW(db->run(kInsert, {integer(3), integer(3)}), Poco::Exception);
    EXPECT_EQ(Columns(db->run("SELECT COUNT(*) AS c FROM kept")).integer("c", 0), 2);
}

TEST(KeptStatements, ASQLiteReadEndsWithItsRun) {
    if (test::onPostgres()) GTEST_SKIP() << "SQLite's write-ahead log; a PostgreSQL statement holds no snapshot after it";
    test::TempDir dir;
    auto db = withTable(dir);
    for (int i = 1; i <= 3; ++i) db->run(kInsert, {integer(i), integer(i), 1.0, "x", std::to_string(i)});
    // A read that returned rows, kept for the next run: it must not pin the log meanwhile.
    ASSERT_EQ(db->run("SELECT id FROM kept WHERE n >= ?", {integer(1)}).rows(), 3u);
    auto other = open(test::storeIn(dir));
    other->run("INSERT INTO kept (id, n, r, t, u) VALUES (?, ?, ?, ?, ?)", {integer(4), integer(4), 1.0, "y", "4"});
    const Result checkpoint = other->run("PRAGMA wal_checkpoint(TRUNCATE)");
    ASSERT_EQ(checkpoint.rows(), 1u);
    EXPECT_EQ(std::get<long long>(checkpoint.at(0, 0)), 0) << "the checkpoint was blocked by a reader";
    EXPECT_EQ(db->run("SELECT id FROM kept WHERE n >= ?", {integer(1)}).rows(), 4u);
}

} // namespace
} // namespace fa::store
