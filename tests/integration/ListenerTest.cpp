// `fluoroaudit serve` with real DICOM peers (storescu from the dcmtk package): nothing acknowledged
// is ever lost, refusals are clean, and the service keeps serving.
#include "dicom/Spool.h"
#include "store/StudyStore.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scu.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {
namespace {

using test::quote;
using test::waitFor;
using test::ServiceProcess;

std::size_t spooled(const std::string& data) {
    return fs::is_directory(data + "/spool") ? dicom::Spool(data + "/spool").pending().size() : 0;
}


std::string join(const std::vector<std::string>& files, std::size_t from = 0, std::size_t to = SIZE_MAX) {
    std::string s;
    for (std::size_t i = from; i < std::min(to, files.size()); ++i) s += quote(files[i]) + " ";
    return s;
}

std::string studiesJson(const std::string& data) {
    return test::run(test::command(FA_BINARY, data) + " studies --json").out;
}

class Listener : public test::ServiceTest {};

TEST_F(Listener, RealFilesSentWithStorescuEndUpAsIngestGivesThem) {
    FA_REQUIRE_SHARED_DICOM(shared);
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(shared))
        if (e.path().extension() == ".dcm") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    const std::string direct = dir_.file("direct");
    fs::create_directories(direct);
    fs::create_directories(data());
    ASSERT_EQ(test::run(test::command(FA_BINARY, direct) + " ingest " + join(files)).exitCode, 0);
    // The same site, the same patient keys: the secret of the data folder, or of the group in PostgreSQL.
    if (test::onPostgres()) {
        const std::string secret = store::StudyStore(test::storeOf(direct)).groupSecret([]() -> std::string {
            throw std::logic_error("the ingest made no patient-key secret");
        });
        store::StudyStore(test::storeOf(data())).groupSecret([&] { return secret; });
    } else {
        fs::copy_file(direct + "/site-secret", data() + "/site-secret");
    }

    ServiceProcess service(FA_BINARY, data(), port_);
    const auto sent = test::storescu(port_, join(files));
    ASSERT_EQ(sent.exitCode, 0) << sent.out << sent.err;
    EXPECT_EQ(test::successes(sent.out + sent.err), static_cast<int>(files.size()));
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);

    auto strip = [](std::string json) { // timestamps differ, nothing else may
        for (const char* key : {"\"created_at\"", "\"updated_at\""})
            for (std::size_t p; (p = json.find(key)) != std::string::npos;)
                json.erase(p, json.find('\n', p) - p);
        return json;
    };
    EXPECT_EQ(strip(studiesJson(data())), strip(studiesJson(direct)));
    EXPECT_NE(service.log().find("stored, "), std::string::npos);
}

TEST_F(Listener, EightParallelSendersStoreEveryObjectOnceAndResendingChangesNothing) {
    std::vector<synth::Report> reports;
    const auto files = synth::writeReports((dir_.path() / "in").string(), 2000, 250, &reports);
    ServiceProcess service(FA_BINARY, data(), port_);
    auto sendAll = [&] {
        std::vector<std::thread> senders;
        std::vector<test::RunResult> results(8);
        for (std::size_t k = 0; k < 8; ++k)
            senders.emplace_back([&, k] { results[k] = test::storescu(port_, join(files, k * 250, (k + 1) * 250)); });
        for (auto& t : senders) t.join();
        int ok = 0;
        for (const auto& r : results) ok += test::successes(r.out + r.err);
        return ok;
    };
    EXPECT_EQ(sendAll(), 2000);
    store::StudyStore check(test::storeOf(data()));
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0 && check.studies({}).size() == 250; }, 120));
    const auto studies = check.studies({});
    for (const auto& s : studies) {
        EXPECT_EQ(s.objectCount, 8) << s.study.studyUid;
        EXPECT_EQ(s.summary.irradiationEvents, 8) << s.study.studyUid;
    }
    for (const auto& r : reports) ASSERT_TRUE(check.hasObject(r.studyUid, r.sopUid));
    const std::string before = studiesJson(data());

    EXPECT_EQ(sendAll(), 2000); // duplicates are answered with success
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }, 120));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_EQ(studiesJson(data()), before);
}

TEST_F(Listener, KillNineDuringASendLosesNothingTheSenderSawStored) {
    std::vector<synth::Report> reports;
    const auto files = synth::writeReports((dir_.path() / "in").string(), 600, 600, &reports);
    ServiceProcess service(FA_BINARY, data(), port_);
    const std::string out = dir_.file("storescu.out");
    std::thread sender([&] {
        test::run("(TCP_NODELAY=1 storescu -v -aet CARM1 -aec FLUOROAUDIT 127.0.0.1 " + std::to_string(port_) + " " +
                  join(files) + " >" + quote(out) + " 2>&1)");
    });
    struct Join {
        std::thread& t;
        ~Join() {
            if (t.joinable()) t.join();
        }
    } joinSender{sender};
    auto sentSoFar = [&] {
        std::ifstream in(out);
        std::stringstream s;
        s << in.rdbuf();
        return test::successes(s.str());
    };
    const bool started = waitFor([&] { return sentSoFar() >= 50; }, 60);
    service.stop(SIGKILL);
    ASSERT_TRUE(started) << service.log();
    sender.join();
    const int acknowledged = sentSoFar();
    ASSERT_GE(acknowledged, 50);
    ASSERT_LT(acknowledged, 600) << "the send finished before the kill; nothing was tested";

    service.restart();
    store::StudyStore check(test::storeOf(data()));
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    for (int i = 0; i < acknowledged; ++i)
        EXPECT_TRUE(check.hasObject(reports[static_cast<std::size_t>(i)].studyUid, reports[static_cast<std::size_t>(i)].sopUid))
            << "object " << i << " was acknowledged but is not stored";
}

// Needs root for a small tmpfs as the spool (CI and developer machines run as root).
TEST_F(Listener, FullOrReadOnlySpoolAnswersOutOfResourcesAndTheRetrySucceeds) {
    const std::string spool = data() + "/spool";
    fs::create_directories(spool);
    if (::geteuid() != 0 || test::run("mount -t tmpfs -o size=256k tmpfs " + quote(spool)).exitCode != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs as the spool (needs root)";
    struct Unmount {
        std::string path;
        ~Unmount() { test::run("umount " + quote(path)); }
    } unmount{spool};
    synth::Report big;
    big.events.resize(1500); // about 1 MB: more than the spool holds
    for (auto& e : big.events) e.uid = synth::newUid();
    const std::string bigFile = dir_.file("big.dcm");
    synth::save(*synth::buildReport(big), bigFile);
    const auto small = synth::writeReports((dir_.path() / "small").string(), 1, 1);

    ServiceProcess service(FA_BINARY, data(), port_);
    auto full = test::storescu(port_, quote(bigFile));
    EXPECT_NE(full.out.find("Refused: OutOfResources"), std::string::npos) << full.out;
    ASSERT_EQ(test::run("mount -o remount,size=8m " + quote(spool)).exitCode, 0); // space returns
    auto retry = test::storescu(port_, quote(bigFile));
    EXPECT_EQ(test::successes(retry.out), 1) << retry.out;

    ASSERT_EQ(test::run("mount -o remount,ro " + quote(spool)).exitCode, 0);
    auto readOnly = test::storescu(port_, join(small));
    EXPECT_NE(readOnly.out.find("Refused: OutOfResources"), std::string::npos) << readOnly.out;
    ASSERT_EQ(test::run("mount -o remount,rw " + quote(spool)).exitCode, 0);
    EXPECT_EQ(test::successes(test::storescu(port_, join(small)).out), 1);

    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    store::StudyStore check(test::storeOf(data()));
    EXPECT_TRUE(check.hasObject(big.studyUid, big.sopUid)) << service.log();
    EXPECT_EQ(check.study(big.studyUid)->summary.irradiationEvents, 1500);
    EXPECT_EQ(check.studies({}).size(), 2u);
    EXPECT_NE(service.log().find("answered 0xA700"), std::string::npos);
}

// Nested 200 levels deep (DCMTK's own stack ends near 5,600): refused before it is read, with a
// status that tells the sender not to try again, and the service serves on.
TEST_F(Listener, ADeeplyNestedObjectIsRefusedUnreadAndTheServiceServesOn) {
    const std::string deep = dir_.file("deep.dcm");
    std::ofstream(deep, std::ios::binary) << synth::deeplyNestedReport(200, synth::newUid(), synth::newUid());
    const auto good = synth::writeReports((dir_.path() / "good").string(), 1, 1);
    ServiceProcess service(FA_BINARY, data(), port_);
    const auto refused = test::storescu(port_, quote(deep));
    EXPECT_EQ(test::successes(refused.out), 0) << refused.out;
    EXPECT_NE(refused.out.find("Error: CannotUnderstand"), std::string::npos) << refused.out;
    EXPECT_EQ(test::successes(test::storescu(port_, join(good)).out), 1);
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("sequences nested more than 64 levels deep"), std::string::npos) << service.log();
    EXPECT_EQ(store::StudyStore(test::storeOf(data())).studies({}).size(), 1u);
}

// [limits] content_mb counts what DCMTK would build, every element but pixel data: a report of
// 2,000 events (3 MB, less than 1 MB of it values) is refused unread with the limit at 1 MB, and
// admitted once the limit is raised, as a site with such reports would configure it.
TEST_F(Listener, AnObjectBeyondContentMbIsRefusedUnreadAndAdmittedWhenTheLimitIsRaised) {
    synth::Report r = synth::reportWithEvents(2000);
    const std::string large = dir_.file("large.dcm");
    synth::save(*synth::buildReport(r), large);
    ASSERT_GT(fs::file_size(large), 2u << 20);
    {
        ServiceProcess service(FA_BINARY, data(), port_, config("[limits]\ncontent_mb = 1\n"));
        const auto refused = test::storescu(port_, quote(large));
        EXPECT_EQ(test::successes(refused.out), 0) << refused.out;
        EXPECT_NE(refused.out.find("Error: CannotUnderstand"), std::string::npos) << refused.out;
        EXPECT_NE(service.log().find("more than 1 MB besides pixel data"), std::string::npos) << service.log();
    }
    ServiceProcess service(FA_BINARY, data(), port_, config("[limits]\ncontent_mb = 4\n"));
    EXPECT_EQ(test::successes(test::storescu(port_, quote(large)).out), 1);
    ASSERT_TRUE(waitFor([&] { return store::StudyStore(test::storeOf(data())).studies({}).size() == 1; }, 120));
    EXPECT_EQ(*store::StudyStore(test::storeOf(data())).studies({}).front().summary.irradiationEvents, 2000);
}

TEST_F(Listener, UnknownCallersAndWrongCalledAeTitlesAreRefused) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 1, 1);
    ServiceProcess service(FA_BINARY, data(), port_,
                           config("[dicom]\nrequire_known_peers = true\n[peer.CARM1]\nae_title = CARM1\n"));
    const auto stranger = test::storescu(port_, join(files), "STRANGER");
    EXPECT_NE(stranger.exitCode, 0);
    EXPECT_NE((stranger.out + stranger.err).find("Association Rejected"), std::string::npos) << stranger.out;
    const auto wrongCalled = test::storescu(port_, join(files), "CARM1", "PACS");
    EXPECT_NE((wrongCalled.out + wrongCalled.err).find("Association Rejected"), std::string::npos);
    const auto known = test::storescu(port_, join(files), "CARM1");
    EXPECT_EQ(test::successes(known.out), 1) << known.out;
    EXPECT_EQ(service.stop(SIGTERM), 0);
    const std::string log = service.log();
    EXPECT_NE(log.find("refused association from STRANGER@127.0.0.1 to FLUOROAUDIT: calling AE title 'STRANGER' is not a known peer"),
              std::string::npos) << log;
    EXPECT_NE(log.find("refused association from CARM1@127.0.0.1 to PACS: it called AE title 'PACS', this service is 'FLUOROAUDIT'"),
              std::string::npos) << log;
}

void sendRaw(int port, const std::string& bytes, bool keepOpen, int* fdOut) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    if (!bytes.empty()) {
        ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
    if (keepOpen) *fdOut = fd;
    else ::close(fd);
}

TEST_F(Listener, RandomBytesAndAHalfOpenConnectionDoNotStopTheService) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 1, 1);
    ServiceProcess service(FA_BINARY, data(), port_, config("[dicom]\nacse_timeout_s = 3\n"));
    std::string noise(4096, '\0');
    for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919u + 13u) % 251u);
    sendRaw(port_, noise, false, nullptr);
    int halfOpen = -1;
    sendRaw(port_, "", true, &halfOpen); // connects and never speaks
    const auto next = test::storescu(port_, join(files));
    EXPECT_EQ(test::successes(next.out), 1) << next.out << next.err;
    ::close(halfOpen);
    EXPECT_EQ(service.stop(SIGTERM), 0);
}

// Holds `n` associations open at once with DCMTK's SCU; returns how many were accepted.
int holdAssociations(int port, int n, std::vector<std::unique_ptr<DcmSCU>>& held) {
    int accepted = 0;
    for (int i = 0; i < n; ++i) {
        auto scu = std::make_unique<DcmSCU>();
        scu->setAETitle("CARM1");
        scu->setPeerHostName("127.0.0.1");
        scu->setPeerPort(static_cast<Uint16>(port));
        scu->setPeerAETitle("FLUOROAUDIT");
        scu->setACSETimeout(10);
        OFList<OFString> ts;
        ts.push_back(UID_LittleEndianImplicitTransferSyntax);
        scu->addPresentationContext(UID_VerificationSOPClass, ts);
        if (scu->initNetwork().good() && scu->negotiateAssociation().good()) {
            ++accepted;
            held.push_back(std::move(scu));
        }
    }
    return accepted;
}

TEST_F(Listener, AssociationsBeyondTheLimitAreRefusedAndTheOthersComplete) {
    ServiceProcess service(FA_BINARY, data(), port_, config("[dicom]\nmax_associations = 3\n"));
    std::vector<std::unique_ptr<DcmSCU>> held;
    // The C-ECHO that checked the service's readiness holds a place until its worker has ended it
    // (a moment on a busy machine): asked again while fewer than 3 are taken; more is a failure.
    int accepted = 0;
    EXPECT_TRUE(waitFor([&] {
        for (auto& scu : held) scu->releaseAssociation();
        held.clear();
        accepted = holdAssociations(port_, 5, held);
        return accepted >= 3;
    }, 30));
    EXPECT_EQ(accepted, 3);
    for (auto& scu : held) EXPECT_TRUE(scu->sendECHORequest(0).good()); // the accepted ones work
    for (auto& scu : held) scu->releaseAssociation();
    held.clear();
    // Room again once the service has ended the released associations (on a busy machine that
    // takes a moment: asked until it is so).
    EXPECT_TRUE(waitFor([&] {
        for (auto& scu : held) scu->releaseAssociation();
        held.clear();
        return holdAssociations(port_, 1, held) == 1;
    }, 30));
    for (auto& scu : held) scu->releaseAssociation();
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("all 3 associations are busy"), std::string::npos) << service.log();
}

TEST_F(Listener, LeftoversInTheSpoolAreProcessedAtStartAndBrokenOnesQuarantined) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 1, 1);
    const std::string spool = data() + "/spool";
    fs::create_directories(spool);
    fs::copy_file(files[0], spool + "/00000000000000000001-00000001-1.CARM1.dcm");
    std::ofstream(spool + "/00000000000000000002-00000001-1.CARM1.dcm") << "not DICOM at all";
    ServiceProcess service(FA_BINARY, data(), port_, config("[processing]\nattempts = 2\n"));
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }, 30)) << service.log();
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_EQ(store::StudyStore(test::storeOf(data())).studies({}).size(), 1u);
    const auto list = test::run(test::command(FA_BINARY, data()) + " quarantine");
    EXPECT_NE(list.out.find("00000000000000000002-00000001-1.CARM1.dcm"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("not a DICOM file"), std::string::npos) << list.out;
    const auto retry = test::run(test::command(FA_BINARY, data()) +
                                 " quarantine --retry 00000000000000000002-00000001-1.CARM1.dcm");
    EXPECT_EQ(retry.exitCode, 0) << retry.err;
    EXPECT_EQ(spooled(data()), 1u);
}

TEST_F(Listener, StatusTellsWhetherItIsUp) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 3, 1);
    const int http = test::freePort();
    ServiceProcess service(FA_BINARY, data(), port_, "", http);
    test::storescu(port_, join(files));
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(2200)); // the status file is written every 2 s
    const auto up = test::run(test::command(FA_BINARY, data()) + " status");
    EXPECT_EQ(up.exitCode, 0) << up.out;
    EXPECT_NE(up.out.find("is running and answers C-ECHO as FLUOROAUDIT on port " + std::to_string(port_)), std::string::npos) << up.out;
    EXPECT_NE(up.out.find("Objects received    3"), std::string::npos) << up.out;
    EXPECT_NE(up.out.find("Web UI              http://localhost:" + std::to_string(http) + "/"), std::string::npos) << up.out;
    EXPECT_NE(up.out.find("from CARM1"), std::string::npos) << up.out;
    EXPECT_EQ(service.stop(SIGTERM), 0);
    const auto down = test::run(test::command(FA_BINARY, data()) + " status");
    EXPECT_EQ(down.exitCode, 3);
    EXPECT_NE(down.out.find("is not running (stopped at "), std::string::npos) << down.out;
    // Killed: the status file still says running, the data folder's lock says otherwise.
    service.restart();
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    service.stop(SIGKILL);
    const auto killed = test::run(test::command(FA_BINARY, data()) + " status");
    EXPECT_EQ(killed.exitCode, 3);
    EXPECT_NE(killed.out.find("is not running: it ended without stopping (killed or crashed) after "), std::string::npos)
        << killed.out;
}

// study UIDs of `studies --json` of a data folder, and how many entries it listed.
std::pair<std::set<std::string>, std::size_t> studyUids(const std::string& data) {
    const auto listed = test::run(test::command(FA_BINARY, data) + " studies --json");
    if (listed.exitCode != 0) throw std::runtime_error("studies --json failed: " + listed.err);
    const auto list = Poco::JSON::Parser().parse(listed.out).extract<Poco::JSON::Array::Ptr>();
    std::set<std::string> uids;
    for (std::size_t i = 0; i < list->size(); ++i) uids.insert(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid"));
    return {uids, list->size()};
}

// A backup taken while senders stream objects in holds every object acknowledged before it began:
// processed ones in its database, the others among its spooled objects, which a serve of the
// restored folder then files. Nothing is duplicated.
TEST_F(Listener, ABackupTakenDuringAStreamRestoresEveryAcknowledgedObject) {
    if (test::onPostgres()) GTEST_SKIP() << "backup copies a SQLite store; PostgreSQL is backed up with pg_dump";
    std::vector<synth::Report> first, second;
    const auto before = synth::writeReports((dir_.path() / "a").string(), 100, 100, &first);
    const auto during = synth::writeReports((dir_.path() / "b").string(), 300, 300, &second);
    ServiceProcess service(FA_BINARY, data(), port_);
    ASSERT_EQ(test::successes(test::storescu(port_, join(before)).out), 100);
    test::RunResult streamed;
    std::thread sender([&] { streamed = test::storescu(port_, join(during)); });
    struct Joined {
        std::thread& t;
        ~Joined() {
            if (t.joinable()) t.join();
        }
    } joined{sender};
    std::string why;
    const bool streaming = waitFor([&] {
        try {
            return studyUids(data()).first.size() >= 120;
        } catch (const std::exception& e) {
            why = e.what();
            return false;
        }
    });
    ASSERT_TRUE(streaming) << why << streamed.out << service.log();
    const std::size_t atStart = studyUids(data()).first.size() + spooled(data()); // acknowledged by now, at least
    const std::string backupDir = (dir_.path() / "backup").string();
    const auto backup = test::run(test::command(FA_BINARY, data()) + " backup " + quote(backupDir));
    sender.join();
    EXPECT_EQ(backup.exitCode, 0) << backup.err;
    EXPECT_NE(backup.out.find("and the site secret.\nThe site secret makes the patient keys"), std::string::npos) << backup.out;
    EXPECT_EQ(test::successes(streamed.out), 300);
    EXPECT_EQ(service.stop(SIGTERM), 0);

    const std::string restored = (dir_.path() / "restored").string();
    const auto restore = test::run(test::command(FA_BINARY, restored) + " restore " + quote(backupDir));
    ASSERT_EQ(restore.exitCode, 0) << restore.err;
    {
        ServiceProcess again(FA_BINARY, restored, test::freePort()); // files what the backup had spooled
        ASSERT_TRUE(waitFor([&] { return spooled(restored) == 0; }));
        EXPECT_EQ(again.stop(SIGTERM), 0);
    }
    const auto [uids, entries] = studyUids(restored);
    EXPECT_EQ(entries, uids.size()); // nothing twice
    EXPECT_GE(uids.size(), atStart);
    for (const auto& r : first) EXPECT_EQ(uids.count(r.studyUid), 1u) << r.studyUid;
    std::set<std::string> sent;
    for (const auto& r : first) sent.insert(r.studyUid);
    for (const auto& r : second) sent.insert(r.studyUid);
    for (const auto& u : uids) EXPECT_EQ(sent.count(u), 1u) << u;
    // The same site secret: the same patient keys.
    auto read = [](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    EXPECT_EQ(read(fs::path(restored) / "site-secret"), read(fs::path(data()) / "site-secret"));
}

// An object received but not yet processed is in the backup's spool and filed after a restore;
// restore refuses to run beside serve or over a store without --replace.
TEST_F(Listener, ASpooledObjectIsBackedUpAndRestoreProtectsAStore) {
    std::vector<synth::Report> reports;
    const auto files = synth::writeReports((dir_.path() / "in").string(), 2, 2, &reports);
    {
        ServiceProcess service(FA_BINARY, data(), port_);
        ASSERT_EQ(test::successes(test::storescu(port_, join(files, 0, 1)).out), 1);
        ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
        EXPECT_EQ(service.stop(SIGTERM), 0);
    }
    fs::copy_file(files[1], fs::path(data()) / "spool" / "00000000000000000009-00000001-1.CARM1.dcm");
    const std::string backupDir = (dir_.path() / "backup").string();
    const auto backup = test::run(test::command(FA_BINARY, data()) + " backup " + quote(backupDir));
    if (test::onPostgres()) { // the database is the server's to back up; the command says how
        EXPECT_EQ(backup.exitCode, 2);
        EXPECT_NE(backup.err.find("back that database up with pg_dump"), std::string::npos) << backup.err;
        EXPECT_FALSE(fs::exists(backupDir));
        const auto restore = test::run(test::command(FA_BINARY, data()) + " restore " + quote(backupDir));
        EXPECT_EQ(restore.exitCode, 2);
        EXPECT_NE(restore.err.find("`restore` does not copy"), std::string::npos) << restore.err;
        return;
    }
    ASSERT_EQ(backup.exitCode, 0) << backup.err;
    EXPECT_NE(backup.out.find("the database (1 study), 1 archived report, 1 object received and not yet processed"),
              std::string::npos) << backup.out;
    const auto again = test::run(test::command(FA_BINARY, data()) + " backup " + quote(backupDir));
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_NE(again.err.find("exists and is not an empty folder"), std::string::npos) << again.err;

    {
        ServiceProcess running(FA_BINARY, data(), port_);
        const auto beside = test::run(test::command(FA_BINARY, data()) + " restore " + quote(backupDir));
        EXPECT_EQ(beside.exitCode, 2);
        EXPECT_NE(beside.err.find("restore: fluoroaudit serve (pid " + std::to_string(running.pid()) + ") runs on " +
                                  data() + ": stop it first"),
                  std::string::npos)
            << beside.err;
        ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
        EXPECT_EQ(running.stop(SIGTERM), 0);
    }
    const auto over = test::run(test::command(FA_BINARY, data()) + " restore " + quote(backupDir));
    EXPECT_EQ(over.exitCode, 2);
    EXPECT_NE(over.err.find("already holds a store (2 studies): give --replace"), std::string::npos) << over.err;
    const auto replaced = test::run(test::command(FA_BINARY, data()) + " restore --replace " + quote(backupDir));
    ASSERT_EQ(replaced.exitCode, 0) << replaced.err;
    EXPECT_NE(replaced.out.find("1 object to process (serve processes them when it starts); the store it replaced is in "),
              std::string::npos) << replaced.out;
    EXPECT_EQ(studyUids(data()).first, std::set<std::string>{reports[0].studyUid});
    {
        ServiceProcess service(FA_BINARY, data(), port_);
        ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
        EXPECT_EQ(service.stop(SIGTERM), 0);
    }
    EXPECT_EQ(studyUids(data()).first, (std::set<std::string>{reports[0].studyUid, reports[1].studyUid}));
}

// One service per data folder; a port another service listens on is an error at start.
TEST_F(Listener, ASecondServeOnTheSameDataFolderOrPortIsRefused) {
    const int http = test::freePort();
    ServiceProcess first(FA_BINARY, data(), port_, "", http);
    const auto second = test::run(test::command(FA_BINARY, data()) + " serve --port " +
                                  std::to_string(test::freePort()) + " --http-port " + std::to_string(test::freePort()));
    EXPECT_EQ(second.exitCode, 2) << second.out << second.err;
    EXPECT_NE(second.err.find("another fluoroaudit serve (pid " + std::to_string(first.pid()) + ") runs on the data folder " +
                              data() + ": stop it first, or give this one its own --data"),
              std::string::npos)
        << second.err;
    const std::string other = (dir_.path() / "other").string();
    const auto samePort = test::run(test::command(FA_BINARY, other) + " serve --port " +
                                    std::to_string(test::freePort()) + " --http-port " + std::to_string(http));
    EXPECT_EQ(samePort.exitCode, 2) << samePort.out << samePort.err;
    EXPECT_NE(samePort.err.find("cannot serve the web UI on 0.0.0.0:" + std::to_string(http)), std::string::npos)
        << samePort.err;
    const auto sameDicomPort = test::run(test::command(FA_BINARY, other) + " serve --port " +
                                         std::to_string(port_) + " --http-port " + std::to_string(test::freePort()));
    EXPECT_EQ(sameDicomPort.exitCode, 2) << sameDicomPort.out << sameDicomPort.err;
    EXPECT_NE(sameDicomPort.err.find("cannot listen on DICOM port " + std::to_string(port_)), std::string::npos)
        << sameDicomPort.err;
}

// Compressed objects are accepted as received (never decoded) and their headers still counted.
TEST_F(Listener, CompressedTransferSyntaxesAreAcceptedAsReceived) {
    const std::string study = synth::newUid();
    struct Case {
        const char* name;
        const char* encoder;
        const char* propose; // storescu offers uncompressed only unless told
        const char* syntax;  // as storescu names it when it sends
    };
    const Case cases[] = {
        {"jpeg-lossless", "dcmcjpeg +e1", "-xs", "JPEG Lossless, Non-hierarchical, 1st Order Prediction"},
        {"jpeg-baseline", "dcmcjpeg +eb", "-xy", "JPEG Baseline"},
        {"jpeg-ls", "dcmcjpls", "-xt", "JPEG-LS Lossless"},
        {"rle", "dcmcrle", "-xr", "RLE Lossless"},
        {"deflate", "dcmconv +td", "-xd", "Deflated Explicit VR Little Endian"},
    };
    ServiceProcess service(FA_BINARY, data(), port_);
    for (const auto& c : cases) {
        synth::Image im;
        im.studyUid = study;
        im.withPixelData = true;
        im.exposureTime_ms = 750;
        const std::string raw = dir_.file(std::string(c.name) + "-raw.dcm"), out = dir_.file(std::string(c.name) + ".dcm");
        synth::save(*synth::buildImage(im), raw);
        ASSERT_EQ(test::run(std::string(c.encoder) + " " + quote(raw) + " " + quote(out)).exitCode, 0) << c.encoder;
        const auto sent = test::storescu(port_, quote(out), "CARM1", "FLUOROAUDIT", c.propose);
        EXPECT_EQ(test::successes(sent.out), 1) << c.name << "\n" << sent.out;
        // storescu names the syntax it sends in, also when it is the file's own
        EXPECT_NE(sent.out.find(std::string("-> ") + c.syntax), std::string::npos) << c.name << " was transcoded:\n"
                                                                                     << sent.out;
    }
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    const auto s = store::StudyStore(test::storeOf(data())).study(study);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->summary.irradiationEvents, 5);
    EXPECT_DOUBLE_EQ(*s->summary.acquisitionTime_s, 3.75);
    EXPECT_FALSE(fs::exists(data() + "/archive")); // image headers are not kept
}

// A peer's configured character set applies to its objects that leave Specific Character Set empty.
TEST_F(Listener, APeersCharacterSetDecodesItsUndeclaredText) {
    synth::Report r;
    r.characterSet = "";
    r.studyDescription = "\xC1\xD9\xCA\xB1\xBC\xB9\xCB\xE8"; // GB18030 for 临时脊髓
    synth::Event e;
    e.uid = synth::newUid();
    r.events = {e};
    const std::string file = dir_.file("gb.dcm");
    synth::save(*synth::buildReport(r), file);
    ServiceProcess service(FA_BINARY, data(), port_, config("[peer.CARM-PAIN]\nae_title = CARM_PAIN\ncharset = GB18030\n"));
    EXPECT_EQ(test::successes(test::storescu(port_, quote(file), "CARM_PAIN").out), 1);
    ASSERT_TRUE(waitFor([&] { return spooled(data()) == 0; }));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_EQ(store::StudyStore(test::storeOf(data())).study(r.studyUid)->study.studyDescription, "临时脊髓");
}

// A known peer with a host may only call from that host.
TEST_F(Listener, APeerBoundToAHostIsRefusedFromAnother) {
    const auto files = synth::writeReports((dir_.path() / "in").string(), 1, 1);
    ServiceProcess service(FA_BINARY, data(), port_, config("[peer.CARM1]\nae_title = CARM1\nhost = 10.9.9.9\n"));
    const auto r = test::storescu(port_, join(files), "CARM1");
    EXPECT_NE(r.out.find("Association Rejected"), std::string::npos) << r.out;
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("peer CARM1 must call from 10.9.9.9, not 127.0.0.1"), std::string::npos) << service.log();
}

TEST_F(Listener, SigtermFinishesWhatWasAcknowledged) {
    std::vector<synth::Report> reports;
    const auto files = synth::writeReports((dir_.path() / "in").string(), 200, 20, &reports);
    ServiceProcess service(FA_BINARY, data(), port_);
    const auto sent = test::storescu(port_, join(files));
    const int acknowledged = test::successes(sent.out);
    EXPECT_EQ(acknowledged, 200);
    EXPECT_EQ(service.stop(SIGTERM), 0); // immediately: the spool is drained before it exits
    EXPECT_EQ(spooled(data()), 0u);
    store::StudyStore check(test::storeOf(data()));
    for (const auto& r : reports) EXPECT_TRUE(check.hasObject(r.studyUid, r.sopUid));
}

} // namespace
} // namespace fa
