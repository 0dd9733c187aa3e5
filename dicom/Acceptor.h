// The TCP side of the DICOM listener. Every connection is held here, on one thread and without a
// worker, until its first PDU (the association request, or on the TLS port the ClientHello) has
// arrived whole; only then is it handed on. A peer that connects and sends nothing, or sends slowly, therefore holds up nobody else and is
// closed after the ACSE timeout; connections are bounded per address and in total.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace Poco {
class Logger;
}

namespace fa::dicom {

struct AcceptorLimits {
    // Connections open at once from one address (waiting or in an association).
    int perAddress = 16;
    // Connections waiting for their association request, over all addresses.
    int waiting = 256;
    // An association request longer than this is not waited for (real ones are a few kilobytes).
    std::size_t requestBytes = 64 * 1024;
    int requestTimeout_s = 30;
    // The port speaks TLS: a connection is handed on once its first TLS record (the ClientHello)
    // is there whole, and plain DICOM is closed with a line saying where it belongs.
    bool tls = false;
};

class Acceptor {
public:
    struct Connection {
        int fd = -1;
        std::string address;
    };

    // Opens the port; throws fa::Error when it cannot.
    Acceptor(std::uint16_t port, const AcceptorLimits& limits, Poco::Logger& log);
    ~Acceptor();
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;

    // Hands each connection whose association request is there whole to `ready` (which then owns
    // the descriptor and calls release() when the connection has ended), until stop().
    void run(const std::function<void(Connection)>& ready);
    // Safe from any thread; run() returns within a quarter of a second.
    void stop();
    void release(const std::string& address);

private:
    struct Waiting {
        std::string address;
        std::chrono::steady_clock::time_point deadline;
    };
    void acceptAll();
    bool admit(const std::string& address);
    // Looks at what `fd` has sent so far: true when it is finished with (handed on or closed).
    bool examine(int fd, std::uint32_t events, const std::function<void(Connection)>& ready);
    void close(int fd, const std::string& why);
    void expire();
    void refused(const std::string& why);

    AcceptorLimits limits_;
    Poco::Logger& log_;
    int listenFd_ = -1;
    int epollFd_ = -1;
    std::atomic<bool> stopping_{false};
    std::map<int, Waiting> waiting_;
    std::vector<unsigned char> peek_; // what a connection has sent so far, looked at without reading it
    std::mutex countsMutex_;
    std::map<std::string, int> perAddress_;
    // Refusals are logged at most every ten seconds, with how many there were.
    long long refusedSinceLog_ = 0;
    std::chrono::steady_clock::time_point lastRefusalLog_{};
};

} // namespace fa::dicom
