// Query/retrieve against a real Orthanc on loopback, with fluoroaudit serve as the move destination.
#include "audit/Atna.h"
#include "core/Error.h"
#include "core/SecurityEvent.h"
#include "dicom/DcmtkLog.h"
#include "dicom/PacsClient.h"
#include "dicom/Spool.h"
#include "store/StudyStore.h"
#include "tests/support/OrthancProcess.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/support/TestCa.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace fa {
namespace {

using test::quote;

TEST(PacsClient, FindsStudiesSeriesAndInstancesAndMovesOneToTheService) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    test::TempDir dir;
    const int faPort = test::freePort(), pacsPort = test::freePort();
    test::ServiceProcess service(FA_BINARY, (dir.path() / "fa").string(), faPort);
    test::OrthancProcess orthanc((dir.path() / "orthanc").string(), pacsPort, faPort);

    synth::Report report;
    report.studyDate = "20260301";
    synth::Event e;
    e.uid = synth::newUid();
    report.events = {e};
    synth::Image image;
    image.sopClass = "xa";
    image.studyDate = "20260302";
    synth::Report other = report; // another day, outside the query
    other.studyUid = synth::newUid();
    other.sopUid = synth::newUid();
    other.studyDate = "20260310";
    synth::save(*synth::buildReport(report), dir.file("report.dcm"));
    synth::save(*synth::buildImage(image), dir.file("image.dcm"));
    synth::save(*synth::buildReport(other), dir.file("other.dcm"));
    const auto sent = test::storescu(pacsPort, quote(dir.file("report.dcm")) + " " + quote(dir.file("image.dcm")) + " " +
                                                   quote(dir.file("other.dcm")),
                                     "MODALITY", "ORTHANC");
    ASSERT_EQ(test::successes(sent.out), 3) << sent.out;

    // Each query is an ATNA Query event (110112) with its keys.
    std::vector<SecurityEvent> recorded;
    std::mutex recordedMutex;
    setSecurityEventRecorder([&](const SecurityEvent& event) {
        std::lock_guard<std::mutex> lock(recordedMutex);
        recorded.push_back(event);
    });
    dicom::PacsClient pacs({"ORTHANC", "127.0.0.1", static_cast<std::uint16_t>(pacsPort), "FLUOROAUDIT", 10, std::nullopt});
    const auto studies = pacs.findStudies("20260301", "20260302", {"XA", "RF", "SR"});
    setSecurityEventRecorder({});
    ASSERT_EQ(recorded.size(), 1u);
    EXPECT_EQ(recorded[0].id.code, "110112");
    ASSERT_EQ(recorded[0].participants.size(), 2u);
    EXPECT_EQ(recorded[0].participants[0].userId, "FLUOROAUDIT");
    EXPECT_TRUE(recorded[0].participants[0].requestor);
    EXPECT_EQ(recorded[0].participants[1].userId, "ORTHANC");
    EXPECT_EQ(recorded[0].participants[1].networkAddress, "127.0.0.1");
    ASSERT_EQ(recorded[0].objects.size(), 1u);
    EXPECT_EQ(recorded[0].objects[0].id, "1.2.840.10008.5.1.4.1.2.2.1"); // Study Root Query/Retrieve - FIND
    EXPECT_NE(recorded[0].objects[0].query.find("20260301-20260302"), std::string::npos); // the Study Date key
    {
        const std::string xml = dir.file("query.xml");
        std::ofstream(xml) << atnaXml(recorded[0], AtnaSource{"FLUOROAUDIT@test", "", "test", "fluoroaudit", 1});
        const auto valid = test::run("xmllint --noout --relaxng " +
                                     quote(std::string(FA_SOURCE_DIR) + "/tests/integration/data/audit-message.rng") + " " +
                                     quote(xml) + " 2>&1");
        EXPECT_EQ(valid.exitCode, 0) << valid.out;
        EXPECT_NE(test::run("grep -c '<ParticipantObjectQuery>' " + quote(xml)).out, "0\n");
    }
    std::vector<std::string> uids;
    for (const auto& s : studies) uids.push_back(s.studyUid);
    std::sort(uids.begin(), uids.end());
    std::vector<std::string> expected{report.studyUid, image.studyUid};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(uids, expected);

    const auto series = pacs.findSeries(report.studyUid);
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0].modality, "SR");
    const auto instances = pacs.findInstances(report.studyUid, series[0].seriesUid);
    ASSERT_EQ(instances.size(), 1u);
    EXPECT_EQ(instances[0].sopInstanceUid, report.sopUid);
    EXPECT_EQ(instances[0].sopClassUid, "1.2.840.10008.5.1.4.1.1.88.67");

    const auto moved = pacs.moveInstance(report.studyUid, series[0].seriesUid, report.sopUid, "FLUOROAUDIT");
    EXPECT_EQ(moved.completed, 1);
    EXPECT_EQ(moved.failed, 0);
    const std::string data = (dir.path() / "fa").string();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    bool stored = false;
    while (!stored && std::chrono::steady_clock::now() < deadline) {
        stored = store::StudyStore(test::storeOf(data)).hasObject(report.studyUid, report.sopUid);
        if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(stored);
    EXPECT_EQ(service.stop(SIGTERM), 0);

    try {
        pacs.moveInstance(report.studyUid, series[0].seriesUid, report.sopUid, "NOBODY");
        FAIL() << "a move to an unknown destination succeeded";
    } catch (const Error& err) {
        // Orthanc answers 0xA801 (move destination unknown) or a general failure, by version.
        EXPECT_NE(std::string(err.what()).find("NOBODY"), std::string::npos) << err.what();
        EXPECT_NE(std::string(err.what()).find("ORTHANC@127.0.0.1:" + std::to_string(pacsPort)), std::string::npos)
            << err.what();
    }
}

// Both ways over TLS: the query and the move request to an Orthanc that speaks only TLS, and
// Orthanc's C-STORE of the moved report to the service's TLS port, every certificate from one CA.
TEST(PacsClient, QueriesAndMovesOverTlsWithCertificatesOfOneAuthority) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    test::TempDir dir;
    const test::TestCa ca(dir.file("ca"));
    const test::KeyPair orthancKeys = ca.issue("localhost"), ours = ca.issue("FLUOROAUDIT");
    const int faPort = test::freePort(), faTlsPort = test::freePort(), pacsPort = test::freePort();
    const std::string ini = dir.file("fa.ini");
    std::ofstream(ini) << "[dicom]\ntls_port = " << faTlsPort << "\n[tls]\ncertificate = " << ours.certificate
                       << "\nprivate_key = " << ours.privateKey << "\nca_file = " << ca.certificate() << "\n";
    const std::string data = (dir.path() / "fa").string();
    test::ServiceProcess service(FA_BINARY, data, faPort, ini);
    test::OrthancOptions options;
    options.tlsCertificate = orthancKeys.certificate;
    options.tlsPrivateKey = orthancKeys.privateKey;
    options.tlsTrusted = ca.certificate();
    test::OrthancProcess orthanc((dir.path() / "orthanc").string(), pacsPort, faTlsPort, options);

    synth::Report report;
    report.studyDate = "20260301";
    synth::Event e;
    e.uid = synth::newUid();
    report.events = {e};
    synth::save(*synth::buildReport(report), dir.file("report.dcm"));
    const std::string tlsArguments = "+tls " + quote(ours.privateKey) + " " + quote(ours.certificate) + " +cf " +
                                     quote(ca.certificate());
    ASSERT_EQ(test::successes(test::storescu(pacsPort, quote(dir.file("report.dcm")), "MODALITY", "ORTHANC", "-xf").out), 0)
        << "Orthanc took plain DICOM on its TLS port";
    const auto sent = test::storescu(pacsPort, quote(dir.file("report.dcm")), "MODALITY", "ORTHANC", tlsArguments);
    ASSERT_EQ(test::successes(sent.out), 1) << sent.out << orthanc.log();

    dicom::PacsAddress address{"ORTHANC", "127.0.0.1", static_cast<std::uint16_t>(pacsPort), "FLUOROAUDIT", 10,
                               dicom::TlsFiles{ours.certificate, ours.privateKey, ca.certificate(), true}};
    dicom::PacsClient pacs(address);
    const auto studies = pacs.findStudies("20260301", "20260301", {"SR"});
    ASSERT_EQ(studies.size(), 1u);
    EXPECT_EQ(studies[0].studyUid, report.studyUid);
    const auto series = pacs.findSeries(report.studyUid);
    ASSERT_EQ(series.size(), 1u);
    const auto moved = pacs.moveInstance(report.studyUid, series[0].seriesUid, report.sopUid, "FLUOROAUDIT");
    EXPECT_EQ(moved.completed, 1) << orthanc.log();
    EXPECT_TRUE(test::waitFor([&] { return store::StudyStore(test::storeOf(data)).hasObject(report.studyUid, report.sopUid); }, 20));
    EXPECT_NE(service.log().find("ORTHANC@127.0.0.1 -> FLUOROAUDIT (TLS, certificate /CN=localhost): 1 stored"),
              std::string::npos)
        << service.log();

    // A PACS whose certificate another authority signed is not trusted.
    const test::TestCa stranger(dir.file("stranger"));
    address.tls->caFile = stranger.certificate();
    try {
        dicom::PacsClient(address).findStudies("20260301", "20260301", {"SR"});
        FAIL() << "a PACS with an untrusted certificate was queried";
    } catch (const Error& err) {
        const std::string what = err.what();
        EXPECT_NE(what.find("ORTHANC@127.0.0.1:" + std::to_string(pacsPort) + " (TLS) did not accept"), std::string::npos)
            << what;
        EXPECT_NE(what.find("certificate verify failed"), std::string::npos) << what;
    }
}

TEST(PacsClient, APacsThatIsDownGivesAClearError) {
    dicom::PacsClient pacs({"PACS", "127.0.0.1", static_cast<std::uint16_t>(test::freePort()), "FLUOROAUDIT", 2, std::nullopt});
    try {
        pacs.findStudies("20260301", "20260301", {"XA"});
        FAIL() << "a query to a closed port succeeded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("the PACS PACS@127.0.0.1:"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("did not accept an association from FLUOROAUDIT"), std::string::npos)
            << e.what();
    }
}

} // namespace
} // namespace fa
