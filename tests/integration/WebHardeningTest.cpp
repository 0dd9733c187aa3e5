// What any caller on the web port can send: no body, however sent, is buffered without bound, and
// slow connections of one address cannot take the web UI away from everyone else.
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace fa {
namespace {

struct Answer {
    int status = 0;
    std::string body;
};

Answer get(int port, const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    Answer a;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), a.body);
    a.status = resp.getStatus();
    return a;
}

// A TCP connection to the web port from another loopback address (127.0.0.0/8 is all this machine).
int connectFrom(const char* source, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return -1;
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) return -1;
    return fd;
}

class WebHardening : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(dir_.file("fa.ini")) << "[audit]\nschedule = false\n";
        httpPort_ = test::freePort();
        service_ = std::make_unique<test::ServiceProcess>(FA_BINARY, dir_.file("data"), test::freePort(),
                                                          dir_.file("fa.ini"), httpPort_);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline) { // the web port's readiness
            try {
                if (get(httpPort_, "/api/health").status == 200) return;
            } catch (const Poco::Exception&) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        FAIL() << "the web port did not answer";
    }
    test::TempDir dir_;
    int httpPort_ = 0;
    std::unique_ptr<test::ServiceProcess> service_;
};

TEST_F(WebHardening, AChunkedBodyWithoutContentLengthIsRefusedPastTheLimit) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort_));
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req("POST", "/api/login", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setChunkedTransferEncoding(true);
    req.setContentType("application/json");
    std::ostream& out = session.sendRequest(req);
    const std::string block(1 << 20, ' ');
    Poco::Net::HTTPResponse resp;
    std::string body;
    bool cutOff = false; // the service answered and closed while the body was still coming
    try {
        for (int i = 0; i < 12 && out; ++i) out << block; // 12 MB, more than the 8 MB accepted
        cutOff = !out;
        Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    } catch (const Poco::Exception&) {
        cutOff = true;
    }
    EXPECT_TRUE(resp.getStatus() == 413 || cutOff) << resp.getStatus() << " " << body;
    EXPECT_EQ(get(httpPort_, "/api/health").status, 200) << "the service serves on";
    EXPECT_TRUE(service_->running());
}

// 80 connections from 127.0.0.2 that send a header line now and then (slowloris): the address
// gets its share of the workers, and a caller from 127.0.0.1 is answered at once.
TEST_F(WebHardening, SlowConnectionsOfOneAddressLeaveTheOthersServed) {
    std::vector<int> slow;
    for (int i = 0; i < 80; ++i) {
        const int fd = connectFrom("127.0.0.2", httpPort_);
        if (fd < 0) continue; // refused at once: that is the point
        const std::string start = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
        (void)::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
        slow.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (int fd : slow) (void)::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
    const auto start = std::chrono::steady_clock::now();
    const Answer a = get(httpPort_, "/api/health");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_LT(seconds, 2.0) << "the web UI waited for the slow connections";
    for (int fd : slow) ::close(fd);
}

TEST_F(WebHardening, AnOverlongUserNameIsRefusedBeforeAnythingIsKept) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(httpPort_));
    Poco::Net::HTTPRequest req("POST", "/api/login", Poco::Net::HTTPMessage::HTTP_1_1);
    const std::string body = "{\"username\":\"" + std::string(1 << 20, 'u') + "\",\"password\":\"x\"}";
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string answer;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), answer);
    EXPECT_EQ(resp.getStatus(), 400);
    EXPECT_EQ(answer, "{\"error\":\"a user name has at most 64 characters\",\"code\":\"login.nameTooLong\"}");
}

} // namespace
} // namespace fa
