// fluoroaudit inside a real Orthanc (Debian's package): what Orthanc stores ends up in the store
// exactly as `fluoroaudit ingest` files it; an Orthanc that already holds studies is caught up on;
// bad configuration leaves Orthanc running with one clear line.
#include "dicom/Echo.h"
#include "dicom/Prescan.h"
#include "tests/support/FhirServer.h"
#include "tests/support/OrthancProcess.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace fa {
namespace {

using test::quote;

// study UID -> the figures `studies --json` gives for it (what a quality manager sees).
std::map<std::string, std::string> figures(const std::string& data) {
    const auto r = test::run(test::command(FA_BINARY, data) + " studies --json");
    std::map<std::string, std::string> out;
    if (r.exitCode != 0 || r.out.empty()) return out;
    const auto studies = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < studies->size(); ++i) {
        const auto s = studies->getObject(static_cast<unsigned>(i));
        std::string line;
        for (const char* key : {"irradiation_events", "fluoro_events", "acquisition_events", "fluoro_time_s",
                                "acquisition_time_s", "exposure_time_s", "dap_total_gycm2", "kar_total_mgy", "frames",
                                "planes", "source", "object_count", "procedure_name", "warnings"})
        {
            std::ostringstream value;
            if (s->has(key)) Poco::JSON::Stringifier::stringify(s->get(key), value);
            line += std::string(key) + "=" + value.str() + " ";
        }
        out[s->getValue<std::string>("study_uid")] = line;
    }
    return out;
}

std::string rdsrFiles(const std::string& shared) {
    std::string files;
    for (const auto& e : std::filesystem::directory_iterator(shared + "/rdsr")) files += quote(e.path().string()) + " ";
    return files;
}

class OrthancPlugin : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (apt install orthanc): skipping";
        if (FA_SANITIZED)
            GTEST_SKIP() << "a plugin built with sanitizers needs their runtime preloaded into Orthanc, which then "
                            "deadlocks in setlocale at start (Orthanc 1.10, GCC 12): skipping in this build";
    }
    test::OrthancOptions withPlugin() const {
        test::OrthancOptions o;
        o.plugin = FA_PLUGIN;
        o.fluoroAuditSection = "{\"DataDirectory\": \"" + data() + "\"}";
        o.fluoroAuditData = data();
        return o;
    }
    // The plugin with a fluoroaudit INI of `text`; returns the INI's path in `ini`.
    test::OrthancOptions withConfigurationFile(const std::string& text, std::string& ini) const {
        ini = dir_.file("fluoroaudit.ini");
        std::ofstream(ini) << text;
        test::OrthancOptions o = withPlugin();
        o.fluoroAuditSection = "{\"DataDirectory\": \"" + data() + "\", \"ConfigurationFile\": \"" + ini + "\"}";
        return o;
    }
    std::string data() const { return (dir_.path() / "fluoroaudit").string(); }
    test::TempDir dir_;
    int port_ = test::freePort();
};

TEST_F(OrthancPlugin, TheSharedReportsSentToOrthancAreFiledAsIngestFilesThem) {
    FA_REQUIRE_SHARED_DICOM(shared);
    const std::string reference = (dir_.path() / "reference").string();
    ASSERT_EQ(test::run(test::command(FA_BINARY, reference) + " ingest " + rdsrFiles(shared)).exitCode, 0);
    const auto expected = figures(reference);
    ASSERT_GE(expected.size(), 8u);

    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), withPlugin());
    const auto sent = test::storescu(port_, rdsrFiles(shared), "CARM1", "ORTHANC");
    EXPECT_EQ(test::successes(sent.out), 10) << sent.out;
    EXPECT_TRUE(test::waitFor([&] { return figures(data()) == expected; }, 60)) << orthanc.log();
    EXPECT_NE(orthanc.log().find("fluoroaudit: at change"), std::string::npos);
}

TEST_F(OrthancPlugin, InstalledOnAnOrthancThatHoldsStudiesItCatchesUpOnThem) {
    FA_REQUIRE_SHARED_DICOM(shared);
    const std::string folder = (dir_.path() / "orthanc").string();
    {
        test::OrthancProcess bare(folder, port_, test::freePort());
        EXPECT_EQ(test::successes(test::storescu(port_, rdsrFiles(shared), "CARM1", "ORTHANC").out), 10);
    }
    test::OrthancProcess orthanc(folder, port_, test::freePort(), withPlugin());
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).size() >= 8; }, 60)) << orthanc.log();
    const std::string reference = (dir_.path() / "reference").string();
    test::run(test::command(FA_BINARY, reference) + " ingest " + rdsrFiles(shared));
    EXPECT_EQ(figures(data()), figures(reference));
}

// What Orthanc's REST API answers to GET `uri` on loopback.
std::string orthancGet(int httpPort, const std::string& uri) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Answer {
    int status = 0;
    std::string body, cookie;
};

// A request to Orthanc's web server on loopback.
Answer orthancCall(int httpPort, const std::string& method, const std::string& uri, const std::string& body = "",
                   const std::string& cookie = "", bool fromWebUi = false) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort));
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    if (fromWebUi) request.set("X-FA-UI", "1");
    if (!cookie.empty()) {
        Poco::Net::NameValueCollection cookies;
        cookies.add("fa_session", cookie);
        request.setCookies(cookies);
    }
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!body.empty()) request.setContentType("application/json");
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer a;
    a.status = static_cast<int>(response.getStatus());
    a.body.assign(std::istreambuf_iterator<char>(in), {});
    std::vector<Poco::Net::HTTPCookie> cookies;
    response.getCookies(cookies);
    for (const auto& c : cookies)
        if (c.getName() == "fa_session") a.cookie = c.getValue();
    return a;
}

std::vector<std::string> writeReports(const std::filesystem::path& folder, int count) {
    std::filesystem::create_directories(folder);
    std::vector<std::string> files;
    for (int i = 0; i < count; ++i) {
        synth::Report r;
        r.events = {synth::Event{}};
        r.events[0].uid = synth::newUid();
        files.push_back((folder / (std::to_string(i) + ".dcm")).string());
        synth::save(*synth::buildReport(r), files.back());
    }
    return files;
}

// Orthanc killed with SIGKILL while three senders stream 300 reports: once restarted, every report
// Orthanc kept is in the store (the plugin catches up on what it had not finished).
TEST_F(OrthancPlugin, KillNineWhileThreeSendersStreamLosesNoReportOrthancKept) {
    const std::string folder = (dir_.path() / "orthanc").string();
    std::vector<std::string> batches;
    for (int b = 0; b < 3; ++b) {
        std::string files;
        for (const auto& f : writeReports(dir_.path() / ("in" + std::to_string(b)), 100)) files += quote(f) + " ";
        batches.push_back(files);
    }
    auto orthanc = std::make_unique<test::OrthancProcess>(folder, port_, test::freePort(), withPlugin());
    std::vector<std::thread> senders;
    for (const auto& files : batches)
        senders.emplace_back([this, files] { test::storescu(port_, files, "CARM1", "ORTHANC"); });
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).size() >= 30; }, 120)) << orthanc->log();
    orthanc->kill(SIGKILL);
    for (auto& t : senders) t.join();
    orthanc = std::make_unique<test::OrthancProcess>(folder, port_, test::freePort(), withPlugin());
    const auto statistics = Poco::JSON::Parser().parse(orthancGet(orthanc->httpPort(), "/statistics"))
                                .extract<Poco::JSON::Object::Ptr>();
    const auto kept = static_cast<std::size_t>(statistics->getValue<int>("CountInstances"));
    EXPECT_GE(kept, 30u);
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).size() == kept; }, 120))
        << figures(data()).size() << " studies filed, " << kept << " reports kept by Orthanc\n" << orthanc->log();
}

// The API of `serve` under Orthanc's port: anonymous callers get 401 though Orthanc's own
// authentication is off; a user of the store logs in and sees the studies Orthanc received.
TEST_F(OrthancPlugin, TheRestApiAnswersUnderOrthancsPortBehindItsOwnLogin) {
    const std::string fa = test::command(FA_BINARY, data()) + " ";
    ASSERT_EQ(test::run("echo qm-password-1 | " + fa + "user add qm --role reviewer").exitCode, 0);
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), withPlugin());
    const auto files = writeReports(dir_.path() / "in", 2);
    EXPECT_EQ(test::successes(test::storescu(port_, quote(files[0]) + " " + quote(files[1]), "CARM1", "ORTHANC").out), 2);
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).size() == 2; }, 60)) << orthanc.log();

    EXPECT_EQ(orthancCall(orthanc.httpPort(), "GET", "/fluoroaudit/api/studies").status, 401);
    EXPECT_EQ(orthancCall(orthanc.httpPort(), "POST", "/fluoroaudit/api/login",
                          "{\"username\":\"qm\",\"password\":\"wrong\"}").status, 401);
    const Answer login = orthancCall(orthanc.httpPort(), "POST", "/fluoroaudit/api/login",
                                     "{\"username\":\"qm\",\"password\":\"qm-password-1\"}");
    ASSERT_EQ(login.status, 200) << login.body;
    ASSERT_FALSE(login.cookie.empty());
    const Answer studies = orthancCall(orthanc.httpPort(), "GET", "/fluoroaudit/api/studies", "", login.cookie);
    ASSERT_EQ(studies.status, 200) << studies.body;
    const auto list = Poco::JSON::Parser().parse(studies.body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(list->getValue<int>("total"), 2) << studies.body;
    const Answer missing = orthancCall(orthanc.httpPort(), "GET", "/fluoroaudit/api/studies/1.2.3.4", "", login.cookie);
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("1.2.3.4"), std::string::npos) << missing.body;
    const Answer session = orthancCall(orthanc.httpPort(), "GET", "/fluoroaudit/api/session", "", login.cookie);
    EXPECT_NE(session.body.find("\"username\":\"qm\""), std::string::npos) << session.body;
    // The API's lines are in Orthanc's log, with the caller's address (the login throttle's key).
    EXPECT_NE(orthanc.log().find("failed login for 'qm' from 127.0.0.1"), std::string::npos) << orthanc.log();
}

// The web UI from Orthanc's port, a link to it in Orthanc Explorer, and the UI's own requests told
// to log in with 403 (a 401 from Orthanc makes the browser ask for a password of its own).
TEST_F(OrthancPlugin, TheWebUiIsServedUnderOrthancsPortAndLinkedFromOrthancExplorer) {
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), withPlugin());
    const int http = orthanc.httpPort();
    const Answer page = orthancCall(http, "GET", "/fluoroaudit/ui/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<script src=\"app.js\"></script>"), std::string::npos) << page.body;
    const Answer script = orthancCall(http, "GET", "/fluoroaudit/ui/app.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_GT(script.body.size(), 10000u);
    EXPECT_NE(page.body.find("<base href=\"/fluoroaudit/ui/\">"), std::string::npos);
    EXPECT_EQ(orthancCall(http, "GET", "/fluoroaudit/ui").body, page.body);
    for (const char* escape : {"/fluoroaudit/ui/../../../etc/passwd", "/fluoroaudit/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd"})
        EXPECT_EQ(orthancCall(http, "GET", escape).body.find("root:"), std::string::npos) << escape;
    const Answer anonymousUi = orthancCall(http, "GET", "/fluoroaudit/api/session", "", "", true);
    EXPECT_EQ(anonymousUi.status, 403);
    EXPECT_NE(anonymousUi.body.find("\"login_required\":true"), std::string::npos) << anonymousUi.body;
    EXPECT_EQ(orthancCall(http, "GET", "/fluoroaudit/api/session").status, 401);
    EXPECT_NE(orthancCall(http, "GET", "/plugins/explorer.js").body.find("/fluoroaudit/ui/"), std::string::npos);
}

// An object Orthanc keeps but the plugin refuses (beyond its [limits] content_mb) is quarantined
// with its reason; Orthanc and the plugin go on with the next one.
TEST_F(OrthancPlugin, AnObjectThePluginRefusesIsQuarantinedAndTheNextIsFiled) {
    std::string ini;
    const test::OrthancOptions o = withConfigurationFile("[limits]\ncontent_mb = 1\n", ini);
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    const std::string large = dir_.file("large.dcm");
    synth::save(*synth::buildReport(synth::reportWithEvents(3000)), large);
    dicom::PrescanLimits oneMb;
    oneMb.maxContentBytes = 1 << 20;
    ASSERT_EQ(dicom::prescanFile(large, oneMb), "more than 1 MB besides pixel data");
    const auto good = writeReports(dir_.path() / "in", 1);
    EXPECT_EQ(test::successes(test::storescu(port_, quote(large) + " " + quote(good[0]), "CARM1", "ORTHANC").out), 2);
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).size() == 1; }, 60)) << orthanc.log();
    EXPECT_TRUE(test::waitFor([&] {
        return test::run(test::command(FA_BINARY, data()) + " quarantine").out.find(
                   "more than 1 MB besides pixel data") != std::string::npos;
    }, 30));
    EXPECT_NE(orthanc.log().find("fluoroaudit: quarantined Orthanc instance"), std::string::npos);
    EXPECT_TRUE(dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "ORTHANC", 5).echoed);
    // Inside Orthanc (its umask, 022 here) patient data is the owner's alone all the same.
    auto mode = [](const std::filesystem::path& p) {
        return static_cast<unsigned>(std::filesystem::status(p).permissions() & std::filesystem::perms::all);
    };
    const std::filesystem::path d(data());
    EXPECT_EQ(mode(d), 0700u);
    if (!test::onPostgres()) { // the store and the secret are in the data folder
        EXPECT_EQ(mode(d / "fluoroaudit.db"), 0600u);
        EXPECT_EQ(mode(d / "site-secret"), 0600u);
    }
    for (const char* folder : {"archive", "quarantine"}) {
        EXPECT_EQ(mode(d / folder), 0700u) << folder;
        for (const auto& e : std::filesystem::recursive_directory_iterator(d / folder)) {
            if (e.path().extension() != ".dcm" && !e.is_directory()) continue;
            EXPECT_EQ(mode(e.path()), e.is_directory() ? 0700u : 0600u) << e.path();
        }
    }
}

TEST_F(OrthancPlugin, BadConfigurationLeavesThePluginInactiveAndOrthancRunning) {
    test::OrthancOptions o = withPlugin();
    o.fluoroAuditSection = "{\"DataDir\": \"" + data() + "\"}";
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    EXPECT_NE(orthanc.log().find("fluoroaudit: \"FluoroAudit\": unknown key \"DataDir\" (known: DataDirectory, "
                                 "ConfigurationFile, PacsModality); the plugin stays inactive"),
              std::string::npos) << orthanc.log();
    EXPECT_FALSE(std::filesystem::exists(data()));
}

TEST_F(OrthancPlugin, AConfigurationFileWithProblemsIsNamedInOrthancsLog) {
    std::string ini;
    const test::OrthancOptions o = withConfigurationFile("[dicom]\nprot = 5\n", ini);
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    const std::string log = orthanc.log();
    EXPECT_NE(log.find("configuration file " + ini + " has 1 problem(s):"), std::string::npos) << log;
    EXPECT_NE(log.find("[dicom] prot: unknown key (did you mean [dicom] port?)"), std::string::npos) << log;
}

// With [fhir] url in its INI, the plugin sends what Orthanc receives to that FHIR server.
TEST_F(OrthancPlugin, AReportOrthancReceivesGoesToTheFhirServer) {
    test::FhirServer server;
    std::string ini;
    const test::OrthancOptions o = withConfigurationFile("[fhir]\nurl = " + server.url() + "\ncheck_seconds = 1\n", ini);
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    synth::Report r;
    r.studyDate = "20261120";
    synth::Event e;
    e.uid = synth::newUid();
    e.dap_Gym2 = 3e-4;
    r.events.push_back(e);
    const std::string file = dir_.file("report.dcm");
    synth::save(*synth::buildReport(r), file);
    ASSERT_EQ(test::successes(test::storescu(port_, quote(file), "CARM1", "ORTHANC").out), 1);
    EXPECT_TRUE(test::waitFor([&] { return server.observations().count("urn:oid:" + r.studyUid) == 1; }, 60)) << orthanc.log();
    EXPECT_TRUE(server.problems().empty());
    EXPECT_EQ(server.resources("ImagingStudy"), 1u);
}

// The local day before today, as YYYYMMDD and YYYY-MM-DD.
std::pair<std::string, std::string> yesterday() {
    const std::time_t t = std::time(nullptr) - 86400;
    char compact[16], iso[16];
    std::strftime(compact, sizeof compact, "%Y%m%d", std::localtime(&t));
    std::strftime(iso, sizeof iso, "%Y-%m-%d", std::localtime(&t));
    return {compact, iso};
}

// Yesterday's scheduled run of the store in `data` once it has ended (null if none within 60 s).
Poco::JSON::Object::Ptr scheduledRun(const std::string& data, const std::string& day) {
    Poco::JSON::Object::Ptr found;
    test::waitFor([&] {
        const auto r = test::run(test::command(FA_BINARY, data) + " audit runs --json");
        if (r.exitCode != 0) return false;
        const auto runs = Poco::JSON::Parser().parse(r.out).extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < runs->size(); ++i) {
            const auto run = runs->getObject(static_cast<unsigned>(i));
            if (run->getValue<std::string>("trigger") != "schedule" || run->getValue<std::string>("period_from") != day ||
                run->getValue<std::string>("outcome") == "running")
                continue;
            const auto shown = test::run(test::command(FA_BINARY, data) + " audit show " +
                                         std::to_string(run->getValue<int>("id")) + " --json");
            found = Poco::JSON::Parser().parse(shown.out).extract<Poco::JSON::Object::Ptr>();
            return true;
        }
        return false;
    });
    return found;
}

// kind -> the study UIDs of the run's findings of that kind.
std::map<std::string, std::set<std::string>> findingStudies(const Poco::JSON::Object::Ptr& run) {
    std::map<std::string, std::set<std::string>> out;
    const auto list = run->getArray("findings");
    for (std::size_t i = 0; list && i < list->size(); ++i) {
        const auto f = list->getObject(static_cast<unsigned>(i));
        out[f->getValue<std::string>("kind")].insert(f->getValue<std::string>("study_uid"));
    }
    return out;
}

// An XA image of a study without dose report (its headers give a shot and the DAP).
std::string xaImage(const std::string& folder, const std::string& date, std::string& studyUid) {
    synth::Image image;
    image.sopClass = "xa";
    image.studyDate = date;
    image.dap_dGycm2 = 12.5;
    image.exposureTime_ms = 100;
    studyUid = image.studyUid;
    const std::string path = folder + "/xa.dcm";
    synth::save(*synth::buildImage(image), path);
    return path;
}

class OrthancPluginAudit : public OrthancPlugin {
protected:
    // Two studies of `day`: an XA image of a study without dose report, and a report of another.
    struct Yesterday {
        std::string image, imagesOnlyStudy;
        synth::Report report;
    };
    Yesterday yesterdaysStudies(const std::string& day) const {
        Yesterday y;
        y.image = xaImage(dir_.path().string(), day, y.imagesOnlyStudy);
        y.report.studyDate = day;
        y.report.events = {synth::Event{}};
        y.report.events[0].uid = synth::newUid();
        synth::save(*synth::buildReport(y.report), dir_.file("report.dcm"));
        return y;
    }
    // The plugin with the nightly audit scheduled at midnight, and a run of an earlier day in the
    // store: started after midnight, it makes up yesterday's run at once.
    test::OrthancOptions withScheduledAudit(const std::string& extraSection = "") {
        const auto r = test::run(test::command(FA_BINARY, data()) + " audit nightly --date 2020-01-01");
        EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
        std::string ini;
        test::OrthancOptions o = withConfigurationFile("[audit]\nschedule = true\ntime = 00:00\n", ini);
        o.fluoroAuditSection.insert(o.fluoroAuditSection.size() - 1, extraSection);
        return o;
    }
};

// Inside Orthanc the nightly audit compares with what Orthanc holds: a study with XA images and
// no dose report is missing dose data; a report Orthanc holds is in the store.
TEST_F(OrthancPluginAudit, TheNightlyAuditComparesWithWhatOrthancHolds) {
    const auto [day, isoDay] = yesterday();
    const Yesterday y = yesterdaysStudies(day);
    const std::string& image = y.image;
    const std::string& imagesOnly = y.imagesOnlyStudy;
    const synth::Report& report = y.report;
    const std::string folder = (dir_.path() / "orthanc").string();
    {
        test::OrthancProcess bare(folder, port_, test::freePort());
        EXPECT_EQ(test::successes(test::storescu(port_, quote(image) + " " + quote(dir_.file("report.dcm")), "CARM1",
                                                 "ORTHANC").out), 2);
    }
    test::OrthancProcess orthanc(folder, port_, test::freePort(), withScheduledAudit());
    const auto run = scheduledRun(data(), isoDay);
    ASSERT_TRUE(run) << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("outcome"), "ok") << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("pacs"), "Orthanc ORTHANC (this server)");
    EXPECT_EQ(run->getValue<int>("pacs_studies"), 2);
    EXPECT_EQ(run->getValue<int>("pacs_dose_objects"), 1);
    EXPECT_EQ(run->getValue<int>("missing_dose"), 1);
    const auto findings = findingStudies(run);
    EXPECT_EQ(findings.count("missing-dose-data") ? findings.at("missing-dose-data") : std::set<std::string>{},
              std::set<std::string>{imagesOnly});
    EXPECT_TRUE(test::waitFor([&] { return figures(data()).count(report.studyUid) == 1; }, 30));
}

// With "PacsModality", the audit asks that modality of Orthanc's DicomModalities through Orthanc:
// the report only the PACS has is moved into Orthanc and filed; a study with images only there is
// missing dose data.
TEST_F(OrthancPluginAudit, TheNightlyAuditAsksAModalityOfOrthancAndFilesWhatItMoves) {
    const auto [day, isoDay] = yesterday();
    const Yesterday y = yesterdaysStudies(day);
    const std::string& image = y.image;
    const std::string& imagesOnly = y.imagesOnlyStudy;
    const synth::Report& report = y.report;

    const int pacsPort = test::freePort();
    test::OrthancOptions pacsOptions;
    pacsOptions.aeTitle = "PACS";
    pacsOptions.moreModalities = "\"hospital\": [\"ORTHANC\", \"127.0.0.1\", " + std::to_string(port_) + "]";
    test::OrthancProcess pacs((dir_.path() / "pacs").string(), pacsPort, test::freePort(), pacsOptions);
    EXPECT_EQ(test::successes(test::storescu(pacsPort, quote(image) + " " + quote(dir_.file("report.dcm")), "CARM1",
                                             "PACS").out), 2);

    test::OrthancOptions o = withScheduledAudit(", \"PacsModality\": \"mainpacs\"");
    o.moreModalities = "\"mainpacs\": [\"PACS\", \"127.0.0.1\", " + std::to_string(pacsPort) + "]";
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    const auto run = scheduledRun(data(), isoDay);
    ASSERT_TRUE(run) << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("outcome"), "ok") << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("pacs"),
              "PACS@127.0.0.1:" + std::to_string(pacsPort) + " (modality \"mainpacs\" of Orthanc ORTHANC)");
    EXPECT_EQ(run->getValue<int>("pacs_studies"), 2);
    EXPECT_EQ(run->getValue<int>("retrieved"), 1);
    const auto findings = findingStudies(run);
    EXPECT_EQ(findings.count("retrieved") ? findings.at("retrieved") : std::set<std::string>{},
              std::set<std::string>{report.studyUid});
    EXPECT_EQ(findings.count("missing-dose-data") ? findings.at("missing-dose-data") : std::set<std::string>{},
              std::set<std::string>{imagesOnly});
    EXPECT_EQ(figures(data()).count(report.studyUid), 1u);
    // Moved into Orthanc: Orthanc holds the report now.
    const auto statistics = Poco::JSON::Parser().parse(orthancGet(orthanc.httpPort(), "/statistics"))
                                .extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(statistics->getValue<int>("CountInstances"), 1);
    // What the operator reads in Orthanc's log (warnings: shown without --verbose).
    const std::string log = orthanc.log();
    EXPECT_NE(log.find("fluoroaudit: audit: the nightly audit of " + isoDay + " has not run"), std::string::npos) << log;
    EXPECT_NE(log.find("fluoroaudit: audit: retrieved 1 of 1 object(s)"), std::string::npos) << log;
    EXPECT_NE(log.find("fluoroaudit: audit: audit run 2: ok"), std::string::npos) << log;
}

// A modality that is gone when the audit runs (modalities kept in Orthanc's database, none added):
// the reconciliation is skipped and said so, the rest of the run still reports.
TEST_F(OrthancPluginAudit, AModalityGoneWhenTheAuditRunsSkipsTheReconciliationOnly) {
    const auto [day, isoDay] = yesterday();
    test::OrthancOptions o = withScheduledAudit(", \"PacsModality\": \"mainpacs\"");
    o.modalitiesInDatabase = true;
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    const auto run = scheduledRun(data(), isoDay);
    ASSERT_TRUE(run) << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("outcome"), "partial") << orthanc.log();
    EXPECT_EQ(run->getValue<std::string>("pacs"), "");
    const auto errors = run->getArray("errors");
    ASSERT_TRUE(errors && errors->size() == 1u) << orthanc.log();
    EXPECT_EQ(errors->getElement<std::string>(0),
              "reconciliation skipped: \"FluoroAudit\": \"PacsModality\": Orthanc knows no modality \"mainpacs\" "
              "(its DicomModalities)");
    EXPECT_FALSE(run->getValue<std::string>("report_html").empty());
}

TEST_F(OrthancPlugin, APacsModalityOrthancDoesNotKnowIsNamed) {
    test::OrthancOptions o = withPlugin();
    o.fluoroAuditSection = "{\"DataDirectory\": \"" + data() + "\", \"PacsModality\": \"mainpacs\"}";
    test::OrthancProcess orthanc((dir_.path() / "orthanc").string(), port_, test::freePort(), o);
    EXPECT_NE(orthanc.log().find("fluoroaudit: \"FluoroAudit\": \"PacsModality\": \"mainpacs\" is not in "
                                 "\"DicomModalities\" (known: fluoroaudit); the plugin stays inactive"),
              std::string::npos) << orthanc.log();
}

} // namespace
} // namespace fa
