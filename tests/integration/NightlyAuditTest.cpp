// The nightly audit against a real Orthanc on loopback (the PACS), a real `fluoroaudit serve`
// (the running service), an SMTP sink and headless Chromium for the report.
#include "dicom/DcmtkLog.h"
#include "tests/support/OrthancProcess.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TestStore.h"
#include "tests/support/SharedData.h"
#include "tests/support/SmtpSink.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcmetinf.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <ctime>

namespace fa {
namespace {

namespace fs = std::filesystem;
using test::quote;

const std::string kBinary = FA_BINARY;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

struct AuditSetup {
    test::TempDir dir;
    int faPort = test::freePort();
    int pacsPort = test::freePort();
    std::string data = (dir.path() / "fa").string();
    std::string config = dir.file("fluoroaudit.ini");

    void writeConfig(const std::string& extra) const {
        std::ofstream(config) << "[data]\ndir = " << data << "\n[dicom]\nport = " << faPort
                              << "\n[audit]\nschedule = false\n"
                              << extra;
    }
    std::string pacsSection(const std::string& more = "") const {
        return "[pacs]\nae_title = ORTHANC\nhost = 127.0.0.1\nport = " + std::to_string(pacsPort) +
               "\ntimeout_s = 10\nwait_for_retrieved_s = 60\n" + more;
    }
};

// fluoroaudit with this test's configuration (and store).
test::RunResult fa(const AuditSetup& s, const std::string& args) {
    return test::run(test::storeEnvironment(s.data) + quote(kBinary) + " --config " + quote(s.config) + " " + args);
}

synth::Report report(const std::string& date, const std::string& studyUid = synth::newUid()) {
    synth::Report r;
    r.studyUid = studyUid;
    r.studyDate = date;
    synth::Event e;
    e.uid = synth::newUid();
    e.startedAt = date + "101500";
    r.events = {e};
    return r;
}

std::set<std::string> findingsOf(const Poco::JSON::Object::Ptr& run, const std::string& kind, const std::string& field) {
    std::set<std::string> out;
    auto list = run->getArray("findings");
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto f = list->getObject(static_cast<unsigned>(i));
        if (f->getValue<std::string>("kind") == kind) {
            std::string v = f->getValue<std::string>(field);
            if (field == "detail") v = v.substr(0, v.find(':'));
            out.insert(v);
        }
    }
    return out;
}

std::string sopInstanceOf(const std::string& file) {
    DcmFileFormat ff;
    if (ff.loadFile(file.c_str()).bad()) return {};
    OFString v;
    ff.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, v);
    return v.c_str();
}

TEST(NightlyAudit, RetrievesExactlyWhatTheServiceMissedAndReportsStudiesWithoutDoseData) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    AuditSetup s;
    s.writeConfig(s.pacsSection());
    test::OrthancProcess orthanc((s.dir.path() / "orthanc").string(), s.pacsPort, s.faPort);

    // Seen by the service: A. On the PACS only: B's report (B also has XA images), D (Comprehensive
    // SR). C has XA images and no dose object anywhere.
    const auto a = report("20261121"), b = report("20261121");
    auto d = report("20261120");
    d.nestInComprehensiveSr = true; // Comprehensive SR (88.33) holding the dose report
    synth::Image bImage, c1, c2;
    bImage.studyUid = b.studyUid;
    bImage.sopClass = "xa";
    bImage.studyDate = "20261121";
    c1.sopClass = c2.sopClass = "xa";
    c1.studyDate = c2.studyDate = "20261121";
    c2.studyUid = c1.studyUid;
    synth::save(*synth::buildReport(a), s.dir.file("a.dcm"));
    synth::save(*synth::buildReport(b), s.dir.file("b.dcm"));
    synth::save(*synth::buildReport(d), s.dir.file("d.dcm"));
    synth::save(*synth::buildImage(bImage), s.dir.file("b-image.dcm"));
    synth::save(*synth::buildImage(c1), s.dir.file("c1.dcm"));
    synth::save(*synth::buildImage(c2), s.dir.file("c2.dcm"));
    std::vector<std::string> toPacs{s.dir.file("a.dcm"), s.dir.file("b.dcm"), s.dir.file("d.dcm"),
                                    s.dir.file("b-image.dcm"), s.dir.file("c1.dcm"), s.dir.file("c2.dcm")};
    std::vector<std::string> toService{s.dir.file("a.dcm")};
    std::set<std::string> expectedRetrieved{b.sopUid, d.sopUid};
    std::set<std::string> expectedMissing{c1.studyUid};
    std::string from = "2026-11-20";
    // With the real vendor files: all of them on the PACS, every other dose report seen by the service.
    if (const std::string shared = test::sharedDicomDir(); !shared.empty()) {
        from = "1990-01-01";
        bool even = false;
        for (const auto& entry : fs::directory_iterator(shared + "/rdsr")) {
            toPacs.push_back(entry.path().string());
            if ((even = !even)) toService.push_back(entry.path().string());
            else expectedRetrieved.insert(sopInstanceOf(entry.path().string()));
        }
        for (const auto& entry : fs::directory_iterator(shared + "/images")) toPacs.push_back(entry.path().string());
        expectedMissing.insert("1.2.840.113619.2.15.1008000062035011254.825190719.2.31"); // RF-Image-GE_DRS
        expectedMissing.insert("1.3.12.2.1107.5.12.1.2013021918161500");                   // RF-Image-Siemens
    }
    std::string files;
    for (const auto& f : toPacs) files += quote(f) + " ";
    const auto loaded = test::storescu(s.pacsPort, files, "MODALITY", "ORTHANC");
    ASSERT_EQ(test::successes(loaded.out), static_cast<int>(toPacs.size())) << loaded.out;

    test::ServiceProcess service(kBinary, s.data, s.faPort, s.config);
    files.clear();
    for (const auto& f : toService) files += quote(f) + " ";
    const auto seen = test::storescu(s.faPort, files, "CARM1");
    ASSERT_EQ(test::successes(seen.out), static_cast<int>(toService.size())) << seen.out;

    const std::string period = "--from " + from + " --to 2026-11-21";
    const auto first = fa(s, "audit nightly " + period);
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_NE(first.err.find("retrieving into the running service"), std::string::npos) << first.err;
    const auto shown = fa(s, "audit show 1 --json");
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    const auto run = parseObject(shown.out);
    EXPECT_EQ(run->getValue<std::string>("outcome"), "ok");
    EXPECT_EQ(findingsOf(run, "retrieved", "detail"), expectedRetrieved);
    EXPECT_EQ(findingsOf(run, "missing-dose-data", "study_uid"), expectedMissing);
    EXPECT_EQ(run->getValue<int>("retrieved"), static_cast<int>(expectedRetrieved.size()));
    EXPECT_EQ(run->getValue<int>("retrieve_failed"), 0);

    // Everything is stored now: every dose report on the PACS, in the service's store.
    const auto studies = fa(s, "studies --json");
    auto list = Poco::JSON::Parser().parse(studies.out).extract<Poco::JSON::Array::Ptr>();
    std::set<std::string> stored;
    for (std::size_t i = 0; i < list->size(); ++i)
        stored.insert(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid"));
    for (const auto& uid : {a.studyUid, b.studyUid, d.studyUid}) EXPECT_TRUE(stored.count(uid)) << uid;

    const std::string html = readFile(run->getValue<std::string>("report_html"));
    EXPECT_NE(html.find("id=\"fig-retrieved\"><b>" + std::to_string(expectedRetrieved.size()) + "</b>"),
              std::string::npos);
    EXPECT_NE(html.find(c1.studyUid), std::string::npos);
    EXPECT_NE(html.find("XA/RF images on the PACS, no dose object anywhere"), std::string::npos);

    // Again: nothing to retrieve, nothing changes.
    const auto second = fa(s, "audit nightly " + period);
    ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
    const auto again = parseObject(fa(s, "audit show 2 --json").out);
    EXPECT_EQ(again->getValue<int>("retrieved"), 0);
    EXPECT_EQ(findingsOf(again, "retrieved", "detail").size(), 0u);
    EXPECT_EQ(findingsOf(again, "missing-dose-data", "study_uid"), expectedMissing);
    EXPECT_EQ(again->getValue<int>("studies"), run->getValue<int>("studies"));
    EXPECT_EQ(fa(s, "studies --json").out, studies.out);

    const auto runs = fa(s, "audit runs");
    EXPECT_NE(runs.out.find("2 run(s)"), std::string::npos) << runs.out;
    EXPECT_EQ(service.stop(SIGTERM), 0);
}

TEST(NightlyAudit, WithoutARunningServiceItReceivesTheMovedObjectsAndImageHeadersItself) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    AuditSetup s;
    s.writeConfig(s.pacsSection("retrieve_image_headers = true\n"));
    test::OrthancProcess orthanc((s.dir.path() / "orthanc").string(), s.pacsPort, s.faPort);
    const auto r = report("20261121");
    synth::save(*synth::buildReport(r), s.dir.file("r.dcm"));
    // A C-arm that sends images only: three shots with their exposure times.
    synth::Image shot;
    shot.sopClass = "rf";
    shot.studyDate = "20261121";
    shot.exposureTime_ms = 750;
    std::string files = quote(s.dir.file("r.dcm"));
    for (int i = 0; i < 3; ++i) {
        shot.sopUid = synth::newUid();
        synth::save(*synth::buildImage(shot), s.dir.file("shot" + std::to_string(i) + ".dcm"));
        files += " " + quote(s.dir.file("shot" + std::to_string(i) + ".dcm"));
    }
    ASSERT_EQ(test::successes(test::storescu(s.pacsPort, files, "MODALITY", "ORTHANC").out), 4);

    const auto result = fa(s, "audit nightly --date 2026-11-21");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("no service running on this data folder: receiving as FLUOROAUDIT on port " +
                              std::to_string(s.faPort)),
              std::string::npos)
        << result.err;
    const auto shown = fa(s, "show " + r.studyUid);
    EXPECT_EQ(shown.exitCode, 0) << shown.err;
    EXPECT_NE(fa(s, "audit runs").out.find("ok"), std::string::npos);

    // The images-only study: its headers were retrieved, and it is still reported without dose data.
    const auto images = fa(s, "show " + shot.studyUid + " --json");
    ASSERT_EQ(images.exitCode, 0) << images.err;
    const auto study = parseObject(images.out);
    EXPECT_EQ(study->getValue<std::string>("source"), "image-headers");
    EXPECT_EQ(study->getValue<int>("irradiation_events"), 3);
    EXPECT_DOUBLE_EQ(study->getValue<double>("exposure_time_s"), 2.25);
    const auto run = parseObject(fa(s, "audit show 1 --json").out);
    EXPECT_EQ(findingsOf(run, "missing-dose-data", "study_uid"), std::set<std::string>{shot.studyUid});
}

TEST(NightlyAudit, RetrievesWithCGetAndFallsBackToSeriesWhenThePacsIgnoresModalitiesInStudy) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    AuditSetup s;
    s.writeConfig(s.pacsSection("retrieve = get\n"));
    test::OrthancOptions options;
    options.allowGet = true;
    options.ignoreModalitiesInStudy = true;
    test::OrthancProcess orthanc((s.dir.path() / "orthanc").string(), s.pacsPort, s.faPort, options);
    const auto r1 = report("20261121"), r2 = report("20261121");
    synth::save(*synth::buildReport(r1), s.dir.file("r1.dcm"));
    synth::save(*synth::buildReport(r2), s.dir.file("r2.dcm"));
    // A CT study of the same day: not fluoroscopy, not counted.
    synth::Image ct;
    ct.studyDate = "20261121";
    auto ctFile = synth::buildImage(ct);
    ctFile->getDataset()->putAndInsertString(DCM_Modality, "CT");
    ctFile->getDataset()->putAndInsertString(DCM_SOPClassUID, UID_CTImageStorage);
    ctFile->getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPClassUID, UID_CTImageStorage);
    synth::save(*ctFile, s.dir.file("ct.dcm"));
    // A Comprehensive SR in r1's study that is not a dose report (a clinical note).
    auto note = r1;
    note.sopUid = synth::newUid();
    note.nestInComprehensiveSr = true;
    auto noteFile = synth::buildReport(note);
    noteFile->getDataset()->findAndDeleteElement(DCM_ContentSequence);
    noteFile->getDataset()->findAndDeleteElement(DCM_ConceptNameCodeSequence);
    synth::save(*noteFile, s.dir.file("note.dcm"));
    const auto loaded = test::storescu(s.pacsPort,
                                       quote(s.dir.file("r1.dcm")) + " " + quote(s.dir.file("r2.dcm")) + " " +
                                           quote(s.dir.file("ct.dcm")) + " " + quote(s.dir.file("note.dcm")),
                                       "MODALITY", "ORTHANC");
    ASSERT_EQ(test::successes(loaded.out), 4) << loaded.out;

    const auto result = fa(s, "audit nightly --date 2026-11-21");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    EXPECT_NE(result.err.find("did not match Modalities in Study for 3 studies: checking their series"),
              std::string::npos)
        << result.err;
    const auto run = parseObject(fa(s, "audit show 1 --json").out);
    EXPECT_EQ(run->getValue<int>("pacs_studies"), 2);
    EXPECT_EQ(findingsOf(run, "retrieved", "detail"), (std::set<std::string>{r1.sopUid, r2.sopUid}));
    EXPECT_EQ(findingsOf(run, "no-dose-content", "detail"), std::set<std::string>{note.sopUid});
    EXPECT_EQ(fa(s, "show " + r1.studyUid).exitCode, 0);
    EXPECT_EQ(fa(s, "show " + r2.studyUid).exitCode, 0);

    // Again: the note is not fetched a second time.
    ASSERT_EQ(fa(s, "audit nightly --date 2026-11-21").exitCode, 0);
    const auto again = parseObject(fa(s, "audit show 2 --json").out);
    EXPECT_EQ(again->getArray("findings")->size(), 0u) << fa(s, "audit show 2").out;
    EXPECT_EQ(again->getValue<int>("retrieved"), 0);
}

TEST(NightlyAudit, APacsThatIsDownGivesAPartialRunWithItsReasonAndStillAReport) {
    AuditSetup s;
    s.writeConfig("");
    // A few studies in the store, so that the report has something to show.
    fs::create_directories(s.dir.file("in"));
    for (int i = 0; i < 3; ++i)
        synth::save(*synth::buildReport(report("20261121")), s.dir.file("in/r" + std::to_string(i) + ".dcm"));
    ASSERT_EQ(fa(s, "ingest " + quote(s.dir.file("in"))).exitCode, 0);
    const int closed = test::freePort();
    const auto result =
        fa(s, "audit nightly --date 2026-11-21 --pacs PACS@127.0.0.1:" + std::to_string(closed));
    EXPECT_EQ(result.exitCode, 1) << result.out << result.err;
    EXPECT_NE(result.out.find("partial"), std::string::npos) << result.out;
    const auto run = parseObject(fa(s, "audit show 1 --json").out);
    EXPECT_EQ(run->getValue<std::string>("outcome"), "partial");
    const auto errors = run->getArray("errors");
    ASSERT_EQ(errors->size(), 1u);
    const std::string reason = errors->getElement<std::string>(0);
    EXPECT_NE(reason.find("reconciliation skipped: the PACS PACS@127.0.0.1:" + std::to_string(closed) +
                          " did not accept an association"),
              std::string::npos)
        << reason;
    EXPECT_EQ(run->getValue<int>("studies"), 3);
    const std::string html = readFile(run->getValue<std::string>("report_html"));
    EXPECT_NE(html.find("Errors of this run"), std::string::npos);
    EXPECT_NE(html.find("did not accept an association"), std::string::npos);
    EXPECT_NE(html.find("id=\"fig-studies\"><b>3</b>"), std::string::npos);
    EXPECT_NE(fa(s, "audit runs").out.find("partial"), std::string::npos);
}

TEST(NightlyAudit, ServeRunsTheScheduledAuditAndMakesUpARunMissedWhileItWasDown) {
    AuditSetup s;
    std::ofstream(s.config) << "[data]\ndir = " << s.data << "\n[dicom]\nport = " << s.faPort
                            << "\n[audit]\nschedule = true\ntime = 00:00\n";
    // An installation that has audited before (a new one has nothing to make up).
    ASSERT_EQ(fa(s, "audit nightly --date 2020-01-01").exitCode, 0);
    std::time_t t = std::time(nullptr) - 86400;
    char yesterday[16];
    std::strftime(yesterday, sizeof yesterday, "%Y-%m-%d", std::localtime(&t));

    auto scheduledRuns = [&] {
        const auto runs = Poco::JSON::Parser().parse(fa(s, "audit runs --json").out).extract<Poco::JSON::Array::Ptr>();
        int n = 0;
        for (std::size_t i = 0; i < runs->size(); ++i) {
            auto r = runs->getObject(static_cast<unsigned>(i));
            if (r->getValue<std::string>("trigger") == "schedule" && r->getValue<std::string>("period_from") == yesterday &&
                r->getValue<std::string>("outcome") == "ok")
                ++n;
        }
        return n;
    };
    test::ServiceProcess service(kBinary, s.data, s.faPort, s.config);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (scheduledRuns() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(scheduledRuns(), 1) << service.log();
    EXPECT_NE(service.log().find("nightly audit scheduled daily at 00:00 local time"), std::string::npos) << service.log();
    EXPECT_NE(service.log().find(std::string("the nightly audit of ") + yesterday + " has not run"), std::string::npos);
    EXPECT_EQ(service.stop(SIGTERM), 0);

    // Started again the same day: already done.
    service.restart();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_EQ(scheduledRuns(), 1);
    EXPECT_EQ(service.stop(SIGTERM), 0);
}

TEST(NightlyAudit, TheScheduledRunInsideServeRetrievesIntoTheServiceItself) {
    if (!test::OrthancProcess::available()) GTEST_SKIP() << "Orthanc is not installed (deploy/install-deps.sh installs it)";
    dicom::quietDcmtkLog();
    AuditSetup s;
    std::ofstream(s.config) << "[data]\ndir = " << s.data << "\n[dicom]\nport = " << s.faPort
                            << "\n[audit]\nschedule = true\ntime = 00:00\n"
                            << s.pacsSection();
    test::OrthancProcess orthanc((s.dir.path() / "orthanc").string(), s.pacsPort, s.faPort);
    std::time_t t = std::time(nullptr) - 86400;
    char yesterday[16], compact[16];
    std::strftime(yesterday, sizeof yesterday, "%Y-%m-%d", std::localtime(&t));
    std::strftime(compact, sizeof compact, "%Y%m%d", std::localtime(&t));
    const auto r = report(compact);
    synth::save(*synth::buildReport(r), s.dir.file("r.dcm"));
    ASSERT_EQ(test::successes(test::storescu(s.pacsPort, quote(s.dir.file("r.dcm")), "MODALITY", "ORTHANC").out), 1);
    ASSERT_EQ(fa(s, "audit nightly --date 2020-01-01").exitCode, 0); // audited before: a run to make up

    test::ServiceProcess service(kBinary, s.data, s.faPort, s.config);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool stored = false;
    while (!stored && std::chrono::steady_clock::now() < deadline) {
        stored = fa(s, "show " + r.studyUid).exitCode == 0;
        if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    EXPECT_TRUE(stored) << service.log();
    Poco::JSON::Object::Ptr run;
    do { // until the run has recorded its end
        run = parseObject(fa(s, "audit show 2 --json").out);
        if (run->getValue<std::string>("outcome") == "running") std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } while (run->getValue<std::string>("outcome") == "running" && std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(run->getValue<std::string>("trigger"), "schedule");
    EXPECT_EQ(run->getValue<std::string>("period_from"), yesterday);
    EXPECT_EQ(run->getValue<std::string>("outcome"), "ok") << service.log();
    EXPECT_EQ(findingsOf(run, "retrieved", "detail"), std::set<std::string>{r.sopUid});
    EXPECT_NE(service.log().find("retrieving into this service (FLUOROAUDIT)"), std::string::npos) << service.log();
    EXPECT_EQ(service.stop(SIGTERM), 0);
}

// The parts of a received mail, decoded.
struct MailParts : Poco::Net::PartHandler {
    std::vector<std::pair<std::string, std::string>> parts; // content type, decoded content
    void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
        std::string content;
        Poco::StreamCopier::copyToString(stream, content);
        parts.emplace_back(header.get("Content-Type", ""), content);
    }
};

std::string departmentWithFlags(const AuditSetup& s) {
    // Six scs-trial studies on one day, one far above its shot level.
    for (int i = 0; i < 6; ++i) {
        auto r = report("20261121");
        r.studyDescription = i == 0 ? "Temporary spinal cord stimulator implantation <script>alert(1)</script>"
                                    : "Temporary spinal cord stimulator implantation";
        r.events.clear();
        for (int e = 0; e < (i == 0 ? 120 : 40 + i); ++e) {
            synth::Event ev;
            ev.uid = synth::newUid();
            ev.startedAt = "20261121" + std::string(e < 10 ? "10150" : "1015") + std::to_string(e % 60);
            ev.duration_s = 0.75;
            r.events.push_back(ev);
        }
        synth::save(*synth::buildReport(r), s.dir.file("dept/" + std::to_string(i) + ".dcm"));
    }
    return s.dir.file("dept");
}

TEST(NightlyAudit, MailsTheReportWithItsCsvToTheConfiguredRecipients) {
    test::SmtpSink sink;
    AuditSetup s;
    s.writeConfig("[mail]\nhost = 127.0.0.1\nport = " + std::to_string(sink.port()) +
                  "\nfrom = fluoroaudit@hospital.example\nto = qm@hospital.example, physicist@hospital.example\n");
    fs::create_directories(s.dir.file("dept"));
    ASSERT_EQ(fa(s, "ingest " + quote(departmentWithFlags(s))).exitCode, 0);
    const auto result = fa(s, "audit nightly --date 2026-11-21");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("mailed to qm@hospital.example, physicist@hospital.example"), std::string::npos);
    ASSERT_TRUE(sink.waitFor(1, 10));
    const auto mail = sink.mails().front();
    EXPECT_EQ(mail.from, "fluoroaudit@hospital.example");
    EXPECT_EQ(mail.to, (std::vector<std::string>{"qm@hospital.example", "physicist@hospital.example"}));
    EXPECT_FALSE(mail.overTls);

    std::istringstream in(mail.data);
    Poco::Net::MailMessage message;
    MailParts parts;
    message.read(in, parts);
    EXPECT_NE(Poco::Net::MailMessage::decodeWord(message.getSubject()).find("fluoroaudit audit 2026-11-21: 6 studies, 3 new flag(s)"),
              std::string::npos)
        << message.getSubject();
    ASSERT_EQ(parts.parts.size(), 3u);
    const std::string& html = parts.parts[0].second;
    EXPECT_NE(parts.parts[0].first.find("text/html"), std::string::npos);
    EXPECT_NE(html.find("id=\"fig-studies\"><b>6</b>"), std::string::npos);
    EXPECT_NE(html.find("id=\"fig-new-flags\"><b>3</b>"), std::string::npos);
    EXPECT_NE(parts.parts[1].first.find("text/csv"), std::string::npos);
    EXPECT_NE(parts.parts[1].second.find("study_date,study_uid,accession_number"), std::string::npos);
    EXPECT_NE(parts.parts[1].second.find("above-reference:shots"), std::string::npos);
    EXPECT_NE(parts.parts[2].second.find("scs-trial"), std::string::npos);
}

TEST(NightlyAudit, MailsOverStartTlsAndRefusesACertificateItCannotVerify) {
    AuditSetup s;
    const std::string cert = s.dir.file("cert.pem"), key = s.dir.file("key.pem");
    const auto made = test::run("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -addext "
                                "subjectAltName=DNS:localhost -days 2 -keyout " +
                                quote(key) + " -out " + quote(cert));
    ASSERT_EQ(made.exitCode, 0) << made.err;
    test::SmtpSink sink(cert, key);
    const std::string mail = "[mail]\nhost = localhost\nport = " + std::to_string(sink.port()) +
                             "\nstarttls = true\nusername = fluoroaudit\npassword = secret\nto = qm@hospital.example\n";
    s.writeConfig(mail + "ca_file = " + cert + "\n");
    const auto result = fa(s, "audit nightly --date 2026-11-21");
    ASSERT_EQ(result.exitCode, 0) << result.out << result.err;
    ASSERT_TRUE(sink.waitFor(1, 10));
    EXPECT_TRUE(sink.mails().front().overTls);

    // Without the certificate's authority the mail is not sent, and the run says why.
    s.writeConfig(mail + "ca_file = " + s.dir.file("nobody.pem") + "\n");
    std::ofstream(s.dir.file("nobody.pem")) << "";
    const auto refused = fa(s, "audit nightly --date 2026-11-21");
    EXPECT_EQ(refused.exitCode, 1) << refused.out << refused.err;
    EXPECT_NE(refused.out.find("the report was not mailed: mail server localhost:" + std::to_string(sink.port())),
              std::string::npos)
        << refused.out;
    EXPECT_EQ(sink.mails().size(), 1u);
}

TEST(NightlyAudit, TheReportRendersInHeadlessChromiumAndShowsMarkupAsText) {
    const char* chromium = "/usr/bin/chromium";
    if (::access(chromium, X_OK) != 0) GTEST_SKIP() << "Chromium is not installed (deploy/install-deps.sh installs it)";
    AuditSetup s;
    s.writeConfig("");
    fs::create_directories(s.dir.file("dept"));
    ASSERT_EQ(fa(s, "ingest " + quote(departmentWithFlags(s))).exitCode, 0);
    ASSERT_EQ(fa(s, "audit nightly --date 2026-11-21").exitCode, 0);
    const auto run = parseObject(fa(s, "audit show 1 --json").out);
    const std::string report = run->getValue<std::string>("report_html");
    const std::string html = readFile(report);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg")); // nothing loaded from elsewhere
    EXPECT_EQ(html.find("https://"), std::string::npos);

    const std::string artefacts = std::string(FA_ARTEFACTS_DIR);
    fs::create_directories(artefacts);
    const std::string png = artefacts + "/nightly-audit-report.png";
    fs::remove(png);
    // The DOM as Chromium built it: the markup in the description is text, not an element.
    const auto dom = test::run(std::string(chromium) + " --headless --no-sandbox --disable-gpu --dump-dom " +
                               quote("file://" + report) + " 2>/dev/null");
    ASSERT_EQ(dom.exitCode, 0);
    EXPECT_EQ(dom.out.find("<script>alert(1)</script>"), std::string::npos);
    const auto shot = test::run(std::string(chromium) + " --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                "--window-size=1100,2000 --screenshot=" + quote(png) + " " + quote("file://" + report));
    ASSERT_EQ(shot.exitCode, 0) << shot.err;
    ASSERT_TRUE(fs::exists(png));
    EXPECT_GT(fs::file_size(png), 20000u) << "a blank page renders much smaller";
}

} // namespace
} // namespace fa
