// The store on a real SQLite file, and on a real PostgreSQL (the .postgresql runs): transactions,
// idempotence, re-sends and the patient key.
#include "core/Error.h"
#include "store/PatientKey.h"
#include "store/StudyStore.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sqlite3.h>
#include <sys/stat.h>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace fa {
namespace {

DoseObject report(const std::string& study, const std::string& sop, const std::vector<std::string>& events) {
    DoseObject o;
    o.sopInstanceUid = sop;
    o.sopClassUid = "1.2.840.10008.5.1.4.1.1.88.67";
    o.kind = SourceKind::Rdsr;
    o.study.studyUid = study;
    o.study.studyDate = "2026-03-01";
    o.study.studyDescription = "脊神经根脉冲射频术";
    o.study.patientId = "P1";
    o.study.patientName = "Test^Patient";
    o.device = DeviceInfo{"SIEMENS", "ARCADIS Varic", "16265", "CARM1", "1.2.3"};
    PlaneTotals p;
    p.plane = Plane::Single;
    p.dapTotal_Gym2 = 1e-5 * static_cast<double>(events.size());
    p.fluoroTime_s = 0.75 * static_cast<double>(events.size());
    o.planes.push_back(p);
    for (const auto& uid : events) {
        IrradiationEvent e;
        e.uid = uid;
        e.type = EventType::Fluoroscopy;
        e.dap_Gym2 = 1e-5;
        e.irradiationDuration_s = 0.75;
        e.protocol = "Single shot";
        o.events.push_back(e);
    }
    Warning converted = warning("unit-converted", text("warn.unitConverted", {{"quantity", term("quantity.dose")},
                                                                            {"unit", "mGy"},
                                                                            {"standard", "Gy"}}));
    converted.count = 2;
    o.warnings.push_back(converted);
    return o;
}

store::ObjectMeta meta() { return store::ObjectMeta{"key1", "/archive/x.dcm", "2026-03-01T10:00:00Z", false}; }

TEST(StudyStore, StoresAndReadsBackAStudy) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    EXPECT_EQ(s.add(report("S1", "O1", {"a", "b", "c"}), meta()), store::AddOutcome::Created);
    const auto st = s.study("S1");
    ASSERT_TRUE(st.has_value());
    EXPECT_EQ(st->study.studyDescription, "脊神经根脉冲射频术");
    EXPECT_EQ(st->summary.irradiationEvents, 3);
    EXPECT_DOUBLE_EQ(*st->summary.fluoroTime_s, 2.25);
    EXPECT_EQ(st->summary.source, SourceKind::Rdsr);
    EXPECT_EQ(st->device.station, "CARM1");
    EXPECT_EQ(st->patientKey, "key1");
    EXPECT_EQ(st->study.patientId, ""); // not kept unless the site opts in
    EXPECT_EQ(st->summary.countedObjects, std::vector<std::string>{"O1"});
    ASSERT_EQ(st->warnings.size(), 1u);
    EXPECT_EQ(st->warnings[0].count, 2);
    // The sentence is kept as its catalog entry: read back in either language.
    EXPECT_EQ(st->warnings[0].message, "dose values written in mGy instead of Gy; converted");
    EXPECT_EQ(st->warnings[0].in(Language::Chinese), "剂量的值以 mGy 而非 Gy 记录；已换算");
    EXPECT_EQ(s.studies({}).at(0).warnings.at(0).in(Language::Chinese), "剂量的值以 mGy 而非 Gy 记录；已换算");
    const auto objects = s.objectsOf("S1");
    ASSERT_EQ(objects.size(), 1u);
    EXPECT_EQ(objects[0].warnings.at(0).in(Language::Chinese), "剂量的值以 mGy 而非 Gy 记录；已换算");
    EXPECT_EQ(objects[0].events.size(), 3u);
    EXPECT_EQ(objects[0].events[2].uid, "c");
    EXPECT_EQ(objects[0].events[0].protocol, "Single shot");
    EXPECT_DOUBLE_EQ(*objects[0].planes[0].dapTotal_Gym2, 3e-5);
}

// A long procedure's report: its events go in statements of a few hundred rows, each within what
// both engines take (one statement of 10,000 events lost PostgreSQL's connection).
TEST(StudyStore, AReportOfTenThousandEventsIsStoredWhole) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    std::vector<std::string> uids;
    for (int i = 0; i < 10000; ++i) uids.push_back("1.2.3." + std::to_string(i));
    EXPECT_EQ(s.add(report("S1", "O1", uids), meta()), store::AddOutcome::Created);
    EXPECT_EQ(s.study("S1")->summary.irradiationEvents, 10000);
    const auto objects = s.objectsOf("S1");
    ASSERT_EQ(objects.size(), 1u);
    ASSERT_EQ(objects[0].events.size(), 10000u);
    EXPECT_EQ(objects[0].events[299].uid, "1.2.3.299");
    EXPECT_EQ(objects[0].events[300].uid, "1.2.3.300");
    EXPECT_EQ(objects[0].events[9999].uid, "1.2.3.9999");
}

TEST(StudyStore, IdenticalSopIsIdempotentAndSupersetReplaces) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    s.add(report("S1", "O1", {"a", "b"}), meta());
    EXPECT_EQ(s.add(report("S1", "O1", {"a", "b"}), meta()), store::AddOutcome::Duplicate);
    EXPECT_EQ(s.add(report("S1", "O2", {"a", "b", "c"}), meta()), store::AddOutcome::Updated);
    auto st = s.study("S1");
    EXPECT_EQ(st->summary.irradiationEvents, 3);
    EXPECT_EQ(st->objectCount, 2);
    EXPECT_EQ(st->summary.countedObjects, std::vector<std::string>{"O2"});
    s.add(report("S1", "O3", {"d"}), meta()); // restarted session
    st = s.study("S1");
    EXPECT_EQ(st->summary.irradiationEvents, 4);
    EXPECT_DOUBLE_EQ(*st->summary.fluoroTime_s, 3.0);
}

TEST(StudyStore, SameSopUidInAnotherStudyIsKeptWithAWarning) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    s.add(report("S1", "O1", {"a"}), meta());
    EXPECT_EQ(s.add(report("S2", "O1", {"a"}), meta()), store::AddOutcome::Created);
    const auto st = s.study("S2");
    bool warned = false;
    for (const auto& w : st->warnings)
        if (w.code == "sop-instance-reused") {
            warned = true;
            EXPECT_EQ(w.in(Language::Chinese), "同一 SOP Instance UID 也在检查 S1 中收到过（可能是编辑过或重新匿名化的副本）");
        }
    EXPECT_TRUE(warned);
    EXPECT_EQ(s.studies({}).size(), 2u);
}

TEST(StudyStore, SurvivesReopeningAndFiltersByDate) {
    test::TempDir dir;
    {
        store::StudyStore s(test::storeIn(dir));
        auto early = report("S1", "O1", {"a"});
        early.study.studyDate = "2026-01-15";
        s.add(early, meta());
        s.add(report("S2", "O2", {"b"}), meta());
    }
    store::StudyStore s(test::storeIn(dir));
    EXPECT_EQ(s.studies({}).size(), 2u);
    const auto march = s.studies(store::StudyFilter::between("2026-02-01", "2026-03-31"));
    ASSERT_EQ(march.size(), 1u);
    EXPECT_EQ(march[0].study.studyUid, "S2");
    EXPECT_EQ(s.studies(store::StudyFilter::between("", "2026-01-15")).size(), 1u);
}


// The whole database looked at: SQLite's quick_check table by table; on PostgreSQL every table read
// through, and every index checked by amcheck once the database has the extension.
TEST(StudyStore, TheIntegrityCheckLooksAtTheWholeDatabase) {
    test::TempDir dir;
    const auto at = test::storeIn(dir);
    store::StudyStore s(at);
    s.add(report("S1", "O1", {"a", "b"}), meta());
    auto r = s.checkIntegrity();
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().table << ": " << r.problems.front().detail;
    if (!test::onPostgres()) {
        EXPECT_EQ(r.method, "SQLite's quick_check");
        EXPECT_EQ(r.note, "");
        return;
    }
    EXPECT_EQ(r.method, "reading every table");
    EXPECT_NE(r.note.find("amcheck is not installed in this database"), std::string::npos) << r.note;
    test::runOnPostgres(at, "CREATE EXTENSION amcheck");
    r = s.checkIntegrity();
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().table << ": " << r.problems.front().detail;
    EXPECT_EQ(r.method, "reading every table and amcheck's bt_index_check of every index");
    EXPECT_EQ(r.note, "");
}

// Migration 16: studies stored before every study had the patient's estimate get it at the default
// position (the study's 448.0 uSv/h at the table surface); a figure a device profile gave is kept.
TEST(StudyStore, MigrationSixteenGivesEveryStoredStudyThePatientsEstimate) {
    if (test::onPostgres()) GTEST_SKIP() << "takes a SQLite file's schema back by hand";
    test::TempDir dir;
    const std::string db = dir.file("fa.db");
    {
        store::StudyStore s(db);
        s.add(report("S1", "O1", {"a", "b", "c"}), meta());
        s.add(report("S2", "O2", {"d"}), meta());
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw,
                           "UPDATE studies SET estimated_dose_usv = NULL WHERE study_uid = 'S1'; "
                           "UPDATE studies SET estimated_dose_usv = 9.5 WHERE study_uid = 'S2'; "
                           // and migrations 17 to 20 undone, which came after it
                           "ALTER TABLE object_warnings DROP COLUMN text; ALTER TABLE study_warnings DROP COLUMN text; "
                           "ALTER TABLE audit_trail DROP COLUMN detail_text; "
                           "DROP TABLE fhir_pushes; DROP INDEX studies_by_update; ALTER TABLE studies DROP COLUMN revision; "
                           "DROP TABLE follow_ups; DROP INDEX studies_by_psd; DROP TABLE skin_doses; ALTER TABLE studies DROP COLUMN psd_gy; "
                           "ALTER TABLE events DROP COLUMN geometry; ALTER TABLE source_objects DROP COLUMN patient_height_m; "
                           "ALTER TABLE source_objects DROP COLUMN patient_weight_kg; "
                           "DELETE FROM schema_migrations WHERE version >= 16",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    store::StudyStore s(db);
    EXPECT_NEAR(*s.study("S1")->summary.estimatedDose_uSv, 3 * 0.75 * 448.0 / 3600, 1e-12);
    EXPECT_EQ(*s.study("S2")->summary.estimatedDose_uSv, 9.5);
}

// Adding an object takes the next arrival number from an index: reading every stored object for it
// made each ingest slower the larger the store (3.4 s for 500 reports into 5,000 studies, 2.2 s
// into none).
TEST(StudyStore, TheNextArrivalNumberComesFromAnIndex) {
    if (test::onPostgres()) GTEST_SKIP() << "reads SQLite's query planner";
    test::TempDir dir;
    const std::string db = dir.file("fa.db");
    {
        store::StudyStore s(db);
        s.add(report("S1", "O1", {"a"}), meta());
    }
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    std::string plan;
    ASSERT_EQ(sqlite3_exec(raw, "EXPLAIN QUERY PLAN SELECT COALESCE(MAX(arrival), 0) + 1 FROM source_objects",
                           [](void* out, int n, char** values, char**) {
                               for (int i = 0; i < n; ++i) *static_cast<std::string*>(out) += std::string(values[i] ? values[i] : "") + " ";
                               return 0;
                           },
                           &plan, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    EXPECT_NE(plan.find("USING COVERING INDEX source_objects_by_arrival"), std::string::npos) << plan;
}
TEST(StudyStore, AFailureHalfwayLeavesNoRows) {
    test::TempDir dir;
    const store::StoreLocation db = test::storeIn(dir);
    { store::StudyStore create(db); }
    // The database refuses the third event of the object.
    if (test::onPostgres()) {
        test::runOnPostgres(db, "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                "IF NEW.event_uid = 'boom' THEN RAISE EXCEPTION 'disk went away'; END IF; RETURN NEW; END $$");
        test::runOnPostgres(db, "CREATE TRIGGER fail BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION boom()");
    } else {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(db.where.c_str(), &raw), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(raw,
                               "CREATE TRIGGER fail BEFORE INSERT ON events WHEN NEW.event_uid = 'boom' "
                               "BEGIN SELECT RAISE(ABORT, 'disk went away'); END",
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(raw);
    }
    store::StudyStore s(db);
    EXPECT_THROW(s.add(report("S1", "O1", {"a", "b", "boom", "c"}), meta()), Error);
    EXPECT_FALSE(s.study("S1").has_value());
    EXPECT_TRUE(s.objectsOf("S1").empty());
    EXPECT_FALSE(s.hasObject("S1", "O1"));
    EXPECT_EQ(s.add(report("S1", "O1", {"a", "b", "c"}), meta()), store::AddOutcome::Created); // retry works
}

TEST(PatientKey, IsAKeyedHashWithASecretOnlyTheOwnerReads) {
    test::TempDir dir;
    const std::string secret = dir.file("site-secret");
    store::PatientKeyer a(secret);
    struct stat st {};
    ASSERT_EQ(::stat(secret.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string k = a.keyFor("P1", "");
    EXPECT_EQ(k.size(), 64u);
    EXPECT_EQ(store::PatientKeyer(secret).keyFor("P1", ""), k); // same secret, same key
    EXPECT_NE(a.keyFor("P2", ""), k);
    EXPECT_NE(a.keyFor("P1", "OTHER-HOSPITAL"), k);
    EXPECT_EQ(a.keyFor("", ""), "");
    test::TempDir other;
    EXPECT_NE(store::PatientKeyer(other.file("site-secret")).keyFor("P1", ""), k); // other site, other key
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A write that failed because the disk was full must succeed once space returns, on the same
// StudyStore (the service keeps its store open): SQLite can keep a connection that hit a full disk
// in its error state, so the store opens a fresh one.
TEST(StudyStoreFullDisk, AWriteThatFailedForSpaceSucceedsWhenSpaceReturns) {
    if (test::onPostgres()) GTEST_SKIP() << "fills the disk under a SQLite file";
    test::TempDir dir;
    const std::string disk = dir.file("disk");
    std::filesystem::create_directories(disk);
    if (::geteuid() != 0 || std::system(("mount -t tmpfs -o size=2m tmpfs " + disk).c_str()) != 0)
        GTEST_SKIP() << "cannot mount a 2 MB tmpfs (needs root)";
    struct Unmount {
        std::string path;
        ~Unmount() { (void)std::system(("umount -l " + path).c_str()); }
    } unmount{disk};
    store::StudyStore store(disk + "/fluoroaudit.db", store::Durability::Full);
    ASSERT_EQ(store.add(report("1.2.3", "1.2.3.1", {"e1"}), meta()), store::AddOutcome::Created);
    const std::string filler = disk + "/filler";
    {
        FILE* out = std::fopen(filler.c_str(), "wb");
        std::setvbuf(out, nullptr, _IONBF, 0);
        for (std::size_t size : {65536u, 4096u, 1u}) {
            const std::string block(size, 'x');
            while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) {
            }
        }
        std::fclose(out);
    }
    std::vector<std::string> many;
    for (int i = 0; i < 2000; ++i) many.push_back("e" + std::to_string(i));
    try {
        store.add(report("1.2.4", "1.2.4.1", many), meta());
        FAIL() << "a full disk took the object";
    } catch (const store::DatabaseError& e) {
        EXPECT_TRUE(e.transient()) << e.what();
        EXPECT_NE(std::string(e.what()).find("disk is full"), std::string::npos) << e.what();
    }
    std::filesystem::remove(filler);
    EXPECT_EQ(store.add(report("1.2.4", "1.2.4.1", many), meta()), store::AddOutcome::Created);
    EXPECT_EQ(store.study("1.2.4")->summary.irradiationEvents, 2000);
    EXPECT_EQ(store.studies({}).size(), 2u);
}

// The server ended the store's connection (a restart, an administrator, a cut in the network): the
// call that finds out fails as transient (the spool keeps its object) and the next connects again.
TEST(StudyStoreConnection, AConnectionTheServerEndedIsMadeAgain) {
    if (!test::onPostgres()) GTEST_SKIP() << "a connection to a PostgreSQL server; SQLite has none";
    test::TempDir dir;
    const store::StoreLocation at = test::storeIn(dir);
    store::StudyStore store(at);
    ASSERT_EQ(store.add(report("1.2.3", "1.2.3.1", {"e1"}), meta()), store::AddOutcome::Created);
    test::runOnPostgres(at, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    try {
        store.add(report("1.2.4", "1.2.4.1", {"e2"}), meta());
        FAIL() << "a connection the server ended took the object";
    } catch (const store::DatabaseError& e) {
        EXPECT_TRUE(e.transient()) << e.what();
    }
    EXPECT_EQ(store.add(report("1.2.4", "1.2.4.1", {"e2"}), meta()), store::AddOutcome::Created);
    EXPECT_EQ(store.studies({}).size(), 2u);
}

// A server that is away (stopped, restarting) is said to be, as a fault that passes; every attempt
// to reach it again says so too (and, under AddressSanitizer, leaves nothing behind).
TEST(StudyStoreConnection, AServerThatIsAwayIsNamedAndTriedAgain) {
    if (!test::onPostgres()) GTEST_SKIP() << "a connection to a PostgreSQL server; SQLite has none";
    test::TempDir dir;
    const store::StoreLocation at = test::storeIn(dir);
    // The same server's address with a port where nothing listens.
    const std::size_t host = at.where.find('@'), colon = at.where.find(':', host), slash = at.where.find('/', host);
    ASSERT_NE(colon, std::string::npos);
    const std::string away = at.where.substr(0, colon) + ":1" + at.where.substr(slash);
    for (int attempt = 1; attempt <= 3; ++attempt) {
        try {
            store::StudyStore store(store::StoreLocation(away, at.passwordFile));
            FAIL() << "a store opened on a server that is not there";
        } catch (const store::DatabaseError& e) {
            const std::string what = e.what();
            EXPECT_TRUE(e.transient()) << what;
            EXPECT_NE(what.find("cannot be reached"), std::string::npos) << what;
            EXPECT_NE(what.find("127.0.0.1:1/"), std::string::npos) << what;
            EXPECT_EQ(what.find("password="), std::string::npos) << what;
        }
    }
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A page's total comes from the counts kept per site, day, procedure and device: they must say what
// counting the studies says, after new studies, a study that changes device, and a site's rename.
TEST(StudyStore, KeptCountsSayWhatCountingTheStudiesSays) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    for (int i = 0; i < 12; ++i) {
        auto o = report("S" + std::to_string(i), "O" + std::to_string(i), {"e" + std::to_string(i)});
        o.study.studyDate = i % 3 == 0 ? "" : "2026-03-0" + std::to_string(1 + i % 4);
        o.device.station = i % 2 ? "CARM1" : "";
        o.device.model = "Model" + std::to_string(i % 3);
        if (i == 5) s.setSite("east");
        s.add(o, meta());
    }
    // Study S1's device: a later object of another station does not change the counted one, a
    // re-stored first object does.
    auto moved = report("S1", "O1", {"e1"});
    moved.study.studyDate = "2026-03-02";
    moved.device.station = "CARM9";
    ASSERT_TRUE(s.replace(moved));
    s.setSite("north"); // the rows of no site (S0..S4) become north's
    std::vector<store::StudyFilter> filters(1);
    for (const char* site : {"", "north", "east"})
        for (const char* from : {"", "2026-03-02"})
            for (const char* to : {"", "2026-03-03"})
                for (const char* device : {"", "CARM1", "CARM9", "Model0", "Model2"}) {
                    store::StudyFilter f;
                    f.site = site;
                    f.fromDate = from;
                    f.toDate = to;
                    f.device = device;
                    filters.push_back(f);
                }
    store::StudyFilter unclassified;
    unclassified.procedureId = "unclassified";
    filters.push_back(unclassified);
    std::size_t nonEmpty = 0;
    for (const auto& f : filters) {
        const auto counted = s.studies(f).size();
        nonEmpty += counted > 0;
        EXPECT_EQ(s.countStudies(f), counted) << f.site << " " << f.fromDate << ".." << f.toDate << " " << f.device;
    }
    EXPECT_GT(nonEmpty, 20u);
    EXPECT_EQ(s.countStudies({}), 12u);
    store::StudyFilter carm9;
    carm9.device = "CARM9";
    EXPECT_EQ(s.countStudies(carm9), 1u);

    // A device that names neither station nor model: its own studies, listed and counted alike.
    auto unnamed = report("U1", "UO1", {"u1"});
    unnamed.study.studyDate = "2026-03-04";
    unnamed.device.station = "";
    unnamed.device.model = "";
    s.add(unnamed, meta());
    store::StudyFilter none;
    none.device = store::kUnnamedDevice;
    const auto listed = s.studies(none);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].study.studyUid, "U1");
    EXPECT_EQ(s.countStudies(none), 1u);
    none.fromDate = "2026-03-04";
    EXPECT_EQ(s.countStudies(none), 1u);
    EXPECT_EQ(s.studies(none).size(), 1u);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// Two sites of a group each have a CARM1: the devices and the overview keep them apart, and the
// overview's counts (from the kept counts) say what the studies say.
TEST(StudyStore, DevicesAndTheOverviewAreEachSitesOwn) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    s.setSite("north");
    for (int i = 0; i < 5; ++i) {
        auto o = report("N" + std::to_string(i), "NO" + std::to_string(i), {"e"});
        o.device.station = i < 3 ? "CARM1" : "CARM2";
        s.add(o, meta());
    }
    s.setSite("south");
    for (int i = 0; i < 2; ++i) {
        auto o = report("S" + std::to_string(i), "SO" + std::to_string(i), {"e"});
        o.device.station = "CARM1";
        o.study.studyDate = "2026-04-0" + std::to_string(1 + i);
        s.add(o, meta());
    }
    const auto devices = s.devices();
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].site + "/" + devices[0].device, "north/CARM1");
    EXPECT_EQ(devices[0].studies, 3u);
    EXPECT_EQ(devices[1].site + "/" + devices[1].device, "north/CARM2");
    EXPECT_EQ(devices[1].studies, 2u);
    EXPECT_EQ(devices[2].site + "/" + devices[2].device, "south/CARM1");
    EXPECT_EQ(devices[2].objects, 2u);
    ASSERT_EQ(s.devices("south").size(), 1u);
    EXPECT_EQ(s.devices("south")[0].studies, 2u);

    auto overview = [&](const store::StudyFilter& f) {
        std::map<std::string, std::size_t> out;
        for (const auto& r : s.overview(f)) out[r.site + "/" + r.device + "/" + r.procedureId] += r.studies;
        return out;
    };
    EXPECT_EQ(overview({}), (std::map<std::string, std::size_t>{
                                {"north/CARM1/unclassified", 3}, {"north/CARM2/unclassified", 2}, {"south/CARM1/unclassified", 2}}));
    store::StudyFilter april = store::StudyFilter::between("2026-04-02", "");
    EXPECT_EQ(overview(april), (std::map<std::string, std::size_t>{{"south/CARM1/unclassified", 1}}));
    store::StudyFilter north;
    north.site = "north";
    EXPECT_EQ(overview(north).size(), 2u);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// What the store asks of the skin-dose model, counted.
class CountingSkinModel : public SkinDoseModel {
public:
    SkinDoseResult compute(const std::vector<const DoseObject*>& objects) const override {
        ++calls;
        SkinDoseResult r;
        r.psd_Gy = 1e-3 * static_cast<double>(objects.size());
        r.model = "counting";
        return r;
    }
    mutable int calls = 0;
};

// A study is mapped when a dose report of it is filed, and not again for each image that follows.
TEST(StudyStore, OnlyADoseReportMapsTheStudyAgain) {
    test::TempDir dir;
    store::StudyStore s(test::storeIn(dir));
    CountingSkinModel model;
    s.setSkinModel(&model);
    s.add(report("S1", "R1", {"a", "b"}), meta());
    EXPECT_EQ(model.calls, 1);
    for (int i = 0; i < 3; ++i) {
        DoseObject image;
        image.sopInstanceUid = "I" + std::to_string(i);
        image.sopClassUid = "1.2.840.10008.5.1.4.1.1.12.2";
        image.kind = SourceKind::ImageHeaders;
        image.study.studyUid = "S1";
        image.study.studyDate = "2026-03-01";
        IrradiationEvent e;
        e.type = EventType::Fluoroscopy;
        image.events.push_back(e);
        s.add(image, meta());
    }
    EXPECT_EQ(model.calls, 1);
    EXPECT_DOUBLE_EQ(*s.study("S1")->summary.psd_Gy, 1e-3);
    s.add(report("S1", "R2", {"c"}), meta()); // a second report of the study: mapped with both
    EXPECT_EQ(model.calls, 2);
    EXPECT_DOUBLE_EQ(*s.study("S1")->summary.psd_Gy, 2e-3);
    EXPECT_EQ(s.skinDose("S1")->model, "counting");
}

} // namespace
} // namespace fa
