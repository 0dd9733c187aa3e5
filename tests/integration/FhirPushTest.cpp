// Dose summaries pushed to a FHIR server (tests/support/FhirServer.h): from `fluoroaudit fhir-push`
// and from `serve` as studies arrive by DICOM; with the bearer token of [fhir] token_file; nothing lost
// while the server is down (503: tried again later), a study the server refuses (422) logged and not
// holding back the others, a changed study sent again and updated, an unchanged one not sent twice.
#include "tests/support/FhirServer.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <fstream>

namespace fa {
namespace {

using test::quote;
using test::run;

// The DAP total (mGy·cm²) the server holds for a study.
double heldDap(const test::FhirServer& server, const std::string& studyUid) {
    const auto all = server.observations();
    const auto it = all.find("urn:oid:" + studyUid);
    if (it == all.end()) return -1;
    const auto list = it->second->getArray("component");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto c = list->getObject(static_cast<unsigned>(i));
        if (c->getObject("code")->getArray("coding")->getObject(0)->getValue<std::string>("code") == "113722")
            return c->getObject("valueQuantity")->getValue<double>("value");
    }
    return -1;
}

synth::Report report(const std::string& patient, double dap_Gym2) {
    synth::Report r;
    r.studyDate = "20261120";
    r.patientId = patient;
    synth::Event e;
    e.uid = synth::newUid();
    e.dap_Gym2 = dap_Gym2;
    r.events.push_back(e);
    return r;
}

class FhirPush : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(input_.file("token")) << "tok-1\n";
        ini_ = input_.file("fa.ini");
        std::ofstream(ini_) << test::storeConfig(data_) << "[fhir]\nurl = " << server_.url() << "\ntoken_file = "
                            << input_.file("token") << "\nbatch = 2\ncheck_seconds = 1\nretry_max_seconds = 2\n";
    }
    std::string fa(const std::string& args) const {
        return test::command(FA_BINARY, data_.path().string()) + " --config " + quote(ini_) + " " + args;
    }
    std::string file(const synth::Report& r) {
        const std::string f = input_.file(r.sopUid + ".dcm");
        synth::save(*synth::buildReport(r), f);
        return f;
    }

    test::TempDir data_, input_;
    test::FhirServer server_{"tok-1"};
    std::string ini_;
};

TEST_F(FhirPush, TheCommandSendsWhatWaitsAndNothingTwice) {
    std::vector<synth::Report> reports{report("P1", 1e-4), report("P2", 2e-4), report("P1", 3e-4)};
    for (const auto& r : reports) ASSERT_EQ(run(fa("ingest " + quote(file(r)))).exitCode, 0);

    // The server is down: nothing is recorded as sent, the command says so and fails.
    server_.failNext(1);
    const auto down = run(fa("fhir-push"));
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_NE(down.out.find("3 studies to send to " + server_.url()), std::string::npos) << down.out;
    EXPECT_NE(down.err.find("answered HTTP 503: down for maintenance"), std::string::npos) << down.err;
    EXPECT_TRUE(server_.observations().empty());

    const auto sent = run(fa("fhir-push"));
    ASSERT_EQ(sent.exitCode, 0) << sent.out << sent.err;
    EXPECT_NE(sent.out.find("3 sent, 0 refused"), std::string::npos) << sent.out;
    EXPECT_EQ(server_.requests(), 3); // the 503, then two Bundles of at most 2 studies
    for (const auto& a : server_.authorizations()) EXPECT_EQ(a, "Bearer tok-1");
    EXPECT_TRUE(server_.problems().empty()) << server_.problems().front();
    EXPECT_EQ(server_.observations().size(), 3u);
    EXPECT_EQ(server_.resources("Patient"), 2u); // P1 twice, one Patient
    EXPECT_EQ(server_.resources("Device"), 1u);
    EXPECT_EQ(server_.resources("ImagingStudy"), 3u);
    EXPECT_DOUBLE_EQ(heldDap(server_, reports[1].studyUid), 2000.0);

    const auto again = run(fa("fhir-push"));
    EXPECT_EQ(again.exitCode, 0);
    EXPECT_NE(again.out.find("0 studies to send"), std::string::npos) << again.out;
    EXPECT_EQ(server_.requests(), 3);

    // A second report of the second study changes it: sent again, the server's Observation updated.
    synth::Report more = report("P2", 5e-4);
    more.studyUid = reports[1].studyUid;
    more.observerUid = "1.2.826.0.1.3680043.10.1234.2"; // another device's report: they add up
    ASSERT_EQ(run(fa("ingest " + quote(file(more)))).exitCode, 0);
    const auto changed = run(fa("fhir-push"));
    ASSERT_EQ(changed.exitCode, 0) << changed.err;
    EXPECT_NE(changed.out.find("1 study to send"), std::string::npos) << changed.out;
    EXPECT_EQ(server_.observations().size(), 3u);
    EXPECT_DOUBLE_EQ(heldDap(server_, reports[1].studyUid), 7000.0);
}

TEST_F(FhirPush, AStudyTheServerRefusesDoesNotHoldBackTheOthers) {
    std::vector<synth::Report> reports{report("P1", 1e-4), report("P2", 2e-4), report("P3", 3e-4)};
    for (const auto& r : reports) ASSERT_EQ(run(fa("ingest " + quote(file(r)))).exitCode, 0);
    server_.refuseStudy(reports[1].studyUid);
    const auto r = run(fa("fhir-push"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("2 sent, 1 refused"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("refused the dose summary of study " + reports[1].studyUid + ": HTTP 422: study " +
                         reports[1].studyUid + " is refused here"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(server_.observations().size(), 2u);
    EXPECT_EQ(heldDap(server_, reports[1].studyUid), -1);
    const auto again = run(fa("fhir-push"));
    EXPECT_NE(again.out.find("0 studies to send to " + server_.url() + " (1 refused before"), std::string::npos) << again.out;

    // A wrong token: 401 is not the study's fault; nothing is marked refused, and the study goes once
    // the token is renewed (read at each send).
    std::ofstream(input_.file("token")) << "expired\n";
    const synth::Report late = report("P4", 4e-4);
    ASSERT_EQ(run(fa("ingest " + quote(file(late)))).exitCode, 0);
    const auto unauthorised = run(fa("fhir-push"));
    EXPECT_EQ(unauthorised.exitCode, 1);
    EXPECT_NE(unauthorised.err.find("answered HTTP 401: a bearer token is needed"), std::string::npos) << unauthorised.err;
    std::ofstream(input_.file("token")) << "tok-1\n";
    const auto renewed = run(fa("fhir-push"));
    EXPECT_EQ(renewed.exitCode, 0) << renewed.err;
    EXPECT_NE(renewed.out.find("1 sent, 0 refused"), std::string::npos) << renewed.out;
    EXPECT_DOUBLE_EQ(heldDap(server_, late.studyUid), 4000.0);
}

TEST_F(FhirPush, TheServiceSendsStudiesAsTheyArriveAndWaitsOutAServerThatIsDown) {
    server_.failNext(2); // the first two tries fail: the service tries again after 2 s, then 2 s (retry_max_seconds)
    const int port = test::freePort();
    test::ServiceProcess service(FA_BINARY, data_.path().string(), port, ini_);
    const synth::Report r = report("P9", 4e-4);
    const auto sent = test::storescu(port, quote(file(r)));
    ASSERT_EQ(test::successes(sent.out + sent.err), 1) << sent.err;
    EXPECT_TRUE(test::waitFor([&] { return heldDap(server_, r.studyUid) > 0; }, 60)) << service.log();
    EXPECT_DOUBLE_EQ(heldDap(server_, r.studyUid), 4000.0);
    EXPECT_GE(server_.requests(), 3);
    EXPECT_TRUE(server_.problems().empty());
    EXPECT_EQ(service.stop(SIGTERM), 0);
    const std::string log = service.log();
    EXPECT_NE(log.find("FHIR: dose summaries of this site's studies go to " + server_.url()), std::string::npos) << log;
    EXPECT_NE(log.find("answered HTTP 503: down for maintenance; trying again in 2 s (nothing is lost"), std::string::npos)
        << log;
    EXPECT_NE(log.find("takes dose summaries again"), std::string::npos) << log;
}

} // namespace
} // namespace fa
