// The whole data folder on a 5 MB file system that fills up while objects arrive: the service
// answers 0xA700 (its senders keep the objects), keeps running although its log file cannot grow,
// says "degraded" on /api/health, and recovers by itself when space returns; a procedure step is
// refused with 0x0213 meanwhile, and taken when it is sent again.
#include "tests/support/MppsScu.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/dcmdata/dcdeftag.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {
namespace {

using test::quote;
using test::waitFor;

std::string health(int port) {
    try {
        Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest req("GET", "/api/health", Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(req);
        Poco::Net::HTTPResponse resp;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
        return body;
    } catch (const Poco::Exception& e) {
        return "no answer: " + e.displayText();
    }
}

// Fills the file system of `path` completely; returns the filler.
std::string fill(const fs::path& folder) {
    const std::string filler = (folder / "filler").string();
    FILE* out = std::fopen(filler.c_str(), "wb");
    std::setvbuf(out, nullptr, _IONBF, 0); // every write reaches the file system, and fails there
    for (std::size_t size : {65536u, 4096u, 512u, 1u}) {
        const std::string block(size, 'x');
        while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) {
        }
    }
    std::fclose(out);
    return filler;
}

TEST(FullDisk, TheServiceRefusesStaysUpSaysDegradedAndRecovers) {
    test::TempDir dir;
    const fs::path disk = dir.path() / "disk";
    fs::create_directories(disk);
    if (::geteuid() != 0 || test::run("mount -t tmpfs -o size=5m tmpfs " + quote(disk.string())).exitCode != 0)
        GTEST_SKIP() << "cannot mount a 5 MB tmpfs (needs root)";
    struct Unmount {
        std::string path;
        ~Unmount() { test::run("umount -l " + quote(path)); }
    } unmount{disk.string()};
    const std::string data = (disk / "data").string();
    const std::string config = dir.file("fa.ini");
    std::ofstream(config) << "[dicom]\nspool_min_free_mb = 1\n[audit]\nschedule = false\n";
    std::vector<std::string> files;
    for (int i = 0; i < 4; ++i) {
        synth::Report r;
        r.events.resize(2);
        for (auto& e : r.events) e.uid = synth::newUid();
        files.push_back(dir.file("r" + std::to_string(i) + ".dcm"));
        synth::save(*synth::buildReport(r), files.back());
    }
    const int httpPort = test::freePort(), port = test::freePort();
    test::ServiceProcess service(FA_BINARY, data, port, config, httpPort);
    ASSERT_TRUE(waitFor([&] { return health(httpPort).find("\"status\":\"ok\"") != std::string::npos; }))
        << health(httpPort);
    EXPECT_EQ(test::successes(test::storescu(port, quote(files[0])).out), 1);
    const std::string stepUid = synth::newUid();
    DcmDataset created;
    created.putAndInsertString(DCM_PerformedProcedureStepStatus, "IN PROGRESS");
    DcmItem* scheduled = nullptr;
    created.findOrCreateSequenceItem(DCM_ScheduledStepAttributesSequence, scheduled, -2);
    scheduled->putAndInsertString(DCM_StudyInstanceUID, synth::newUid().c_str());
    EXPECT_EQ(test::MppsScu(port).create(stepUid, created), 0x0000);

    const std::string filler = fill(disk);
    const auto refused = test::storescu(port, quote(files[1]) + " " + quote(files[2]));
    EXPECT_EQ(test::successes(refused.out), 0) << refused.out;
    EXPECT_NE(refused.out.find("Refused: OutOfResources"), std::string::npos) << refused.out;
    // A procedure step cannot be received either: 0x0213 (resource limitation), and it is sent again.
    DcmDataset completed = synth::stepCompletion(3);
    EXPECT_EQ(test::MppsScu(port).set(stepUid, completed), 0x0213);
    EXPECT_TRUE(service.running());
    const std::string degraded = health(httpPort);
    EXPECT_NE(degraded.find("\"status\":\"degraded\""), std::string::npos) << degraded;
    EXPECT_NE(degraded.find("the spool cannot be written"), std::string::npos) << degraded;

    fs::remove(filler); // space returns: the same objects are taken, with nothing restarted
    const auto retried = test::storescu(port, quote(files[1]) + " " + quote(files[2]) + " " + quote(files[3]));
    EXPECT_EQ(test::successes(retried.out), 3) << retried.out;
    EXPECT_EQ(test::MppsScu(port).set(stepUid, completed), 0x0000);
    EXPECT_TRUE(waitFor([&] { return health(httpPort).find("\"status\":\"ok\"") != std::string::npos; }))
        << health(httpPort);
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    EXPECT_EQ(service.log().find("terminate called"), std::string::npos) << service.log();
    const auto studies = test::run(test::command(FA_BINARY, data) + " studies");
    EXPECT_NE(studies.out.find("5 stud"), std::string::npos) << studies.out << studies.err; // 4 reports and the step
}

// A log file that cannot grow (here /dev/full, where every write fails with "no space") used to
// end the service from inside an association; now its lines go to standard error and it serves on.
TEST(FullDisk, ALogFileThatCannotBeWrittenDoesNotStopTheService) {
    test::TempDir dir;
    const std::string config = dir.file("fa.ini");
    std::ofstream(config) << "[log]\nfile = /dev/full\n[audit]\nschedule = false\n";
    synth::Report r;
    r.events.resize(1);
    r.events[0].uid = synth::newUid();
    synth::save(*synth::buildReport(r), dir.file("r.dcm"));
    const int port = test::freePort();
    test::ServiceProcess service(FA_BINARY, dir.file("data"), port, config);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(test::successes(test::storescu(port, quote(dir.file("r.dcm"))).out), 1);
    EXPECT_TRUE(service.running());
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    const std::string log = service.log();
    EXPECT_NE(log.find("the log file /dev/full cannot be written"), std::string::npos) << log;
    EXPECT_NE(log.find("association CARM1@127.0.0.1 -> FLUOROAUDIT: 1 stored"), std::string::npos) << log;
    const auto studies = test::run(test::command(FA_BINARY, dir.file("data")) + " studies");
    EXPECT_NE(studies.out.find("1 study"), std::string::npos) << studies.out << studies.err;
}

} // namespace
} // namespace fa
