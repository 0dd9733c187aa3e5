// Two sites of a group on one PostgreSQL database (runs only against the test PostgreSQL: ctest
// names these tests .postgresql): each site's `serve` writes its own objects, at once, and neither
// loses nor duplicates one; a patient seen at both sites has one key and one cumulative dose.
#include "core/Error.h"
#include "store/StudyStore.h"
#include "tests/synth/Synth.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/SharedData.h"
#include "tests/support/TestStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace fa {
namespace {

using test::quote;
using test::ServiceProcess;
using test::waitFor;

// A site: its data folder and configuration (its name, the group's database), and its service.
struct Site {
    std::string name, data, config;
    int port = test::freePort();
};

class Group : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(test::onPostgres()) << "runs against PostgreSQL only (ctest: the .postgresql tests)";
        database_ = test::storeIn(dir_, "group");
    }
    // `folder`: the data folder's name (two hosts of one site have one name, two folders).
    Site site(const std::string& name, const std::string& extra = "", const std::string& folder = "") {
        Site s;
        s.name = name;
        s.data = dir_.file(folder.empty() ? name : folder);
        s.config = dir_.file((folder.empty() ? name : folder) + ".ini");
        std::ofstream(s.config) << "[site]\nname = " << name << "\n[store]\nurl = " << database_.where
                                << "\npassword_file = " << database_.passwordFile << "\n"
                                << extra;
        return s;
    }
    std::string cli(const Site& s, const std::string& args) {
        return quote(FA_BINARY) + " --data " + quote(s.data) + " --config " + quote(s.config) + " " + args;
    }
    test::TempDir dir_;
    store::StoreLocation database_{""};
};


std::string join(const std::vector<std::string>& files, std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < std::min(to, files.size()); ++i) s += quote(files[i]) + " ";
    return s;
}

// 800 one-event reports of 100 studies: north gets 0-399 and 600-799, south 400-799, each through
// 4 senders at once, so that both sites add to every study and 200 objects reach both.
TEST_F(Group, TwoSitesReceivingAtOnceLoseAndDuplicateNothing) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 800, 100);
    Site north = site("north"), south = site("south");
    ServiceProcess a(FA_BINARY, north.data, north.port, north.config);
    ServiceProcess b(FA_BINARY, south.data, south.port, south.config);
    const std::vector<std::pair<std::size_t, std::size_t>> northParts{{0, 100}, {100, 200}, {200, 400}, {600, 800}};
    const std::vector<std::pair<std::size_t, std::size_t>> southParts{{400, 500}, {500, 600}, {600, 700}, {700, 800}};
    std::vector<test::RunResult> results(8);
    std::vector<std::thread> senders;
    for (std::size_t k = 0; k < 4; ++k) {
        senders.emplace_back([&, k] { results[k] = test::storescu(north.port, join(files, northParts[k].first, northParts[k].second)); });
        senders.emplace_back([&, k] { results[4 + k] = test::storescu(south.port, join(files, southParts[k].first, southParts[k].second)); });
    }
    for (auto& t : senders) t.join();
    int acknowledged = 0;
    for (const auto& r : results) acknowledged += test::successes(r.out + r.err);
    EXPECT_EQ(acknowledged, 1000); // 800 objects, 200 of them at both sites

    store::StudyStore group(database_);
    auto stored = [&] {
        std::size_t objects = 0;
        for (const auto& s : group.studies({})) objects += static_cast<std::size_t>(s.objectCount);
        return objects;
    };
    ASSERT_TRUE(waitFor([&] { return stored() == 800; }, 120)) << stored() << " objects stored\n" << a.log() << b.log();
    const auto studies = group.studies({});
    ASSERT_EQ(studies.size(), 100u);
    for (const auto& s : studies) {
        EXPECT_EQ(s.objectCount, 8) << s.study.studyUid;
        EXPECT_EQ(s.summary.irradiationEvents, 8) << s.study.studyUid; // every object counted once
        EXPECT_NEAR(*s.summary.fluoroTime_s, 6.0, 1e-9) << s.study.studyUid;
        EXPECT_TRUE(s.site == "north" || s.site == "south") << s.site; // whichever stored it first
    }
    EXPECT_EQ(group.sites(), (std::vector<std::string>{"north", "south"}));
    store::StudyFilter onlyNorth;
    onlyNorth.site = "north";
    EXPECT_EQ(group.countStudies(onlyNorth) + [&] {
        store::StudyFilter f;
        f.site = "south";
        return group.countStudies(f);
    }(), 100u);
    EXPECT_EQ(a.stop(SIGTERM), 0);
    EXPECT_EQ(b.stop(SIGTERM), 0);
    EXPECT_EQ(a.log().find("ERROR"), std::string::npos) << a.log();
    EXPECT_EQ(b.log().find("ERROR"), std::string::npos) << b.log();
}

// The shared Siemens zee pair: the same patient, 2 days apart; the later study at one site, the
// earlier at the other. One group secret in the database gives both one patient key, so the
// cumulative dose (0.16 + 0.16 Gy.cm2, 2.52 + 2.52 mGy) spans the sites.
TEST_F(Group, OnePatientAtTwoSitesHasOneKeyAndOneCumulativeDose) {
    FA_REQUIRE_SHARED_DICOM(shared);
    const std::string levels = "[levels]\nsubstantial_dap_gycm2 = 0.3\nsubstantial_kar_mgy = 5\ncumulative_window_days = 14\n";
    Site north = site("north", levels), south = site("south", levels);
    ServiceProcess a(FA_BINARY, north.data, north.port, north.config);
    ServiceProcess b(FA_BINARY, south.data, south.port, south.config);
    EXPECT_EQ(test::successes(test::storescu(north.port, quote(shared + "/rdsr/RF-RDSR-Siemens-Zee.dcm")).out), 1);
    EXPECT_EQ(test::successes(test::storescu(south.port, quote(shared + "/rdsr/RF-RDSR-Siemens-Zee_adjusted.dcm")).out), 1);
    const std::string later = "1.3.6.1.4.1.5962.99.1.3248661973.865054762.1480717444565.3.0";
    const std::string earlier = "1.3.6.1.4.1.5962.99.1.3248661973.865054762.1480717444566.3.0";
    store::StudyStore group(database_);
    ASSERT_TRUE(waitFor([&] { return group.study(later) && group.study(earlier); }, 60)) << a.log() << b.log();
    const auto l = *group.study(later), e = *group.study(earlier);
    EXPECT_EQ(l.site, "north");
    EXPECT_EQ(e.site, "south");
    EXPECT_EQ(l.patientKey.size(), 64u);
    EXPECT_EQ(l.patientKey, e.patientKey);
    // The site secrets in the data folders are not what keyed them: the group's secret is.
    EXPECT_FALSE(fs::exists(north.data + "/site-secret"));
    std::map<std::string, StudyFlag> cumulative;
    for (const auto& f : l.flags)
        if (f.kind == "cumulative") cumulative[f.metric] = f;
    ASSERT_EQ(cumulative.size(), 2u) << "the later study, flagged by whichever site stored second";
    EXPECT_NEAR(cumulative["dap_gycm2"].value, 0.32, 1e-9);
    EXPECT_NEAR(cumulative["kar_mgy"].value, 5.04, 1e-9);
    EXPECT_EQ(cumulative["dap_gycm2"].studies, (std::vector<std::string>{earlier, later}));
    EXPECT_EQ(a.stop(SIGTERM), 0);
    EXPECT_EQ(b.stop(SIGTERM), 0);
}

// Two hosts of one site (two data folders, one site name) run the same day's scheduled audit at
// once: one audits, the other finds the day done (or the audit running) and records nothing.
TEST_F(Group, TheAuditOfASiteRunsOnceWhenTwoProcessesTry) {
    Site one = site("north", "", "north-1"), two = site("north", "", "north-2");
    const auto files = synth::writeReports((dir_.path() / "in").string(), 20, 5);
    ASSERT_EQ(test::run(cli(one, "ingest " + join(files, 0, 20))).exitCode, 0);
    std::vector<test::RunResult> runs(2);
    const std::string nightly = "audit nightly --date 2026-03-01 --scheduled --no-mail";
    std::thread first([&] { runs[0] = test::run(cli(one, nightly)); });
    std::thread second([&] { runs[1] = test::run(cli(two, nightly)); });
    first.join();
    second.join();
    store::StudyStore group(database_);
    const auto recorded = group.auditRuns(10, "north");
    ASSERT_EQ(recorded.size(), 1u) << runs[0].out << runs[0].err << runs[1].out << runs[1].err;
    EXPECT_EQ(recorded.front().outcome, "ok");
    const std::string both = runs[0].out + runs[0].err + runs[1].out + runs[1].err;
    EXPECT_TRUE(both.find("ran already") != std::string::npos || both.find("another audit of site north") != std::string::npos)
        << both;
}

// A site's populated SQLite store copied into the group's database lists the same studies and flags
// there, byte for byte; a copy run again copies nothing, and one interrupted resumes.
TEST_F(Group, StoreCopyOfASitesSqliteStoreGivesTheSameStudies) {
    const auto written = synth::writeDepartment(dir_.file("department"), 60, 20261203u);
    Site local; // the site before it joined the group: SQLite in its data folder
    local.name = "east";
    local.data = dir_.file("east");
    local.config = dir_.file("east-local.ini");
    std::ofstream(local.config) << "[site]\nname = east\n";
    ASSERT_EQ(test::run(cli(local, "ingest " + quote(dir_.file("department")))).exitCode, 0);
    const auto local1 = test::run(cli(local, "studies --json"));
    ASSERT_EQ(local1.exitCode, 0);
    ASSERT_NE(local1.out.find("\"site\": \"east\""), std::string::npos);
    const auto flags = test::run(cli(local, "flags --json")).out;

    const std::string copy = cli(local, "store copy --to " + quote(database_.where) + " --password-file " +
                                            quote(database_.passwordFile));
    const auto first = test::run(copy);
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("60 studies copied, 0 there already"), std::string::npos) << first.out;
    EXPECT_NE(first.out.find("patient-key secret is this site's"), std::string::npos) << first.out;
    EXPECT_NE(first.err.find("60 of 60 studies"), std::string::npos) << first.err; // progress

    Site grouped = site("east"); // the same data folder's site, now on the group's database
    grouped.data = local.data;
    EXPECT_EQ(test::run(cli(grouped, "studies --json")).out, local1.out);
    EXPECT_EQ(test::run(cli(grouped, "flags --json")).out, flags);

    const auto again = test::run(copy);
    EXPECT_NE(again.out.find("0 studies copied, 60 there already"), std::string::npos) << again.out;
    // Interrupted after some studies: what is missing is copied, nothing twice.
    std::string some = "SELECT study_uid FROM studies ORDER BY study_uid DESC LIMIT 7";
    for (const char* t : {"events", "planes", "object_warnings", "source_objects", "study_warnings", "flags", "alert_mails",
                          "skin_doses", "follow_ups"})
        test::runOnPostgres(database_, std::string("DELETE FROM ") + t + " WHERE study_uid IN (" + some + ")");
    test::runOnPostgres(database_, "DELETE FROM studies WHERE study_uid IN (" + some + ")");
    const auto resumed = test::run(copy);
    EXPECT_NE(resumed.out.find("7 studies copied, 53 there already"), std::string::npos) << resumed.out;
    EXPECT_EQ(test::run(cli(grouped, "studies --json")).out, local1.out);
    EXPECT_EQ(written.size(), 60u);
}

// The regional survey of a group of 4 sites, by hand: shots of spinal nerve root pulsed RF
//   north 1..12 (12 studies): median 6.5, P75 9.25     south 11..20 (10): median 15.5, P75 17.75
//   east 21..30 (10): median 25.5, P75 27.75           west 100..104 (5): too few to count
// Regional DRL = P75 of the medians 6.5, 15.5, 25.5 = 15.5 + 0.5 x 10 = 20.5; east is above it.
// Each shot is 0.75 s of fluoroscopy: the same figures x 0.75 in fluoro_time_s.
TEST_F(Group, TheRegionalSurveyOfFourSitesIsTheP75OfTheSiteMedians) {
    const std::map<std::string, std::pair<int, int>> shots{{"north", {1, 12}}, {"south", {11, 20}}, {"east", {21, 30}},
                                                           {"west", {100, 104}}};
    for (const auto& [name, range] : shots) {
        const Site s = site(name);
        const fs::path folder = dir_.path() / ("in-" + name);
        fs::create_directories(folder);
        for (int n = range.first; n <= range.second; ++n) {
            synth::Report r;
            r.patientId = name + std::to_string(n);
            for (int i = 0; i < n; ++i) {
                synth::Event e;
                e.uid = synth::newUid();
                e.duration_s = 0.75;
                r.events.push_back(e);
            }
            synth::save(*synth::buildReport(r), (folder / (std::to_string(n) + ".dcm")).string());
        }
        ASSERT_EQ(test::run(cli(s, "ingest " + quote(folder.string()))).exitCode, 0);
    }
    const auto result = test::run(cli(site("north"), "stats --by-site --json"));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto rows = Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Array::Ptr>();
    std::map<std::string, Poco::JSON::Object::Ptr> byMetric;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto row = rows->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(row->getValue<std::string>("procedure_id"), "root-prf");
        byMetric[row->getValue<std::string>("metric")] = row;
    }
    for (const auto& [metric, scale] : std::map<std::string, double>{{"shots", 1.0}, {"fluoro_time_s", 0.75}}) {
        SCOPED_TRACE(metric);
        ASSERT_TRUE(byMetric.count(metric));
        const auto row = byMetric[metric];
        EXPECT_EQ(row->getValue<int>("sites_counted"), 3);
        EXPECT_NEAR(row->getValue<double>("regional_drl"), 20.5 * scale, 1e-9);
        const auto above = row->getArray("sites_above");
        ASSERT_EQ(above->size(), 1u);
        EXPECT_EQ(above->getElement<std::string>(0), "east");
        const std::map<std::string, std::tuple<int, double, double, bool>> expected{
            {"east", {10, 25.5, 27.75, true}}, {"north", {12, 6.5, 9.25, true}}, {"south", {10, 15.5, 17.75, true}},
            {"west", {5, 102, 103, false}}};
        const auto sites = row->getArray("sites");
        ASSERT_EQ(sites->size(), 4u);
        for (std::size_t i = 0; i < sites->size(); ++i) {
            const auto s = sites->getObject(static_cast<unsigned>(i));
            const auto& [n, median, p75, counted] = expected.at(s->getValue<std::string>("site"));
            EXPECT_EQ(s->getValue<int>("n"), n);
            EXPECT_NEAR(s->getValue<double>("median"), median * scale, 1e-9);
            EXPECT_NEAR(s->getValue<double>("p75"), p75 * scale, 1e-9);
            EXPECT_EQ(s->getValue<bool>("counted"), counted);
        }
    }
    // North's nightly report: north's 12 studies, and the group's survey beside them.
    const auto audit = test::run(cli(site("north"), "audit nightly --date 2026-03-01 --no-mail"));
    ASSERT_EQ(audit.exitCode, 0) << audit.out << audit.err;
    EXPECT_NE(audit.out.find("studies 12,"), std::string::npos) << audit.out;
    const auto at = audit.out.find("report ");
    ASSERT_NE(at, std::string::npos) << audit.out;
    std::ifstream page(audit.out.substr(at + 7, audit.out.find('\n', at) - at - 7));
    const std::string html((std::istreambuf_iterator<char>(page)), std::istreambuf_iterator<char>());
    EXPECT_NE(html.find("Site north"), std::string::npos);
    EXPECT_NE(html.find("Regional survey of the group"), std::string::npos);
    EXPECT_NE(html.find(">20.5<"), std::string::npos) << "the regional DRL of shots";
    // One site's own statistics, and its survey alone: too few sites for a regional level.
    const auto alone = test::run(cli(site("north"), "stats --by-site --site north"));
    EXPECT_NE(alone.out.find("1 site(s) with at least 10 cases; a regional DRL needs 3"), std::string::npos) << alone.out;
}

} // namespace
} // namespace fa
