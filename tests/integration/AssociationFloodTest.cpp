// The DICOM port under attack: bursts of refused associations, connections that send nothing or
// send slowly, and too many connections from one address never stop `serve` or delay another peer.
#include "dicom/Echo.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/TempDir.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmnet/scu.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fa {
namespace {

using test::ServiceProcess;

// A connection to the service from `from` (any 127.x.y.z address is this machine).
int connectTo(int port, const char* from = "127.0.0.1") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &source.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
        ::close(fd);
        return -1;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Whether the service closed `fd` within `seconds` (a read that returns 0 or fails).
std::size_t openDescriptors(pid_t pid) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
    return n;
}

bool closedByPeer(int fd, int seconds) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, seconds * 1000) <= 0) return false;
    char byte = 0;
    return ::recv(fd, &byte, 1, 0) <= 0;
}

// One association request calling `calledAe`; true when the service answered it (accepted or
// rejected), false when the connection failed without an answer.
bool requestAssociation(int port, const std::string& calledAe, bool* accepted) {
    DcmSCU scu;
    scu.setAETitle("CARM1");
    scu.setPeerHostName("127.0.0.1");
    scu.setPeerPort(static_cast<Uint16>(port));
    scu.setPeerAETitle(calledAe.c_str());
    scu.setACSETimeout(30);
    scu.setConnectionTimeout(30);
    OFList<OFString> ts;
    ts.push_back(UID_LittleEndianImplicitTransferSyntax);
    scu.addPresentationContext(UID_VerificationSOPClass, ts);
    if (scu.initNetwork().bad()) return false;
    const OFCondition cond = scu.negotiateAssociation();
    *accepted = cond.good();
    if (cond.good()) scu.releaseAssociation();
    return cond.good() || cond == DUL_ASSOCIATIONREJECTED;
}

class AssociationFlood : public test::ServiceTest {};

// DCMTK 3.6.7's thread pool corrupted its heap under exactly this: 50 refused associations at once,
// eight times over (the service died with "malloc(): unsorted double linked list corrupted").
TEST_F(AssociationFlood, EightBurstsOfFiftyRefusedAssociationsAreAllAnsweredAndTheServiceServesOn) {
    ServiceProcess service(FA_BINARY, data(), port_, config("[dicom]\nmax_associations = 4\n"));
    const std::size_t descriptors = openDescriptors(service.pid());
    std::atomic<int> answered{0}, accepted{0};
    for (int round = 0; round < 8; ++round) {
        std::vector<std::thread> peers;
        for (int i = 0; i < 50; ++i)
            peers.emplace_back([&] {
                bool ok = false;
                if (requestAssociation(port_, "NOT-FLUOROAUDIT", &ok)) ++answered;
                if (ok) ++accepted;
            });
        for (auto& t : peers) t.join();
    }
    // Every request got an answer: a rejection, or (beyond the connections one address may hold)
    // a closed connection, never an accepted association with the wrong AE title.
    EXPECT_EQ(accepted.load(), 0);
    EXPECT_GT(answered.load(), 0);
    // Each connection is closed once answered: none is left behind.
    EXPECT_TRUE(test::waitFor([&] { return openDescriptors(service.pid()) <= descriptors; }, 20))
        << openDescriptors(service.pid()) << " descriptors open, " << descriptors << " before";
    const dicom::EchoResult echo = dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "FLUOROAUDIT", 10);
    EXPECT_TRUE(echo.echoed) << echo.detail;
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    EXPECT_NE(service.log().find("it called AE title 'NOT-FLUOROAUDIT', this service is 'FLUOROAUDIT'"), std::string::npos);
}

// Three connections that never speak and one that stops half-way through its request: a C-ECHO is
// answered at once (it waited the ACSE timeout per idle connection before), and the silent ones
// are closed when their ACSE timeout ends.
TEST_F(AssociationFlood, IdleAndHalfSentConnectionsDoNotDelayAnEcho) {
    ServiceProcess service(FA_BINARY, data(), port_, config("[dicom]\nacse_timeout_s = 4\n"));
    std::vector<int> idle;
    for (int i = 0; i < 3; ++i) idle.push_back(connectTo(port_));
    const int halfSent = connectTo(port_);
    const unsigned char start[] = {0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01}; // 256 bytes announced, 2 sent
    ASSERT_EQ(::send(halfSent, start, sizeof start, 0), static_cast<ssize_t>(sizeof start));
    const auto before = std::chrono::steady_clock::now();
    const dicom::EchoResult echo = dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "FLUOROAUDIT", 2);
    const auto took = std::chrono::steady_clock::now() - before;
    EXPECT_TRUE(echo.echoed) << echo.detail;
    EXPECT_LT(took, std::chrono::seconds(2));
    for (int fd : idle) EXPECT_TRUE(closedByPeer(fd, 20));
    EXPECT_TRUE(closedByPeer(halfSent, 20));
    for (int fd : idle) ::close(fd);
    ::close(halfSent);
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("closed a connection from 127.0.0.1: it sent no association request within 4 s"),
              std::string::npos) << service.log();
}

TEST_F(AssociationFlood, OneAddressCannotHoldMoreThanItsShareOfConnections) {
    // max_associations 2: 2 + 8 connections per address. They come from 127.0.0.2, so that the
    // readiness checks' own associations (from 127.0.0.1) do not count.
    ServiceProcess service(FA_BINARY, data(), port_, config("[dicom]\nmax_associations = 2\nacse_timeout_s = 60\n"));
    std::vector<int> idle;
    for (int i = 0; i < 10; ++i) idle.push_back(connectTo(port_, "127.0.0.2"));
    const int eleventh = connectTo(port_, "127.0.0.2");
    EXPECT_TRUE(closedByPeer(eleventh, 10));
    for (int fd : idle) EXPECT_FALSE(closedByPeer(fd, 0));
    ::close(eleventh);
    // Another address is served meanwhile.
    const dicom::EchoResult other = dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "FLUOROAUDIT", 5);
    EXPECT_TRUE(other.echoed) << other.detail << service.log();
    for (int fd : idle) ::close(fd);
    // Their places are free again once they are gone: a new connection is held, not closed.
    EXPECT_TRUE(test::waitFor([&] {
        const int fd = connectTo(port_, "127.0.0.2");
        const bool refused = closedByPeer(fd, 1);
        ::close(fd);
        return !refused;
    }, 20));
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("closed a connection from 127.0.0.2: it already has 10 open (at most 10 per address"),
              std::string::npos) << service.log();
}

TEST_F(AssociationFlood, AnAssociationRequestBeyondItsLimitIsClosedUnread) {
    ServiceProcess service(FA_BINARY, data(), port_);
    const int fd = connectTo(port_);
    const unsigned char huge[] = {0x01, 0x00, 0x7f, 0xff, 0xff, 0xff}; // announces 2 GB
    ASSERT_EQ(::send(fd, huge, sizeof huge, 0), static_cast<ssize_t>(sizeof huge));
    EXPECT_TRUE(closedByPeer(fd, 10));
    ::close(fd);
    EXPECT_TRUE(dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "FLUOROAUDIT", 5).echoed);
    EXPECT_EQ(service.stop(SIGTERM), 0);
    EXPECT_NE(service.log().find("its association request of 2147483647 bytes is beyond the 65536 accepted"),
              std::string::npos) << service.log();
}

} // namespace
} // namespace fa
