// A damaged or foreign database file: every command and `serve` stop with one line that names the
// file and what to do, never with an abort.
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace fa {
namespace {

using test::quote;
using test::run;

class DamagedDatabase : public ::testing::Test {
protected:
    void SetUp() override {
        if (test::onPostgres()) GTEST_SKIP() << "damaged pages of a SQLite file: PostgreSQL keeps its own files";
        for (int i = 0; i < 20; ++i) {
            synth::Report r;
            r.studyUid = synth::newUid();
            r.studyDescription = "臭氧髓核消融术";
            synth::Event e;
            e.uid = synth::newUid();
            e.dap_Gym2 = 2e-6;
            r.events.push_back(e);
            synth::save(*synth::buildReport(r), input_.file("r" + std::to_string(i) + ".dcm"));
        }
        const auto r = run(fa("ingest " + quote(input_.path().string())));
        ASSERT_EQ(r.exitCode, 0) << r.err;
    }
    std::string fa(const std::string& args) const {
        return quote(FA_BINARY) + " --data " + quote(data_.path().string()) + " " + args;
    }
    std::string database() const { return data_.file("fluoroaudit.db"); }

    // Overwrites page `page` (1-based) of the database with bytes no page has.
    void damagePage(long page) const {
        std::fstream f(database(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp((page - 1) * 4096);
        const std::string garbage(4096, '\xA5');
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    long rootPageOf(const std::string& table) const {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open_v2(database().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, ("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'").c_str(), -1, &st, nullptr);
        long page = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_finalize(st);
        sqlite3_close(db);
        return page;
    }
    // Exit code 2 (not a signal), and on standard error exactly one line of its own, naming the
    // file and what to do.
    void expectOneClearLine(const std::string& args) const {
        const auto r = run(fa(args));
        EXPECT_EQ(r.exitCode, 2) << args << "\n" << r.err;
        std::istringstream lines(r.err);
        int ours = 0;
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("fluoroaudit: ", 0) != 0) continue;
            ++ours;
            EXPECT_NE(line.find(database()), std::string::npos) << args << ": " << line;
            EXPECT_NE(line.find("restore the database from a backup"), std::string::npos) << args << ": " << line;
        }
        EXPECT_EQ(ours, 1) << args << "\n" << r.err;
        EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
    }

    test::TempDir data_, input_;
};

TEST_F(DamagedDatabase, ADamagedPageOfTheStudiesTableStopsTheCommandsThatReadIt) {
    const long page = rootPageOf("studies");
    ASSERT_GT(page, 1);
    damagePage(page);
    expectOneClearLine("studies --json");
    expectOneClearLine("studies");
    expectOneClearLine("stats --json");
    expectOneClearLine("audit --reevaluate");
}

TEST_F(DamagedDatabase, AFileThatIsNoDatabaseStopsEveryCommandAndServe) {
    std::ofstream(database(), std::ios::trunc | std::ios::binary) << std::string(8192, '\x5A');
    for (const char* args : {"studies --json", "show 1.2.3", "flags --json", "stats", "audit runs --json",
                             "levels history", "user list", "reprocess", "ingest /dev/null"})
        expectOneClearLine(args);
    expectOneClearLine("serve --port " + std::to_string(test::freePort()) + " --http-port 0");
}

// A damaged page that no command happens to read (flags come from a table of their own) goes
// unnoticed until the whole database is looked at: check-store and the nightly audit name the
// table, record it, and serve's health says degraded with the reason.
TEST_F(DamagedDatabase, TheIntegrityCheckFindsDamageNoReadTripsOverAndHealthSaysSo) {
    const auto before = run(fa("check-store"));
    EXPECT_EQ(before.exitCode, 0) << before.out << before.err;
    EXPECT_NE(before.out.find("checked by SQLite's quick_check: no damage found"), std::string::npos) << before.out;
    damagePage(rootPageOf("studies"));
    const auto flags = run(fa("flags --json"));
    EXPECT_EQ(flags.exitCode, 0) << flags.err; // what a user sees: nothing wrong
    const auto check = run(fa("check-store"));
    EXPECT_EQ(check.exitCode, 1) << check.out << check.err;
    EXPECT_NE(check.out.find("damaged in studies\n  table studies: "), std::string::npos) << check.out;
    EXPECT_NE(check.out.find("what to do: stop fluoroaudit, keep a copy of the file and restore the database from a backup"),
              std::string::npos) << check.out;

    const std::string record = data_.file("integrity.txt");
    std::filesystem::remove(record);
    run(fa("audit nightly --date 2026-03-01")); // stops at the damage; its check came first
    std::ifstream in(record);
    const std::string recorded{std::istreambuf_iterator<char>(in), {}};
    EXPECT_NE(recorded.find(" damaged: tables studies\nstudies: "), std::string::npos) << recorded;

    const int http = test::freePort();
    test::ServiceProcess service(FA_BINARY, data_.path().string(), test::freePort(), "", http);
    const auto health = run("curl -s http://127.0.0.1:" + std::to_string(http) + "/api/health");
    EXPECT_NE(health.out.find("\"status\":\"degraded\""), std::string::npos) << health.out;
    EXPECT_NE(health.out.find("found the study database damaged: tables studies"), std::string::npos) << health.out;
}

} // namespace
} // namespace fa
