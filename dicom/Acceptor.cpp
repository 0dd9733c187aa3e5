#include "dicom/Acceptor.h"

#include "core/Error.h"

#include <Poco/Logger.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace fa::dicom {

namespace {

constexpr unsigned char kAssociateRq = 0x01;
constexpr std::size_t kPduHeader = 6;
constexpr unsigned char kTlsHandshake = 0x16; // the content type of a TLS record holding a ClientHello
constexpr std::size_t kTlsRecordHeader = 5;
constexpr int kTick_ms = 250;
// The kernel holds a whole association request for us to look at without reading it.
constexpr int kReceiveBuffer = 256 * 1024;

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string addressOf(const sockaddr_in& peer) {
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    return text;
}

} // namespace

Acceptor::Acceptor(std::uint16_t port, const AcceptorLimits& limits, Poco::Logger& log) : limits_(limits), log_(log) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0) throw Error(systemError("cannot open a socket for the DICOM port"));
    const int on = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    ::setsockopt(listenFd_, SOL_SOCKET, SO_RCVBUF, &kReceiveBuffer, sizeof kReceiveBuffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons(port);
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listenFd_, 128) != 0) {
        const std::string why = systemError("cannot listen on DICOM port " + std::to_string(port));
        ::close(listenFd_);
        throw Error(why + " (is another service using it? choose another with --port)");
    }
    epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = listenFd_;
    if (epollFd_ < 0 || ::epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &event) != 0) {
        const std::string why = systemError("cannot watch DICOM port " + std::to_string(port));
        ::close(listenFd_);
        if (epollFd_ >= 0) ::close(epollFd_);
        throw Error(why);
    }
}

Acceptor::~Acceptor() {
    for (const auto& entry : waiting_) ::close(entry.first);
    ::close(epollFd_);
    ::close(listenFd_);
}

void Acceptor::stop() { stopping_ = true; }

void Acceptor::release(const std::string& address) {
    std::lock_guard<std::mutex> lock(countsMutex_);
    const auto it = perAddress_.find(address);
    if (it != perAddress_.end() && --it->second <= 0) perAddress_.erase(it);
}

void Acceptor::run(const std::function<void(Connection)>& ready) {
    std::vector<epoll_event> events(64);
    while (!stopping_) {
        const int n = ::epoll_wait(epollFd_, events.data(), static_cast<int>(events.size()), kTick_ms);
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == listenFd_) acceptAll();
            else if (waiting_.count(fd) && examine(fd, events[static_cast<std::size_t>(i)].events, ready)) waiting_.erase(fd);
        }
        expire();
    }
}

void Acceptor::acceptAll() {
    for (;;) {
        sockaddr_in peer{};
        socklen_t length = sizeof peer;
        int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
        if (fd >= 0 && fd <= STDERR_FILENO) { // DCMTK takes descriptors from 1 up only; keep clear of 0-2
            const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
            ::close(fd);
            fd = moved;
        }
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) refused(systemError("cannot accept a connection"));
            return; // EAGAIN: all taken; anything else: the next round tries again
        }
        const std::string address = addressOf(peer);
        if (!admit(address)) {
            ::close(fd);
            continue;
        }
        // Edge-triggered: woken once per arrival, so that a request that is still incomplete after
        // a look is not reported again until more of it comes.
        epoll_event event{};
        event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
        event.data.fd = fd;
        if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &event) != 0) {
            release(address);
            ::close(fd);
            refused(systemError("cannot watch a connection from " + address));
            continue;
        }
        waiting_[fd] = Waiting{address, std::chrono::steady_clock::now() + std::chrono::seconds(limits_.requestTimeout_s)};
    }
}

bool Acceptor::admit(const std::string& address) {
    if (static_cast<int>(waiting_.size()) >= limits_.waiting) {
        refused("closed a connection from " + address + ": " + std::to_string(limits_.waiting) +
                " connections are already waiting to send their association request");
        return false;
    }
    std::lock_guard<std::mutex> lock(countsMutex_);
    int& open = perAddress_[address];
    if (open >= limits_.perAddress) {
        refused("closed a connection from " + address + ": it already has " + std::to_string(open) +
                " open (at most " + std::to_string(limits_.perAddress) + " per address: dicom.max_associations + 8)");
        return false;
    }
    ++open;
    return true;
}

bool Acceptor::examine(int fd, std::uint32_t events, const std::function<void(Connection)>& ready) {
    std::vector<unsigned char>& head = peek_;
    head.resize(kPduHeader + limits_.requestBytes);
    const ssize_t n = ::recv(fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return false;
    if (n <= 0) {
        close(fd, "");
        return true;
    }
    const auto have = static_cast<std::size_t>(n);
    if (limits_.tls && head[0] == kAssociateRq) {
        close(fd, "it sent a plain (unencrypted) association request to the TLS port; plain DICOM goes to "
                  "[dicom] port");
        return true;
    }
    if (!limits_.tls && head[0] == kTlsHandshake) {
        close(fd, "it started TLS on the plain DICOM port; DICOM over TLS goes to [dicom] tls_port");
        return true;
    }
    if (head[0] != (limits_.tls ? kTlsHandshake : kAssociateRq)) {
        close(fd, limits_.tls ? "it sent something other than a TLS handshake"
                              : "it sent something other than an association request");
        return true;
    }
    // An association request: 6-byte header with a 32-bit length; a TLS record: 5 bytes, 16-bit length.
    const std::size_t header = limits_.tls ? kTlsRecordHeader : kPduHeader;
    // What is there is all that will come: a peer that gave up half-way frees its place at once.
    const bool closed = events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    const char* gaveUp = limits_.tls ? "it closed the connection before its TLS handshake was complete"
                                     : "it closed the connection before its association request was complete";
    if (have < header) {
        if (closed) close(fd, gaveUp);
        return closed;
    }
    const std::size_t length =
        limits_.tls ? (std::size_t(head[3]) << 8) | head[4]
                    : (std::size_t(head[2]) << 24) | (std::size_t(head[3]) << 16) | (std::size_t(head[4]) << 8) | head[5];
    if (length > limits_.requestBytes) {
        close(fd, "its association request of " + std::to_string(length) + " bytes is beyond the " +
                      std::to_string(limits_.requestBytes) + " accepted");
        return true;
    }
    if (have < header + length) {
        if (closed) close(fd, gaveUp);
        return closed;
    }
    ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
    ready(Connection{fd, waiting_[fd].address});
    return true;
}

void Acceptor::close(int fd, const std::string& why) {
    const std::string address = waiting_[fd].address;
    if (!why.empty()) log_.warning("closed a connection from %s: %s", address, why);
    ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    release(address);
}

void Acceptor::expire() {
    const auto now = std::chrono::steady_clock::now();
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->second.deadline > now) {
            ++it;
            continue;
        }
        close(it->first, "it sent no association request within " + std::to_string(limits_.requestTimeout_s) +
                             " s (dicom.acse_timeout_s)");
        it = waiting_.erase(it);
    }
}

void Acceptor::refused(const std::string& why) {
    const auto now = std::chrono::steady_clock::now();
    ++refusedSinceLog_;
    if (now - lastRefusalLog_ < std::chrono::seconds(10)) return;
    if (refusedSinceLog_ > 1)
        log_.warning("%s (and %s more refused since the last such line)", why, std::to_string(refusedSinceLog_ - 1));
    else
        log_.warning(why);
    refusedSinceLog_ = 0;
    lastRefusalLog_ = now;
}

} // namespace fa::dicom
