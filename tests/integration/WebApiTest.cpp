// The REST API of a real `fluoroaudit serve`, over HTTP, for every route and each role.
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/dcmdata/dcdeftag.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/AcceptCertificateHandler.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <thread>

namespace fa {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::quote;

struct Reply {
    int status = 0;
    std::string body;
    std::string setCookie, contentType, retryAfter, disposition;

    Object::Ptr object() const { return Poco::JSON::Parser().parse(body).extract<Object::Ptr>(); }
    Array::Ptr array() const { return Poco::JSON::Parser().parse(body).extract<Array::Ptr>(); }
    std::string error() const { return object()->getValue<std::string>("error"); }
    std::string code() const { return object()->getValue<std::string>("code"); }
};

struct Client {
    int port = 0;
    std::string cookie, csrf;
    std::string language; // Accept-Language, none when empty

    Reply call(const std::string& method, const std::string& path, const std::string& body = "",
               bool withCsrf = true) const {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
        session.setTimeout(Poco::Timespan(20, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!cookie.empty()) req.set("Cookie", "fa_session=" + cookie);
        if (withCsrf && !csrf.empty()) req.set("X-CSRF-Token", csrf);
        if (!language.empty()) req.set("Accept-Language", language);
        if (!body.empty()) {
            req.setContentType("application/json");
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        Reply r;
        r.status = resp.getStatus();
        Poco::StreamCopier::copyToString(in, r.body);
        r.setCookie = resp.get("Set-Cookie", "");
        r.contentType = resp.getContentType();
        r.retryAfter = resp.get("Retry-After", "");
        r.disposition = resp.get("Content-Disposition", "");
        return r;
    }
    Reply get(const std::string& path) const { return call("GET", path); }
};


class WebApi : public ::testing::Test {
protected:
    // A failure here must fail every test of the suite (gtest would report them skipped).
    static void SetUpTestSuite() {
        try {
            setupError_ = prepare();
        } catch (const std::exception& e) {
            setupError_ = e.what();
        }
    }
    void SetUp() override {
        if (!setupError_.empty()) FAIL() << "preparing the service failed: " << setupError_;
    }

    static std::string prepare() {
        dir_ = new test::TempDir;
        const std::string data = dir_->file("data");
        const std::string config = dir_->file("fa.ini");
        std::ofstream(config) << "[privacy]\nstore_patient_identifiers = true\n[audit]\nschedule = false\n";
        std::filesystem::create_directories(dir_->file("in"));
        // Three root-prf studies (level 18 shots): 30 and 40 shots are flagged, 10 is not.
        int i = 0;
        for (int shots : {30, 40, 10}) {
            synth::Report r;
            r.studyDate = "2026112" + std::to_string(i);
            r.patientName = "Zhang^Wei";
            r.patientId = "PID-" + std::to_string(i);
            r.omitTemplateId = i == 2; // a data-quality warning to read in either language
            for (int e = 0; e < shots; ++e) {
                synth::Event ev;
                ev.uid = synth::newUid();
                ev.duration_s = 0.75;
                r.events.push_back(ev);
            }
            auto file = synth::buildReport(r);
            file->getDataset()->putAndInsertString(DCM_OperatorsName, i == 1 ? "Wang^Li" : "Chen^Jie");
            synth::save(*file, dir_->file("in/r" + std::to_string(i) + ".dcm"));
            uids_.push_back(r.studyUid);
            ++i;
        }
        const std::string fa = test::command(FA_BINARY, data) + " --config " + quote(config) + " ";
        std::vector<std::string> commands{fa + "ingest " + quote(dir_->file("in"))};
        for (const auto& [name, role] : std::vector<std::pair<std::string, std::string>>{
                 {"alice", "admin"}, {"rita", "reviewer"}, {"victor", "viewer"}, {"olga", "viewer"}})
            commands.push_back("echo " + name + "-password-1 | " + fa + "user add " + name + " --role " + role);
        commands.push_back(fa + "audit nightly --date 2026-11-21");
        commands.push_back(fa + "levels export --output " + quote(dir_->file("levels.csv")));
        // One procedure more: the same table again would be no new version.
        commands.push_back("echo 'vertebroplasty,Vertebroplasty,vertebroplast,,40,30,30,,' >> " + quote(dir_->file("levels.csv")));
        commands.push_back(fa + "levels import " + quote(dir_->file("levels.csv")));
        for (const auto& command : commands) {
            const auto r = test::run(command);
            if (r.exitCode != 0) return command + " exited with " + std::to_string(r.exitCode) + ": " + r.err;
        }
        httpPort_ = test::freePort();
        service_ = new test::ServiceProcess(FA_BINARY, data, test::freePort(), config, httpPort_);
        admin_ = login("alice");
        reviewer_ = login("rita");
        viewer_ = login("victor");
        if (admin_.csrf.empty() || reviewer_.csrf.empty() || viewer_.csrf.empty()) return "a login failed";
        return {};
    }
    static void TearDownTestSuite() {
        delete service_;
        delete dir_;
    }

    static Client login(const std::string& name) {
        Client c;
        c.port = httpPort_;
        const auto r = c.call("POST", "/api/login", "{\"username\":\"" + name + "\",\"password\":\"" + name + "-password-1\"}");
        EXPECT_EQ(r.status, 200) << r.body;
        const auto start = r.setCookie.find("fa_session=") + 11;
        c.cookie = r.setCookie.substr(start, r.setCookie.find(';', start) - start);
        c.csrf = r.object()->getValue<std::string>("csrf_token");
        return c;
    }
    static Client anonymous() {
        Client c;
        c.port = httpPort_;
        return c;
    }

    static std::string setupError_;
    static test::TempDir* dir_;
    static test::ServiceProcess* service_;
    static int httpPort_;
    static Client admin_, reviewer_, viewer_;
    static std::vector<std::string> uids_;
};

std::string WebApi::setupError_;
test::TempDir* WebApi::dir_ = nullptr;
test::ServiceProcess* WebApi::service_ = nullptr;
int WebApi::httpPort_ = 0;
Client WebApi::admin_, WebApi::reviewer_, WebApi::viewer_;
std::vector<std::string> WebApi::uids_;

// The studies as an XLSX workbook: the page's filters, one row per study and per event, the DRL
// audit; patient data only for roles that may see it.
TEST_F(WebApi, StudiesExportAsAnXlsxWorkbookOfStudiesEventsAndTheDrlAudit) {
    const auto book = admin_.get("/api/export/studies.xlsx?from=2026-11-20&to=2026-11-22");
    ASSERT_EQ(book.status, 200) << book.body;
    EXPECT_EQ(book.contentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(book.disposition, "attachment; filename=\"fluoroaudit-studies.xlsx\"");
    const std::string file = dir_->file("studies.xlsx");
    std::ofstream(file, std::ios::binary) << book.body;
    auto part = [&](const std::string& name) { return test::run("unzip -p " + quote(file) + " " + name).out; };
    auto rows = [&](const std::string& xml) {
        int n = 0;
        for (std::size_t at = 0; (at = xml.find("<row ", at)) != std::string::npos; ++at) ++n;
        return n;
    };
    EXPECT_EQ(rows(part("xl/worksheets/sheet1.xml")), 1 + 3);           // three studies
    EXPECT_EQ(rows(part("xl/worksheets/sheet2.xml")), 1 + 30 + 40 + 10); // their events
    EXPECT_GT(rows(part("xl/worksheets/sheet3.xml")), 1);                // the DRL audit
    EXPECT_NE(part("xl/sharedStrings.xml").find("Zhang^Wei"), std::string::npos);
    const auto one = admin_.get("/api/export/studies.xlsx?from=2026-11-21&to=2026-11-21");
    std::ofstream(file, std::ios::binary | std::ios::trunc) << one.body;
    EXPECT_EQ(rows(part("xl/worksheets/sheet1.xml")), 1 + 1);
    EXPECT_EQ(rows(part("xl/worksheets/sheet2.xml")), 1 + 40);

    const auto viewers = viewer_.get("/api/export/studies.xlsx");
    ASSERT_EQ(viewers.status, 200);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << viewers.body;
    EXPECT_EQ(part("xl/sharedStrings.xml").find("Zhang"), std::string::npos);
    EXPECT_EQ(part("xl/sharedStrings.xml").find("patient_name"), std::string::npos);
}

// Each export of the worklist holds exactly the studies of the page it came from, in its order: its
// filters (operator, procedure) and its sort; the flags export only those studies' flags.
TEST_F(WebApi, EachExportHoldsExactlyThePagesStudiesInItsOrder) {
    const std::string view = "operator=Chen&sort=shots&order=desc";
    const auto page = admin_.get("/api/studies?" + view + "&page_size=1000");
    ASSERT_EQ(page.status, 200);
    std::vector<std::string> shown;
    const auto list = page.object()->getArray("studies");
    for (std::size_t i = 0; i < list->size(); ++i) shown.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid"));
    ASSERT_EQ(shown, (std::vector<std::string>{uids_[0], uids_[2]})); // Chen's 30 and 10 shots, most first
    // The order in which `uids` first appear in `body`, of those that do.
    auto order = [](const std::string& body, const std::vector<std::string>& uids) {
        std::vector<std::pair<std::size_t, std::string>> at;
        for (const auto& u : uids)
            if (const auto p = body.find(u); p != std::string::npos) at.emplace_back(p, u);
        std::sort(at.begin(), at.end());
        std::vector<std::string> out;
        for (const auto& [p, u] : at) out.push_back(u);
        return out;
    };
    const auto csv = admin_.get("/api/export/studies.csv?" + view);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(order(csv.body, uids_), shown) << csv.body;
    const auto ascending = admin_.get("/api/export/studies.csv?operator=Chen&sort=shots&order=asc");
    EXPECT_EQ(order(ascending.body, uids_), (std::vector<std::string>{uids_[2], uids_[0]}));
    // Flags: Wang's flagged study (40 shots) is not on the page, so not in its flags.
    const auto flags = admin_.get("/api/export/flags.csv?" + view);
    ASSERT_EQ(flags.status, 200);
    EXPECT_EQ(order(flags.body, uids_), (std::vector<std::string>{uids_[0]})) << flags.body;
    const auto wang = admin_.get("/api/export/flags.csv?operator=Wang");
    EXPECT_EQ(order(wang.body, uids_), (std::vector<std::string>{uids_[1]})) << wang.body;
    // The workbook's DRL audit is of the exported studies: none of another procedure.
    const std::string file = dir_->file("page.xlsx");
    auto rowsOf = [&](const std::string& query, const std::string& sheet) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << admin_.get("/api/export/studies.xlsx?" + query).body;
        const std::string xml = test::run("unzip -p " + quote(file) + " xl/worksheets/" + sheet + ".xml").out;
        int n = 0;
        for (std::size_t at = 0; (at = xml.find("<row ", at)) != std::string::npos; ++at) ++n;
        return n;
    };
    // Columns the page hides are left out of the studies' export.
    const auto hidden = admin_.get("/api/export/studies.csv?format=machine&hide=psd_mgy,flags&" + view);
    const std::string header = hidden.body.substr(0, hidden.body.find("\r\n"));
    EXPECT_EQ(header.find("psd_mgy"), std::string::npos) << header;
    EXPECT_EQ(header.find("review_states"), std::string::npos) << header;
    EXPECT_NE(header.find(",dap_gycm2,kar_mgy,missing_dose_data,warnings,kar_a_mgy"), std::string::npos) << header;
    EXPECT_EQ(order(hidden.body, uids_), shown);
    EXPECT_EQ(admin_.get("/api/export/studies.csv?hide=colour").status, 400);
    EXPECT_EQ(rowsOf("procedure=vertebroplasty", "sheet1"), 1);
    EXPECT_EQ(rowsOf("procedure=vertebroplasty", "sheet3"), 1); // the header alone
    EXPECT_GT(rowsOf("procedure=root-prf", "sheet3"), 1);
}

TEST_F(WebApi, HealthAndMetricsAnswerAnyoneEverythingElseRefusesAnAnonymousCaller) {
    const auto health = anonymous().get("/api/health");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_EQ(health.object()->getValue<std::string>("status"), "ok");
    EXPECT_EQ(health.body.find("Zhang"), std::string::npos);
    const auto metrics = anonymous().get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.contentType.find("text/plain"), std::string::npos);
    EXPECT_NE(metrics.body.find("fluoroaudit_flags{kind=\"above-reference\"} 3"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("fluoroaudit_flags{kind=\"investigation\"} 3"), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find("fluoroaudit_objects_received_total 0"), std::string::npos);
    EXPECT_NE(metrics.body.find("fluoroaudit_quarantine_objects 0"), std::string::npos);

    const std::vector<std::pair<std::string, std::string>> routes{
        {"GET", "/api/session"}, {"POST", "/api/logout"}, {"GET", "/api/studies"}, {"GET", "/api/studies/" + uids_[0]},
        {"POST", "/api/studies/" + uids_[0] + "/reviews"}, {"GET", "/api/flags"}, {"GET", "/api/levels"},
        {"PUT", "/api/levels"}, {"GET", "/api/levels/history"}, {"GET", "/api/levels/history/1"},
        {"POST", "/api/levels/restore"}, {"GET", "/api/stats"}, {"GET", "/api/stats/monthly"},
        {"GET", "/api/export/studies.csv"}, {"GET", "/api/export/flags.csv"}, {"GET", "/api/devices"},
        {"GET", "/api/audit-runs"}, {"GET", "/api/audit-runs/1"}, {"GET", "/api/users"}, {"POST", "/api/users"},
        {"PATCH", "/api/users/olga"}, {"GET", "/api/audit-trail"}, {"GET", "/api/settings"},
        {"GET", "/api/staff"}, {"GET", "/api/staff/rates"}, {"PUT", "/api/staff/rates"}, {"GET", "/api/staff/profiles"},
        {"PUT", "/api/staff/profiles"}};
    for (const auto& [method, path] : routes) {
        const auto r = anonymous().call(method, path, method == "GET" ? "" : "{}");
        EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.body;
        EXPECT_EQ(r.error(), "log in first (POST /api/login)") << method << " " << path;
    }
    const auto unknown = admin_.get("/api/nothing-here");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.error().find("no such API route: GET /api/nothing-here"), std::string::npos);
}

TEST_F(WebApi, EachRoleReadsWhatItMayAndIsRefusedTheRest) {
    // GET routes: the lowest role that may read them.
    const std::vector<std::pair<std::string, std::string>> reads{
        {"/api/session", "viewer"},          {"/api/studies", "viewer"},
        {"/api/studies/" + uids_[0], "viewer"}, {"/api/flags", "viewer"},
        {"/api/levels", "viewer"},           {"/api/levels/history", "viewer"},
        {"/api/levels/history/1", "viewer"}, {"/api/stats", "viewer"},
        {"/api/stats/monthly", "viewer"},    {"/api/export/studies.csv", "viewer"},
        {"/api/export/flags.csv", "viewer"}, {"/api/devices", "viewer"},
        {"/api/audit-runs", "viewer"},       {"/api/audit-runs/1", "viewer"},
        {"/api/users", "admin"},             {"/api/audit-trail", "admin"},
        {"/api/settings", "admin"},             {"/api/staff", "viewer"},
        {"/api/staff/rates", "viewer"},      {"/api/staff/profiles", "viewer"}};
    const std::vector<std::pair<std::string, const Client*>> roles{
        {"viewer", &viewer_}, {"reviewer", &reviewer_}, {"admin", &admin_}};
    const std::map<std::string, int> rank{{"viewer", 1}, {"reviewer", 2}, {"admin", 3}};
    for (const auto& [path, needed] : reads)
        for (const auto& [role, client] : roles) {
            const auto r = client->get(path);
            EXPECT_EQ(r.status, rank.at(role) >= rank.at(needed) ? 200 : 403) << role << " GET " << path << ": " << r.body;
        }
    // Changes: refused below their role (before anything is looked at).
    const std::vector<std::tuple<std::string, std::string, std::string>> changes{
        {"POST", "/api/studies/" + uids_[2] + "/reviews", "reviewer"}, {"PUT", "/api/levels", "reviewer"},
        {"POST", "/api/levels/restore", "reviewer"},                    {"POST", "/api/users", "admin"},
        {"PATCH", "/api/users/olga", "admin"}, {"PUT", "/api/staff/rates", "reviewer"},
        {"PUT", "/api/staff/profiles", "reviewer"}};
    for (const auto& [method, path, needed] : changes)
        for (const auto& [role, client] : roles) {
            if (rank.at(role) >= rank.at(needed)) continue;
            const auto r = client->call(method, path, "{}");
            EXPECT_EQ(r.status, 403) << role << " " << method << " " << path;
            EXPECT_EQ(r.error(), "this needs the " + needed + " role; " + client->get("/api/session").object()->getValue<std::string>("username") + " is " + role);
        }
}

TEST_F(WebApi, LoginSetsAStrictHttpOnlyCookieAndAWrongPasswordIsRefused) {
    Client c = anonymous();
    const auto wrong = c.call("POST", "/api/login", "{\"username\":\"olga\",\"password\":\"not-her-password\"}");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.error(), "wrong user name or password");
    EXPECT_TRUE(wrong.setCookie.empty());
    const auto nobody = c.call("POST", "/api/login", "{\"username\":\"nobody\",\"password\":\"whatever-it-is\"}");
    EXPECT_EQ(nobody.status, 401);
    EXPECT_EQ(nobody.error(), "wrong user name or password");
    const auto malformed = c.call("POST", "/api/login", "{\"username\":\"olga\"");
    EXPECT_EQ(malformed.status, 400);
    EXPECT_NE(malformed.error().find("not valid JSON"), std::string::npos);

    const auto ok = c.call("POST", "/api/login", "{\"username\":\"olga\",\"password\":\"olga-password-1\"}");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_NE(ok.setCookie.find("HttpOnly"), std::string::npos) << ok.setCookie;
    EXPECT_NE(ok.setCookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(ok.setCookie.find("Secure"), std::string::npos) << "not over plain HTTP";
    EXPECT_EQ(ok.object()->getValue<std::string>("role"), "viewer");
    Client olga = login("olga");
    EXPECT_EQ(olga.get("/api/session").object()->getValue<std::string>("username"), "olga");
    // Logging out needs the CSRF token too, and ends the session.
    EXPECT_EQ(olga.call("POST", "/api/logout", "", false).status, 403);
    EXPECT_EQ(olga.call("POST", "/api/logout").status, 204);
    const auto after = olga.get("/api/studies");
    EXPECT_EQ(after.status, 401);
    EXPECT_NE(after.error().find("the session has ended"), std::string::npos);
}

TEST_F(WebApi, ViewersReadWithoutPatientIdentifiersAndCannotChangeAnything) {
    const auto list = viewer_.get("/api/studies");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(list.object()->getValue<int>("total"), 3);
    EXPECT_EQ(list.body.find("Zhang"), std::string::npos);
    EXPECT_EQ(list.body.find("PID-"), std::string::npos);
    const auto one = viewer_.get("/api/studies/" + uids_[0]);
    ASSERT_EQ(one.status, 200);
    EXPECT_TRUE(one.object()->isNull("patient_name"));
    EXPECT_EQ(one.body.find("Zhang"), std::string::npos);
    const auto csv = viewer_.get("/api/export/studies.csv");
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.body.find("Zhang"), std::string::npos);
    EXPECT_EQ(csv.body.find("patient_name"), std::string::npos);

    const auto review = viewer_.call("POST", "/api/studies/" + uids_[0] + "/reviews",
                                     "{\"kind\":\"above-reference\",\"metric\":\"shots\",\"state\":\"acknowledged\"}");
    EXPECT_EQ(review.status, 403);
    EXPECT_EQ(review.error(), "this needs the reviewer role; victor is viewer");
    EXPECT_EQ(viewer_.call("PUT", "/api/levels", "{\"csv\":\"x\"}").status, 403);
    EXPECT_EQ(viewer_.call("POST", "/api/levels/restore", "{\"version\":1}").status, 403);
    for (const char* path : {"/api/users", "/api/audit-trail", "/api/settings"}) {
        const auto r = viewer_.get(path);
        EXPECT_EQ(r.status, 403) << path;
        EXPECT_EQ(r.error(), "this needs the admin role; victor is viewer") << path;
    }
    EXPECT_EQ(viewer_.call("POST", "/api/users", "{\"username\":\"x\",\"role\":\"admin\",\"password\":\"0123456789\"}").status,
              403);
    EXPECT_EQ(viewer_.call("PATCH", "/api/users/victor", "{\"role\":\"admin\"}").status, 403);
}

TEST_F(WebApi, StudiesFilterSortAndPage) {
    const auto flagged = reviewer_.get("/api/studies?flagged=true&sort=shots&order=desc");
    ASSERT_EQ(flagged.status, 200) << flagged.body;
    auto studies = flagged.object()->getArray("studies");
    ASSERT_EQ(studies->size(), 2u);
    EXPECT_EQ(studies->getObject(0)->getValue<std::string>("study_uid"), uids_[1]); // 40 shots first
    EXPECT_EQ(studies->getObject(0)->getValue<std::string>("patient_name"), "Zhang^Wei"); // reviewers see it
    const auto investigation = reviewer_.get("/api/studies?flag_kind=investigation");
    EXPECT_EQ(investigation.object()->getValue<int>("total"), 1);
    const auto byOperator = reviewer_.get("/api/studies?operator=wang");
    ASSERT_EQ(byOperator.object()->getValue<int>("total"), 1) << byOperator.body;
    EXPECT_EQ(byOperator.object()->getArray("studies")->getObject(0)->getValue<std::string>("operators"), "Wang Li");
    const auto newest = reviewer_.get("/api/studies?sort=date&order=desc").object()->getArray("studies");
    ASSERT_EQ(newest->size(), 3u);
    EXPECT_EQ(newest->getObject(0)->getValue<std::string>("study_uid"), uids_[2]);
    EXPECT_EQ(newest->getObject(2)->getValue<std::string>("study_uid"), uids_[0]);
    const auto page = reviewer_.get("/api/studies?page_size=2&page=2&sort=date");
    EXPECT_EQ(page.object()->getValue<int>("total"), 3);
    ASSERT_EQ(page.object()->getArray("studies")->size(), 1u);
    EXPECT_EQ(page.object()->getArray("studies")->getObject(0)->getValue<std::string>("study_uid"), uids_[2]);
    const auto dates = reviewer_.get("/api/studies?from=2026-11-21&to=2026-11-22&device=CARM1&procedure=root-prf");
    EXPECT_EQ(dates.object()->getValue<int>("total"), 2);
    const auto badDate = reviewer_.get("/api/studies?from=21.11.2026");
    EXPECT_EQ(badDate.status, 400);
    EXPECT_EQ(badDate.error(), "'from' must be a date YYYY-MM-DD, not '21.11.2026'");
    const auto badSort = reviewer_.get("/api/studies?sort=patient");
    EXPECT_EQ(badSort.status, 400);
    const auto missing = reviewer_.get("/api/studies/1.2.3.4");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.error(), "no study 1.2.3.4");
    const auto flags = viewer_.get("/api/flags?kind=investigation");
    ASSERT_EQ(flags.array()->size(), 3u);
    EXPECT_EQ(flags.array()->getObject(0)->getValue<std::string>("study_uid"), uids_[1]);
    const auto flagCsv = viewer_.get("/api/export/flags.csv?format=machine");
    EXPECT_EQ(flagCsv.status, 200);
    EXPECT_NE(flagCsv.disposition.find("fluoroaudit-flags.csv"), std::string::npos);
    EXPECT_NE(flagCsv.body.find(uids_[1] + ",root-prf,investigation,shots,40,36,"), std::string::npos) << flagCsv.body;
}

TEST_F(WebApi, AReviewNeedsTheCsrfTokenAndIsKeptWithItsHistory) {
    const std::string path = "/api/studies/" + uids_[0] + "/reviews";
    const std::string body = "{\"kind\":\"above-reference\",\"metric\":\"shots\",\"state\":\"justified\",\"comment\":\"obese patient\"}";
    const auto noToken = reviewer_.call("POST", path, body, false);
    EXPECT_EQ(noToken.status, 403);
    EXPECT_EQ(noToken.error(), "missing or wrong X-CSRF-Token header (reload the page)");
    Client forged = reviewer_;
    forged.csrf = admin_.csrf;
    EXPECT_EQ(forged.call("POST", path, body).status, 403);

    const auto badState = reviewer_.call("POST", path, "{\"kind\":\"above-reference\",\"metric\":\"shots\",\"state\":\"fine\"}");
    EXPECT_EQ(badState.status, 400);
    EXPECT_EQ(badState.error(), "'state' is one of acknowledged, justified, action-required");
    const auto noComment =
        reviewer_.call("POST", path, "{\"kind\":\"above-reference\",\"metric\":\"shots\",\"state\":\"justified\"}");
    EXPECT_EQ(noComment.status, 400);
    EXPECT_EQ(noComment.error(), "a comment is needed to mark a flag justified");
    const auto noFlag = reviewer_.call("POST", path, "{\"kind\":\"substantial\",\"metric\":\"kar_mgy\",\"state\":\"acknowledged\"}");
    EXPECT_EQ(noFlag.status, 404);
    EXPECT_EQ(noFlag.error(), "study " + uids_[0] + " has no substantial dose flag for Ka,r");

    const auto ok = reviewer_.call("POST", path, body);
    ASSERT_EQ(ok.status, 200) << ok.body;
    const auto study = viewer_.get("/api/studies/" + uids_[0]).object();
    auto flags = study->getArray("flags");
    bool found = false;
    for (std::size_t i = 0; i < flags->size(); ++i) {
        auto f = flags->getObject(static_cast<unsigned>(i));
        if (f->getValue<std::string>("metric") == "shots") {
            EXPECT_EQ(f->getValue<std::string>("review_state"), "justified");
            found = true;
        } else {
            EXPECT_EQ(f->getValue<std::string>("review_state"), "unreviewed");
        }
    }
    EXPECT_TRUE(found);
    auto reviews = study->getArray("reviews");
    ASSERT_EQ(reviews->size(), 1u);
    EXPECT_EQ(reviews->getObject(0)->getValue<std::string>("username"), "rita");
    EXPECT_EQ(reviews->getObject(0)->getValue<std::string>("comment"), "obese patient");
    const auto unreviewed = viewer_.get("/api/studies?review_state=justified");
    EXPECT_EQ(unreviewed.object()->getValue<int>("total"), 1);

    const auto trail = admin_.get("/api/audit-trail").array();
    bool logged = false;
    for (std::size_t i = 0; i < trail->size(); ++i) {
        auto t = trail->getObject(static_cast<unsigned>(i));
        if (t->getValue<std::string>("action") == "review" && t->getValue<std::string>("username") == "rita" &&
            t->getValue<std::string>("detail") == uids_[0] + " shots above reference level: justified — obese patient")
            logged = true;
    }
    EXPECT_TRUE(logged) << admin_.get("/api/audit-trail").body;
}

// Before a table is activated its effect is shown; nothing changes until it is.
TEST_F(WebApi, ATablesEffectIsPreviewedWithoutActivatingIt) {
    const auto active = reviewer_.get("/api/levels");
    ASSERT_EQ(active.status, 200);
    const int version = active.object()->getValue<int>("version");
    std::string csv = active.object()->getValue<std::string>("csv");
    const auto at = csv.find("root-prf,");
    ASSERT_NE(at, std::string::npos) << csv;
    // Shots level 100 instead of 18: the studies of 30 and 40 shots lose their flags.
    csv.replace(at, csv.find('\n', at) - at,
                "root-prf,Spinal nerve root pulsed RF,pulsed radio ?frequency|pulsed RF,,100,14,14,,");
    Poco::JSON::Object body;
    body.set("csv", csv);
    std::ostringstream text;
    body.stringify(text);
    const auto preview = reviewer_.call("POST", "/api/levels/preview", text.str());
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(preview.object()->getValue<int>("studies"), 3);
    EXPECT_EQ(preview.object()->getValue<int>("lose_flags"), 2);
    EXPECT_EQ(preview.object()->getValue<int>("gain_flags"), 0);
    EXPECT_EQ(preview.object()->getValue<int>("reclassified"), 0);
    EXPECT_FALSE(preview.object()->getValue<bool>("unchanged"));
    EXPECT_EQ(reviewer_.get("/api/levels").object()->getValue<int>("version"), version); // nothing activated

    const auto same = reviewer_.call("POST", "/api/levels/preview", "{\"version\":" + std::to_string(version) + "}");
    ASSERT_EQ(same.status, 200) << same.body;
    EXPECT_TRUE(same.object()->getValue<bool>("unchanged"));
    const auto broken = reviewer_.call("POST", "/api/levels/preview", "{\"csv\":\"procedure_id,name\\nx\"}");
    EXPECT_EQ(broken.status, 422);
    EXPECT_EQ(viewer_.call("POST", "/api/levels/preview", text.str()).status, 403);
}

TEST_F(WebApi, TheReferenceTableIsValidatedReplacedAndRestoredWithWhoAndWhen) {
    const auto active = viewer_.get("/api/levels").object();
    const int version = active->getValue<int>("version");
    const std::string csv = active->getValue<std::string>("csv");
    EXPECT_GT(active->getArray("rows")->size(), 5u);

    Object bad;
    bad.set("csv", "procedure_id,name,match,device,shots\nroot-prf,Root,nerve root,,-3\n");
    std::ostringstream badBody;
    bad.stringify(badBody);
    const auto refused = reviewer_.call("PUT", "/api/levels", badBody.str());
    ASSERT_EQ(refused.status, 422) << refused.body;
    const auto problem = refused.object()->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<int>("line"), 2);
    EXPECT_EQ(problem->getValue<std::string>("column"), "shots");
    EXPECT_EQ(viewer_.get("/api/levels").object()->getValue<int>("version"), version);

    Object good; // the active table with one procedure more
    good.set("csv", csv + (csv.empty() || csv.back() == '\n' ? "" : "\n") +
                        "kyphoplasty,Kyphoplasty,kyphoplast,,40,30,30,,\n");
    good.set("file_name", "department.csv");
    std::ostringstream goodBody;
    good.stringify(goodBody);
    const auto replaced = reviewer_.call("PUT", "/api/levels", goodBody.str());
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(replaced.object()->getValue<int>("version"), version + 1);
    EXPECT_FALSE(replaced.object()->getValue<bool>("unchanged"));
    // Saved again as it is: no new version.
    const auto same = reviewer_.call("PUT", "/api/levels", goodBody.str());
    ASSERT_EQ(same.status, 200) << same.body;
    EXPECT_EQ(same.object()->getValue<int>("version"), version + 1);
    EXPECT_TRUE(same.object()->getValue<bool>("unchanged"));
    EXPECT_EQ(viewer_.get("/api/levels/history").array()->size(), static_cast<std::size_t>(version + 1));
    const auto history = viewer_.get("/api/levels/history").array();
    ASSERT_GE(history->size(), 2u);
    bool who = false;
    for (std::size_t i = 0; i < history->size(); ++i)
        if (history->getObject(static_cast<unsigned>(i))->getValue<std::string>("source") == "uploaded department.csv by rita")
            who = !history->getObject(static_cast<unsigned>(i))->getValue<std::string>("activated_at").empty();
    EXPECT_TRUE(who) << viewer_.get("/api/levels/history").body;
    EXPECT_EQ(viewer_.get("/api/levels/history/1").object()->getValue<int>("version"), 1);
    EXPECT_EQ(viewer_.get("/api/levels/history/99").status, 404);
    const auto restored = admin_.call("POST", "/api/levels/restore", "{\"version\":1}");
    ASSERT_EQ(restored.status, 200) << restored.body;
    EXPECT_EQ(restored.object()->getValue<int>("version"), version + 2);
    EXPECT_NE(viewer_.get("/api/levels").object()->getValue<std::string>("source").find("version 1 restored by alice"),
              std::string::npos);
}

TEST_F(WebApi, AnAuditRunsReportOpensFromTheApi) {
    const auto runs = viewer_.get("/api/audit-runs");
    ASSERT_EQ(runs.status, 200);
    ASSERT_GT(runs.array()->size(), 0u);
    const auto id = std::to_string(runs.array()->getObject(0)->getValue<int>("id"));
    const auto report = viewer_.get("/api/audit-runs/" + id + "/report");
    ASSERT_EQ(report.status, 200) << report.body;
    EXPECT_EQ(report.contentType, "text/html; charset=utf-8");
    EXPECT_NE(report.body.find("<h2 id=\"drl\">DRL audit (ICRP 135) of the period</h2>"), std::string::npos);
    // The same run's page in Chinese for a Chinese reader (the UI's link names its language).
    const auto chinese = viewer_.get("/api/audit-runs/" + id + "/report?lang=zh");
    ASSERT_EQ(chinese.status, 200);
    EXPECT_NE(chinese.body.find("<html lang=\"zh-CN\">"), std::string::npos) << chinese.body.substr(0, 300);
    EXPECT_EQ(chinese.body.find("DRL audit (ICRP 135) of the period"), std::string::npos);
    EXPECT_EQ(viewer_.get("/api/audit-runs/99999/report").status, 404);
    EXPECT_EQ(anonymous().get("/api/audit-runs/" + id + "/report").status, 401);
}

TEST_F(WebApi, StatisticsDevicesAndAuditRuns) {
    const auto stats = viewer_.get("/api/stats").array();
    bool shots = false;
    for (std::size_t i = 0; i < stats->size(); ++i) {
        auto r = stats->getObject(static_cast<unsigned>(i));
        if (r->getValue<std::string>("procedure_id") == "root-prf" && r->getValue<std::string>("metric") == "shots") {
            shots = true;
            EXPECT_EQ(r->getValue<int>("n"), 3);
            EXPECT_EQ(r->getValue<double>("median"), 30);
            EXPECT_EQ(r->getArray("values")->size(), 3u);
        }
    }
    EXPECT_TRUE(shots) << viewer_.get("/api/stats").body;
    const auto monthly = viewer_.get("/api/stats/monthly").array();
    ASSERT_GT(monthly->size(), 0u);
    EXPECT_EQ(monthly->getObject(0)->getValue<std::string>("month"), "2026-11");
    const auto devices = viewer_.get("/api/devices").array();
    ASSERT_EQ(devices->size(), 1u);
    EXPECT_EQ(devices->getObject(0)->getValue<std::string>("device"), "CARM1");
    EXPECT_EQ(devices->getObject(0)->getValue<int>("studies"), 3);
    EXPECT_FALSE(devices->getObject(0)->getValue<std::string>("last_object_at").empty());
    const auto runs = viewer_.get("/api/audit-runs").array();
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_EQ(runs->getObject(0)->getValue<std::string>("outcome"), "ok");
    const auto run = viewer_.get("/api/audit-runs/1");
    EXPECT_EQ(run.status, 200);
    EXPECT_TRUE(run.object()->has("findings"));
    EXPECT_EQ(viewer_.get("/api/audit-runs/7").status, 404);
}

TEST_F(WebApi, AdminsManageUsersAndADisabledUserIsLoggedOut) {
    const auto weak = admin_.call("POST", "/api/users", "{\"username\":\"peter\",\"role\":\"viewer\",\"password\":\"short\"}");
    EXPECT_EQ(weak.status, 400);
    EXPECT_EQ(weak.error(), "a password has at least 10 characters");
    const auto badRole = admin_.call("POST", "/api/users", "{\"username\":\"peter\",\"role\":\"boss\",\"password\":\"peter-password-1\"}");
    EXPECT_EQ(badRole.status, 400);
    const auto added = admin_.call("POST", "/api/users", "{\"username\":\"peter\",\"role\":\"viewer\",\"password\":\"peter-password-1\"}");
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.body.find("password"), std::string::npos);
    const auto again = admin_.call("POST", "/api/users", "{\"username\":\"peter\",\"role\":\"viewer\",\"password\":\"peter-password-1\"}");
    EXPECT_EQ(again.status, 409);
    Client peter = login("peter");
    EXPECT_EQ(peter.get("/api/users").status, 403);
    ASSERT_EQ(admin_.call("PATCH", "/api/users/peter", "{\"role\":\"reviewer\"}").status, 200);
    EXPECT_EQ(peter.get("/api/session").object()->getValue<std::string>("role"), "reviewer");
    ASSERT_EQ(admin_.call("PATCH", "/api/users/peter", "{\"disabled\":true}").status, 200);
    EXPECT_EQ(peter.get("/api/studies").status, 401);
    const auto refused = anonymous().call("POST", "/api/login", "{\"username\":\"peter\",\"password\":\"peter-password-1\"}");
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(admin_.call("PATCH", "/api/users/alice", "{\"role\":\"viewer\"}").status, 400);
    EXPECT_EQ(admin_.call("PATCH", "/api/users/nobody", "{\"role\":\"viewer\"}").status, 404);
    const auto users = admin_.get("/api/users");
    EXPECT_EQ(users.status, 200);
    EXPECT_EQ(users.body.find("pbkdf2"), std::string::npos);
    const auto settings = admin_.get("/api/settings");
    EXPECT_EQ(settings.status, 200);
    EXPECT_EQ(settings.object()->getValue<int>("session_idle_minutes"), 30);

    EXPECT_EQ(anonymous().call("POST", "/api/login", "{\"username\":\"alice\",\"password\":\"wrong-password\"}").status, 401);
    EXPECT_EQ(viewer_.get("/api/export/flags.csv").status, 200);
    const std::string trail = admin_.get("/api/audit-trail?page_size=1000").body;
    EXPECT_NE(trail.find("\"action\":\"levels-replace\",\"detail\":\"version 2 (imported from"), std::string::npos)
        << "a table imported on the command line is in the trail too";
    EXPECT_NE(trail.find("\"username\":\"(command line"), std::string::npos);
    for (const char* action : {"\"login\"", "\"login-failed\"", "\"user-add\"", "\"user-change\"", "\"export\""})
        EXPECT_NE(trail.find(std::string("\"action\":") + action), std::string::npos) << action;
}

TEST(WebApiThrottle, RepeatedFailedLoginsAreThrottled) {
    test::TempDir dir;
    const std::string fa = test::command(FA_BINARY, dir.file("data")) + " ";
    ASSERT_EQ(test::run("echo mallory-password-1 | " + fa + "user add mallory --role viewer").exitCode, 0);
    const int http = test::freePort();
    test::ServiceProcess service(FA_BINARY, dir.file("data"), test::freePort(), "", http);
    Client c;
    c.port = http;
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(c.call("POST", "/api/login", "{\"username\":\"mallory\",\"password\":\"guess-" + std::to_string(i) + "\"}")
                      .status,
                  401);
    const auto blocked = c.call("POST", "/api/login", "{\"username\":\"mallory\",\"password\":\"mallory-password-1\"}");
    EXPECT_EQ(blocked.status, 429) << blocked.body;
    // 30 s from the fifth attempt, which counted from the moment it was admitted: checking its
    // password (600,000 PBKDF2 iterations, slower still under the sanitizers) has used some of them.
    const int wait = std::atoi(blocked.retryAfter.c_str());
    EXPECT_GE(wait, 20) << blocked.retryAfter;
    EXPECT_LE(wait, 30) << blocked.retryAfter;
    EXPECT_EQ(blocked.error(), "too many failed logins: try again in " + blocked.retryAfter + " s");
}

TEST(WebApiHttps, WithACertificateItServesHttpsAndTheCookieIsSecure) {
    test::TempDir dir;
    const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem"), config = dir.file("fa.ini");
    ASSERT_EQ(test::run("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout " + quote(key) +
                        " -out " + quote(cert))
                  .exitCode,
              0);
    std::ofstream(config) << "[http]\ncertificate = " << cert << "\nprivate_key = " << key << "\n";
    const std::string fa = test::command(FA_BINARY, dir.file("data")) + " --config " + quote(config) + " ";
    ASSERT_EQ(test::run("echo tls-user-password | " + fa + "user add tls --role viewer").exitCode, 0);
    const int http = test::freePort();
    test::ServiceProcess service(FA_BINARY, dir.file("data"), test::freePort(), config, http);

    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", cert,
                                                             Poco::Net::Context::VERIFY_RELAXED, 9, false);
    Poco::Net::HTTPSClientSession session("localhost", static_cast<Poco::UInt16>(http), context);
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/api/login", Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string body = "{\"username\":\"tls\",\"password\":\"tls-user-password\"}";
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), answer);
    EXPECT_EQ(resp.getStatus(), 200) << answer;
    EXPECT_NE(resp.get("Set-Cookie", "").find("; Secure"), std::string::npos) << resp.get("Set-Cookie", "");

    // Plain HTTP on that port is not answered as HTTP.
    Client plain;
    plain.port = http;
    EXPECT_ANY_THROW(plain.get("/api/health"));
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// Several studies at once: every open flag of each, after every study was found.
TEST_F(WebApi, EveryOpenFlagOfSeveralStudiesIsReviewedAtOnce) {
    const std::string both = "[\"" + uids_[0] + "\",\"" + uids_[1] + "\"]";
    const auto noComment = reviewer_.call("POST", "/api/reviews", "{\"study_uids\":" + both + ",\"state\":\"justified\"}");
    EXPECT_EQ(noComment.status, 400);
    EXPECT_EQ(noComment.error(), "a comment is needed to mark flags justified");
    const auto unknown = reviewer_.call("POST", "/api/reviews",
                                        "{\"study_uids\":[\"" + uids_[1] + "\",\"9.9.9\"],\"state\":\"acknowledged\"}");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.error(), "no study 9.9.9");
    EXPECT_NE(reviewer_.get("/api/studies/" + uids_[1]).body.find("\"unreviewed\""), std::string::npos)
        << "nothing was reviewed when one study was unknown";
    EXPECT_EQ(viewer_.call("POST", "/api/reviews", "{\"study_uids\":" + both + ",\"state\":\"acknowledged\"}").status, 403);

    const auto done = reviewer_.call("POST", "/api/reviews",
                                     "{\"study_uids\":" + both + ",\"state\":\"justified\",\"comment\":\"complex cases\"}");
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.object()->getValue<int>("studies"), 2);
    EXPECT_GE(done.object()->getValue<int>("flags"), 2);
    for (const auto& uid : {uids_[0], uids_[1]}) {
        const auto study = reviewer_.get("/api/studies/" + uid).body;
        EXPECT_EQ(study.find("\"unreviewed\""), std::string::npos) << study;
        EXPECT_NE(study.find("complex cases"), std::string::npos) << study;
    }
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A study is found by the beginning of its UID or its accession number, and by its patient for
// roles that may see patients.
TEST_F(WebApi, StudiesAreFoundByUidAccessionOrPatient) {
    const auto byUid = viewer_.get("/api/studies?q=" + uids_[2]);
    ASSERT_EQ(byUid.status, 200);
    EXPECT_EQ(byUid.object()->getValue<int>("total"), 1);
    EXPECT_EQ(byUid.object()->getArray("studies")->getObject(0)->getValue<std::string>("study_uid"), uids_[2]);
    EXPECT_EQ(viewer_.get("/api/studies?q=9.9.9").object()->getValue<int>("total"), 0);
    EXPECT_EQ(viewer_.get("/api/studies?q=%25").object()->getValue<int>("total"), 0); // % is no wildcard
    const auto byPatient = reviewer_.get("/api/studies?patient_id=PID-1");
    ASSERT_EQ(byPatient.status, 200);
    EXPECT_EQ(byPatient.object()->getValue<int>("total"), 1);
    EXPECT_EQ(byPatient.object()->getArray("studies")->getObject(0)->getValue<std::string>("study_uid"), uids_[1]);
    const auto refused = viewer_.get("/api/studies?patient_id=PID-1");
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.error(), "searching by patient ID needs the reviewer role");
}


TEST_F(WebApi, ServerMessagesFollowTheCallersLanguage) {
    Client anon = anonymous();
    anon.language = "zh-CN,zh;q=0.9,en;q=0.8";
    const auto wrong = anon.call("POST", "/api/login", "{\"username\":\"olga\",\"password\":\"not-her-password\"}");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.error(), "用户名或密码错误");
    EXPECT_EQ(wrong.code(), "login.wrong");
    EXPECT_EQ(anon.get("/api/studies").error(), "请先登录（POST /api/login）");
    anon.language = "en-GB,en;q=0.9";
    EXPECT_EQ(anon.get("/api/studies").error(), "log in first (POST /api/login)");

    Client rita = reviewer_, victor = viewer_;
    rita.language = victor.language = "zh";
    const auto refused = rita.call("PUT", "/api/levels", "{\"csv\":\"procedure_id,name,match,device,shots\\nroot-prf,Root,nerve root,,-3\\n\"}");
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.error(), "该表有 1 处问题；生效的表未改变");
    const auto problem = refused.object()->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<std::string>("message"), "第 2 行，“shots”列：“-3”是负数");
    EXPECT_EQ(problem->getValue<std::string>("code"), "table.negative");
    const auto preview = rita.call("POST", "/api/levels/preview", "{\"csv\":\"procedure_id,match\\np1,(a+)+$\\n\"}");
    ASSERT_EQ(preview.status, 422) << preview.body;
    EXPECT_EQ(preview.object()->getArray("problems")->getObject(0)->getValue<std::string>("message"),
              "第 2 行，“match”列：“(a+)+$”在较长的描述上计算量过大（重复中套重复，如 (a+)+）：请改写为不含这种结构的表达式");

    const std::string path = "/api/studies/" + uids_[1] + "/reviews";
    const std::string before = viewer_.get("/api/studies/" + uids_[1]).body;
    const auto noComment = rita.call("POST", path, "{\"kind\":\"above-reference\",\"metric\":\"shots\",\"state\":\"justified\"}");
    EXPECT_EQ(noComment.status, 400);
    EXPECT_EQ(noComment.error(), "将标记设为“合理”需要填写说明");
    const auto noFlag = rita.call("POST", path, "{\"kind\":\"substantial\",\"metric\":\"kar_mgy\",\"state\":\"acknowledged\"}");
    EXPECT_EQ(noFlag.status, 404);
    EXPECT_EQ(noFlag.error(), "检查 " + uids_[1] + " 没有 Ka,r 的“大剂量”标记");
    EXPECT_EQ(rita.get("/api/studies/1.2.3").error(), "没有检查 1.2.3");
    EXPECT_EQ(rita.get("/api/studies?from=2026-13").error(), "“from”必须是 YYYY-MM-DD 格式的日期，而不是“2026-13”");
    const auto notAllowed = victor.call("PUT", "/api/levels", "{\"csv\":\"x\"}");
    EXPECT_EQ(notAllowed.status, 403);
    EXPECT_EQ(notAllowed.error(), "此操作需要“审核员”角色；victor 的角色是“查看者”");
    EXPECT_EQ(viewer_.get("/api/studies/" + uids_[1]).body, before) << "a refusal changed nothing";
}

// A Chinese reader gets every text the server writes in Chinese: data-quality warnings (in the list
// and on the study), the audit trail's details, the exports' headers, sheets and enumerations; a
// script asks for the machine form and gets the same as before.
TEST_F(WebApi, AChineseReaderGetsWarningsTrailAndExportsInChinese) {
    Client rita = reviewer_, alice = admin_;
    rita.language = alice.language = "zh-CN,zh;q=0.9,en;q=0.8";
    auto warningOf = [](const Poco::JSON::Object::Ptr& study) {
        const auto list = study->getArray("warnings");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto w = list->getObject(static_cast<unsigned>(i));
            if (w->getValue<std::string>("code") == "template-missing") return w->getValue<std::string>("message");
        }
        return std::string("(no template-missing warning)");
    };
    EXPECT_EQ(warningOf(rita.get("/api/studies/" + uids_[2]).object()),
              "没有模板标识（TID 10001）；按其根概念“X 射线辐射剂量报告”读取");
    EXPECT_EQ(warningOf(reviewer_.get("/api/studies/" + uids_[2]).object()),
              "no template identifier (TID 10001); read by its root concept X-Ray Radiation Dose Report");
    const auto listed = rita.get("/api/studies?from=2026-11-22&to=2026-11-22&flagged=false");
    ASSERT_EQ(listed.object()->getArray("studies")->size(), 1u) << listed.body;
    EXPECT_EQ(warningOf(listed.object()->getArray("studies")->getObject(0)),
              "没有模板标识（TID 10001）；按其根概念“X 射线辐射剂量报告”读取");

    // The audit trail: who was added as what, the table imported from which file.
    const auto trail = alice.get("/api/audit-trail");
    ASSERT_EQ(trail.status, 200);
    EXPECT_NE(trail.body.find("\"detail\":\"rita，角色：审核员\""), std::string::npos) << trail.body;
    EXPECT_NE(trail.body.find("\"detail\":\"第 2 版（从 " + dir_->file("levels.csv") + " 导入）\""), std::string::npos)
        << trail.body;
    EXPECT_NE(admin_.get("/api/audit-trail").body.find("\"detail\":\"rita as reviewer\""), std::string::npos);

    // Exports: the same rows and numbers; headers, procedure names and values in the reader's language.
    const std::string view = "from=2026-11-20&to=2026-11-22&sort=date&order=asc";
    const auto people = rita.get("/api/export/studies.csv?" + view);
    ASSERT_EQ(people.status, 200) << people.body;
    EXPECT_EQ(people.body.substr(0, people.body.find("\r\n")),
              "\xEF\xBB\xBF检查日期,检查实例 UID,患者 ID,患者姓名,检查号,检查描述,手术编号,手术,设备,操作者,来源,曝光次数,"
              "透视时间（s）,曝光时间（s）,DAP（Gy·cm²）,\"Ka,r（mGy）\",峰值皮肤剂量（mGy）,标记,审核状态,缺少剂量数据,警告,"
              "\"A 平面 Ka,r（mGy）\",\"B 平面 Ka,r（mGy）\",A 平面 DAP（Gy·cm²）,B 平面 DAP（Gy·cm²）");
    EXPECT_NE(people.body.find("," + uids_[0] + ","), std::string::npos);
    EXPECT_NE(people.body.find(",辐射剂量结构化报告,30,"), std::string::npos) << people.body;
    EXPECT_NE(people.body.find("曝光次数超过参考水平"), std::string::npos) << people.body;
    EXPECT_NE(people.body.find("未审核"), std::string::npos);
    EXPECT_EQ(people.body.find("above-reference"), std::string::npos);
    const auto machine = rita.get("/api/export/studies.csv?" + view + "&format=machine");
    EXPECT_EQ(machine.body.substr(0, machine.body.find("\r\n")),
              "\xEF\xBB\xBFstudy_date,study_uid,patient_id,patient_name,accession_number,study_description,procedure_id,"
              "procedure_name,device,operators,source,shots,fluoro_time_s,exposure_time_s,dap_gycm2,kar_mgy,psd_mgy,flags,"
              "review_states,missing_dose_data,warnings,kar_a_mgy,kar_b_mgy,dap_a_gycm2,dap_b_gycm2");
    EXPECT_NE(machine.body.find(",rdsr,30,"), std::string::npos) << machine.body;
    EXPECT_NE(machine.body.find("above-reference:shots"), std::string::npos);
    // The rows are the same, in the same order, whichever form.
    auto lines = [](const std::string& body) { return std::count(body.begin(), body.end(), '\n'); };
    EXPECT_EQ(lines(people.body), lines(machine.body));
    // A download link carries the UI's language (a browser sends its own Accept-Language).
    const auto linked = reviewer_.get("/api/export/flags.csv?" + view + "&lang=zh");
    EXPECT_EQ(linked.body.substr(0, linked.body.find("\r\n")),
              "\xEF\xBB\xBF检查日期,检查实例 UID,手术编号,类别,指标,数值,水平,参考水平表版本,审核状态,标记时间");
    EXPECT_NE(linked.body.find("," + uids_[0] + ",root-prf,超过参考水平,曝光次数,30,18,"), std::string::npos) << linked.body;
    const auto english = reviewer_.get("/api/export/flags.csv?" + view);
    EXPECT_NE(english.body.find("," + uids_[0] + ",root-prf,above reference level,shots,30,18,"), std::string::npos)
        << english.body;
    const auto bad = rita.get("/api/export/studies.csv?format=xml");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.error(), "“format”只能是以下之一：machine, people");
    // The workbook: sheet names and headers in Chinese.
    const std::string file = dir_->file("zh.xlsx");
    std::ofstream(file, std::ios::binary | std::ios::trunc) << rita.get("/api/export/studies.xlsx?" + view).body;
    const std::string workbook = test::run("unzip -p " + quote(file) + " xl/workbook.xml").out;
    EXPECT_NE(workbook.find("name=\"检查\""), std::string::npos) << workbook;
    EXPECT_NE(workbook.find("name=\"事件\""), std::string::npos);
    EXPECT_NE(workbook.find("name=\"DRL 审核\""), std::string::npos);
    const std::string strings = test::run("unzip -p " + quote(file) + " xl/sharedStrings.xml").out;
    EXPECT_NE(strings.find("透视"), std::string::npos);        // the events' type
    EXPECT_NE(strings.find("中位数超过水平"), std::string::npos); // a DRL audit header
    EXPECT_NE(strings.find("仅 3 例；本地 DRL 至少需要 20 例"), std::string::npos);
}

TEST_F(WebApi, TheOverviewCountsStudiesAndOpenFlagsPerDeviceAndProcedure) {
    const auto all = viewer_.get("/api/overview");
    ASSERT_EQ(all.status, 200) << all.body;
    ASSERT_EQ(all.array()->size(), 1u) << all.body;
    const auto row = all.array()->getObject(0);
    EXPECT_EQ(row->getValue<std::string>("device"), "CARM1");
    EXPECT_EQ(row->getValue<std::string>("procedure_id"), "root-prf");
    EXPECT_EQ(row->getValue<int>("studies"), 3);
    // The same open flags as the flag list says, whatever earlier tests reviewed.
    const auto open = viewer_.get("/api/flags?review_state=unreviewed").array();
    std::set<std::string> studies;
    for (std::size_t i = 0; i < open->size(); ++i) studies.insert(open->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid"));
    EXPECT_EQ(row->getValue<std::size_t>("open_flags"), open->size());
    EXPECT_EQ(row->getValue<std::size_t>("studies_with_open_flags"), studies.size());
    // The period: studies of 2026-11-21 and later (two of three).
    const auto period = viewer_.get("/api/overview?from=2026-11-21").array();
    ASSERT_EQ(period->size(), 1u);
    EXPECT_EQ(period->getObject(0)->getValue<int>("studies"), 2);
    EXPECT_EQ(viewer_.get("/api/overview?from=2027-01-01").array()->size(), 0u);
    EXPECT_EQ(viewer_.get("/api/overview?from=yesterday").status, 400);
    EXPECT_EQ(anonymous().get("/api/overview").status, 401);
}


TEST_F(WebApi, APatternIsTestedOnRecentStudiesAsTheTableWouldMatchIt) {
    const auto caught = viewer_.call("POST", "/api/levels/test-match", "{\"match\":\"NERVE\\\\s+root\"}");
    ASSERT_EQ(caught.status, 200) << caught.body;
    EXPECT_EQ(caught.object()->getValue<int>("tested"), 3);
    EXPECT_EQ(caught.object()->getValue<int>("matched"), 3); // case-insensitive, as the table
    const auto first = caught.object()->getArray("studies")->getObject(0);
    EXPECT_EQ(first->getValue<std::string>("study_description"), "Spinal nerve root pulsed RF");
    EXPECT_EQ(first->getValue<std::string>("procedure_id"), "root-prf");
    const auto otherDevice = viewer_.call("POST", "/api/levels/test-match", "{\"match\":\"nerve root\",\"device\":\"CARM2\"}");
    EXPECT_EQ(otherDevice.object()->getValue<int>("matched"), 0);
    EXPECT_EQ(viewer_.call("POST", "/api/levels/test-match", "{\"match\":\"kyphoplasty|discectomy\"}").object()->getValue<int>("matched"), 0);
    const auto broken = viewer_.call("POST", "/api/levels/test-match", "{\"match\":\"nerve (root\"}");
    ASSERT_EQ(broken.status, 422) << broken.body;
    EXPECT_EQ(broken.object()->getArray("problems")->getObject(0)->getValue<std::string>("column"), "match");

    const auto named = viewer_.get("/api/levels/descriptions?procedure=root-prf").array();
    ASSERT_EQ(named->size(), 1u);
    EXPECT_EQ(named->getObject(0)->getValue<std::string>("description"), "Spinal nerve root pulsed RF");
    EXPECT_EQ(named->getObject(0)->getValue<int>("studies"), 3);
    EXPECT_EQ(named->getObject(0)->getValue<std::string>("latest_date"), "2026-11-22");
    EXPECT_EQ(viewer_.get("/api/levels/descriptions").array()->size(), 0u); // none unclassified
    EXPECT_EQ(anonymous().call("POST", "/api/levels/test-match", "{\"match\":\"x\"}").status, 401);
}


TEST_F(WebApi, StudiesAreFilteredByValueRangesInTheUnitsShown) {
    auto total = [&](const std::string& query) { return viewer_.get("/api/studies?" + query).object()->getValue<int>("total"); };
    EXPECT_EQ(total("min_shots=20"), 2);            // 30 and 40 shots
    EXPECT_EQ(total("min_shots=20&max_shots=35"), 1);
    EXPECT_EQ(total("max_shots=10"), 1);            // inclusive
    // 0.1 Gy·cm² a shot: 3, 4 and 1 Gy·cm² (stored in Gy·m²).
    EXPECT_EQ(total("min_dap_gycm2=2.5&max_dap_gycm2=3.5"), 1);
    EXPECT_EQ(total("min_dap_gycm2=0.5"), 3);
    EXPECT_EQ(total("min_kar_mgy=3.5"), 1);         // 0.1 mGy a shot: the 40-shot study
    EXPECT_EQ(total("min_fluoro_time_s=30"), 1);    // 0.75 s a shot: 22.5, 30, 7.5 s
    const auto study = viewer_.get("/api/studies?min_dap_gycm2=2.5&max_dap_gycm2=3.5").object()->getArray("studies")->getObject(0);
    EXPECT_EQ(study->getValue<int>("irradiation_events"), 30);
    const auto bad = viewer_.get("/api/studies?min_shots=many");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(bad.error(), "'min_shots' must be a number, not 'many'");
    // The export follows the same filter.
    const auto csv = viewer_.get("/api/export/studies.csv?min_shots=35");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 2) << csv.body; // the header and one study
}


TEST_F(WebApi, LargeStatisticGroupsComeAsTheirBoxWithoutEveryValue) {
    auto shotsRow = [&](const std::string& query) {
        const auto rows = viewer_.get("/api/stats" + query).array();
        for (std::size_t i = 0; i < rows->size(); ++i)
            if (rows->getObject(static_cast<unsigned>(i))->getValue<std::string>("metric") == "shots")
                return rows->getObject(static_cast<unsigned>(i));
        return Object::Ptr();
    };
    const auto all = shotsRow("");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->getArray("values")->size(), 3u); // 10, 30, 40 shots
    EXPECT_EQ(all->getValue<double>("min"), 10);
    EXPECT_EQ(all->getValue<double>("q1"), 20);      // inclusive percentiles, as ICRP 135's P75
    EXPECT_EQ(all->getValue<double>("median"), 30);
    EXPECT_EQ(all->getValue<double>("p75"), 35);
    EXPECT_EQ(all->getValue<double>("max"), 40);
    const auto box = shotsRow("?values_up_to=2");
    ASSERT_TRUE(box);
    EXPECT_TRUE(box->isNull("values"));
    EXPECT_EQ(box->getValue<double>("q1"), 20);
    EXPECT_EQ(shotsRow("?values_up_to=3")->getArray("values")->size(), 3u);
    EXPECT_EQ(viewer_.get("/api/stats?values_up_to=0").status, 400);
}


// The staff dose estimate per operator: as shipped (no profile of their own: 1 m, no protection, the
// higher intensifier rate, 0.6 uSv/h), and the patient's at the table surface (448 uSv/h), then with
// the department's own rates and profiles, each a version with who and when; problems said where.
TEST_F(WebApi, StaffDoseIsEstimatedPerOperatorFromTheTablesInUse) {
    // Chen Jie: 30 + 10 shots, Wang Li: 40 shots, 0.75 s each: 30 s each at 0.6 uSv/h.
    const auto shipped = viewer_.get("/api/staff?year=2026");
    ASSERT_EQ(shipped.status, 200) << shipped.body;
    auto year = shipped.object();
    EXPECT_EQ(year->getValue<int>("year"), 2026);
    EXPECT_EQ(year->getValue<double>("annual_level_usv"), 20000);
    EXPECT_EQ(year->getObject("rates")->getValue<int>("version"), 0);
    auto operators = year->getArray("operators");
    ASSERT_EQ(operators->size(), 2u);
    EXPECT_EQ(operators->getObject(0)->getValue<std::string>("operator"), "Chen Jie");
    EXPECT_NEAR(operators->getObject(0)->getValue<double>("total_usv"), 30 * 0.6 / 3600.0, 1e-6);
    EXPECT_NEAR(operators->getObject(0)->getArray("months_usv")->getElement<double>(10), 30 * 0.6 / 3600.0, 1e-6);
    EXPECT_EQ(operators->getObject(0)->getArray("studies")->getElement<int>(10), 2);
    EXPECT_NEAR(operators->getObject(1)->getValue<double>("of_annual_level"), 30 * 0.6 / 3600.0 / 20000, 1e-12);
    // root-prf: three estimates (one per study) of 22.5, 30 and 7.5 s at 0.6 uSv/h.
    const auto procedure = year->getArray("procedures")->getObject(0);
    EXPECT_EQ(procedure->getValue<std::string>("procedure_id"), "root-prf");
    EXPECT_EQ(procedure->getValue<int>("estimates"), 3);
    EXPECT_NEAR(procedure->getValue<double>("median_usv"), 22.5 * 0.6 / 3600, 1e-9);
    const auto study = viewer_.get("/api/studies/" + uids_[1]).object()->getArray("staff_estimates");
    ASSERT_EQ(study->size(), 1u);
    EXPECT_EQ(study->getObject(0)->getValue<std::string>("operator"), "Wang Li");
    EXPECT_EQ(study->getObject(0)->getValue<std::string>("protection"), "none");
    EXPECT_TRUE(study->getObject(0)->getValue<bool>("default_profile"));
    EXPECT_EQ(study->getObject(0)->getValue<double>("rate_usv_per_h"), 0.6);
    EXPECT_NEAR(study->getObject(0)->getValue<double>("dose_usv"), 30 * 0.6 / 3600.0, 1e-6);
    const auto patient = viewer_.get("/api/studies/" + uids_[1]).object()->getObject("patient_estimate");
    EXPECT_EQ(patient->getValue<double>("rate_usv_per_h"), 448.0);
    EXPECT_EQ(patient->getValue<std::string>("intensifier"), "above");
    EXPECT_EQ(patient->getValue<double>("distance_cm"), 40);
    EXPECT_NEAR(patient->getValue<double>("dose_usv"), 30 * 448 / 3600.0, 1e-9);
    EXPECT_NE(patient->getValue<std::string>("source").find("at the table surface"), std::string::npos);

    auto body = [](const std::string& csv) {
        Object o;
        o.set("csv", csv);
        std::ostringstream s;
        o.stringify(s);
        return s.str();
    };
    Client chinese = reviewer_;
    chinese.language = "zh-CN";
    const auto refused = chinese.call("PUT", "/api/staff/rates", body("distance_m,protection,rate_usv_per_h\n1,lead,36\n"));
    ASSERT_EQ(refused.status, 422) << refused.body;
    const auto problem = refused.object()->getArray("problems")->getObject(0);
    EXPECT_EQ(problem->getValue<int>("line"), 2);
    EXPECT_EQ(problem->getValue<std::string>("column"), "protection");
    EXPECT_EQ(problem->getValue<std::string>("code"), "staff.protection");
    EXPECT_NE(problem->getValue<std::string>("message").find("不是防护方式"), std::string::npos) << refused.body;

    const auto rates = reviewer_.call("PUT", "/api/staff/rates", body("distance_m,protection,rate_usv_per_h\n0,none,448\n1,apron,36\n"));
    ASSERT_EQ(rates.status, 200) << rates.body;
    EXPECT_EQ(rates.object()->getValue<int>("version"), 1);
    const auto profiles = reviewer_.call("PUT", "/api/staff/profiles", body("operator,distance_m,protection\nWang^Li,1,apron\n,0,none\n"));
    ASSERT_EQ(profiles.status, 200) << profiles.body;
    EXPECT_EQ(profiles.object()->getValue<int>("version"), 2);
    const auto same = reviewer_.call("PUT", "/api/staff/profiles", body("operator,distance_m,protection\nWang Li,1,apron\n,0,none\n"));
    EXPECT_TRUE(same.object()->getValue<bool>("unchanged")) << same.body;

    operators = viewer_.get("/api/staff?year=2026").object()->getArray("operators");
    ASSERT_EQ(operators->size(), 2u);
    EXPECT_EQ(operators->getObject(1)->getValue<std::string>("operator"), "Wang Li");
    EXPECT_NEAR(operators->getObject(1)->getValue<double>("total_usv"), 30 * 36 / 3600.0, 1e-9);
    const auto table = viewer_.get("/api/staff/profiles").object();
    EXPECT_EQ(table->getValue<int>("version"), 2);
    EXPECT_EQ(table->getValue<std::string>("source"), "edited in the web UI by rita");
    EXPECT_EQ(table->getArray("rows")->getObject(0)->getValue<std::string>("protection"), "apron");
    EXPECT_EQ(viewer_.get("/api/staff/rates").object()->getArray("rows")->size(), 2u);
    EXPECT_EQ(viewer_.get("/api/staff?year=20x6").status, 400);
    EXPECT_EQ(viewer_.get("/api/staff?year=2025").object()->getArray("operators")->size(), 0u);
}
} // namespace
} // namespace fa
