// One JSON form per thing: the command line's --json and the REST API of a running `serve` print
// the same fields with the same nulls, for studies, flags, statistics and audit runs.
#include "tests/support/Run.h"
#include "tests/support/SharedData.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <sstream>

namespace fa {
namespace {

using test::quote;

// The same JSON text for the same fields, values, nulls and key order, whatever the indentation.
std::string canonical(const std::string& json) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(parser.parse(json), out);
    return out.str();
}

class JsonForms : public ::testing::Test {
protected:
    void SetUp() override {
        // Root-prf studies (level 18 shots); the undated one is flagged and so shows the nulls.
        int i = 0;
        for (const auto& [date, shots] : std::vector<std::pair<std::string, int>>{
                 {"20261120", 30}, {"20261121", 10}, {"", 40}}) {
            synth::Report r;
            r.studyDate = date;
            for (int e = 0; e < shots; ++e) {
                synth::Event ev;
                ev.uid = synth::newUid();
                ev.duration_s = 0.75;
                ev.dap_Gym2 = 1.5e-6;
                r.events.push_back(ev);
            }
            synth::save(*synth::buildReport(r), input_.file("r" + std::to_string(i++) + ".dcm"));
        }
        for (const std::string& command : {"ingest " + quote(input_.path().string()),
                                           std::string("audit nightly --no-mail --date 2026-11-21")}) {
            const auto r = test::run(fa(command));
            ASSERT_EQ(r.exitCode, 0) << command << ": " << r.err;
        }
        ASSERT_EQ(test::run("echo admin-password-1 | " + fa("user add admin --role admin")).exitCode, 0);
        httpPort_ = test::freePort();
        service_ = std::make_unique<test::ServiceProcess>(FA_BINARY, data_.path().string(), test::freePort(), "",
                                                          httpPort_);
        login();
    }

    std::string fa(const std::string& args) const {
        return test::command(FA_BINARY, data_.path().string()) + " " + args;
    }
    std::string cli(const std::string& args) const {
        const auto r = test::run(fa(args));
        EXPECT_EQ(r.exitCode, 0) << args << ": " << r.err;
        return r.out;
    }
    std::string api(const std::string& path, const std::string& body = "") {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort_));
        Poco::Net::HTTPRequest req(body.empty() ? "GET" : "POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!cookie_.empty()) req.set("Cookie", "fa_session=" + cookie_);
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session.receiveResponse(resp);
        std::string text;
        Poco::StreamCopier::copyToString(in, text);
        EXPECT_EQ(resp.getStatus(), 200) << path << ": " << text;
        if (const std::string cookie = resp.get("Set-Cookie", ""); cookie.rfind("fa_session=", 0) == 0)
            cookie_ = cookie.substr(11, cookie.find(';') - 11);
        return text;
    }
    void login() { api("/api/login", R"({"username":"admin","password":"admin-password-1"})"); }
    // The value of `key` in the API's answer object, as JSON text.
    static std::string member(const std::string& json, const std::string& key) {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        const auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        std::ostringstream out;
        Poco::JSON::Stringifier::stringify(o->get(key), out);
        return out.str();
    }

    test::TempDir data_, input_;
    std::unique_ptr<test::ServiceProcess> service_;
    int httpPort_ = 0;
    std::string cookie_;
};

TEST_F(JsonForms, TheCommandLineAndTheApiGiveTheSameJson) {
    const std::string studies = canonical(cli("studies --json"));
    EXPECT_EQ(studies, member(api("/api/studies?page_size=1000"), "studies"));
    EXPECT_NE(studies.find("\"study_date\":null"), std::string::npos) << studies;

    const std::string flags = canonical(cli("flags --json"));
    EXPECT_EQ(flags, canonical(api("/api/flags")));
    EXPECT_NE(flags.find("\"study_date\":null"), std::string::npos) << flags;
    EXPECT_NE(flags.find("\"kind\":\"above-reference\""), std::string::npos) << flags;

    const std::string stats = canonical(cli("stats --json"));
    EXPECT_EQ(stats, canonical(api("/api/stats")));
    EXPECT_NE(stats.find("\"suggested_drl\":null"), std::string::npos) << stats;
    EXPECT_EQ(canonical(cli("stats --by-device --json")), canonical(api("/api/stats?by_device=true")));

    const std::string runs = canonical(cli("audit runs --json"));
    EXPECT_EQ(runs, canonical(api("/api/audit-runs")));
    EXPECT_NE(runs.find("\"period_from\":\"2026-11-21\""), std::string::npos) << runs;
    EXPECT_EQ(canonical(cli("audit show 1 --json")), canonical(api("/api/audit-runs/1")));
}

// The FHIR route gives the command line's Observation, searched by study and by date, and answers a
// bad search with an OperationOutcome.
TEST_F(JsonForms, TheFhirRouteGivesTheCommandLinesObservation) {
    const auto studies = Poco::JSON::Parser().parse(cli("studies --json")).extract<Poco::JSON::Array::Ptr>();
    std::string dated;
    for (std::size_t i = 0; i < studies->size(); ++i)
        if (!studies->getObject(static_cast<unsigned>(i))->isNull("study_date") &&
            studies->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_date") == "2026-11-20")
            dated = studies->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid");
    ASSERT_FALSE(dated.empty());
    const std::string observation = canonical(cli("fhir " + dated));
    EXPECT_EQ(observation, canonical(api("/api/fhir/Observation/" + dated)));

    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    const auto byStudy = parser.parse(api("/api/fhir/Observation?study=" + dated)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(byStudy->getValue<std::string>("type"), "searchset");
    EXPECT_EQ(byStudy->getValue<int>("total"), 1);
    std::ostringstream first;
    Poco::JSON::Stringifier::stringify(byStudy->getArray("entry")->getObject(0)->get("resource"), first);
    EXPECT_EQ(first.str(), observation);

    // Two of the three studies are dated 20 and 21 November; the undated one is in no date search.
    const auto byDate =
        parser.parse(api("/api/fhir/Observation?date=ge2026-11-20&date=le2026-11-21&_count=1")).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(byDate->getValue<int>("total"), 2);
    EXPECT_EQ(byDate->getArray("entry")->size(), 1u);
    const auto links = byDate->getArray("link");
    ASSERT_EQ(links->size(), 2u);
    EXPECT_EQ(links->getObject(1)->getValue<std::string>("relation"), "next");
    const std::string next = links->getObject(1)->getValue<std::string>("url");
    EXPECT_NE(next.find("/api/fhir/Observation?date=ge2026-11-20&date=le2026-11-21&_count=1&_offset=1"), std::string::npos) << next;
    const auto second = parser.parse(api(next.substr(next.find("/api/")))).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(second->getArray("entry")->size(), 1u);
    EXPECT_EQ(parser.parse(api("/api/fhir/Observation?date=gt2026-11-20")).extract<Poco::JSON::Object::Ptr>()->getValue<int>("total"), 1);
    EXPECT_EQ(parser.parse(api("/api/fhir/Observation?date=2026-11-22")).extract<Poco::JSON::Object::Ptr>()->getValue<int>("total"), 0);

    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort_));
    Poco::Net::HTTPRequest req("GET", "/api/fhir/Observation?date=sa2026-11-20", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Cookie", "fa_session=" + cookie_);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string text;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), text);
    EXPECT_EQ(resp.getStatus(), 400);
    EXPECT_EQ(resp.getContentType(), "application/fhir+json; charset=utf-8");
    EXPECT_NE(text.find("\"resourceType\":\"OperationOutcome\""), std::string::npos) << text;
    EXPECT_NE(text.find("date prefix 'sa' is not supported"), std::string::npos) << text;
}

// Every shared vendor file: the REST API's Observation is the command line's, whose figures
// tests/cli/FhirCliTest.cpp holds to `show --json`.
TEST_F(JsonForms, EverySharedVendorFileHasTheSameFhirOverTheApi) {
    FA_REQUIRE_SHARED_DICOM(shared);
    for (const char* folder : {"/rdsr", "/images", "/charset"}) cli("ingest " + quote(shared + folder));
    const auto studies = Poco::JSON::Parser().parse(cli("studies --json")).extract<Poco::JSON::Array::Ptr>();
    int compared = 0;
    for (std::size_t i = 0; i < studies->size(); ++i) {
        const std::string uid = studies->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid");
        EXPECT_EQ(canonical(cli("fhir " + uid)), canonical(api("/api/fhir/Observation/" + uid))) << uid;
        ++compared;
    }
    EXPECT_GE(compared, 15); // 12 vendor studies and the 3 generated ones
}

} // namespace
} // namespace fa
