#include "tests/support/SmtpSink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace fa::test {

namespace {

// A line-oriented connection, plain or (after STARTTLS) TLS.
class Connection {
public:
    explicit Connection(int fd) : fd_(fd) {}
    ~Connection() {
        if (ssl_) {
            SSL_shutdown(ssl_);
            SSL_free(ssl_);
        }
        if (ctx_) SSL_CTX_free(ctx_);
    }
    bool startTls(const std::string& cert, const std::string& key) {
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (!ctx_ || SSL_CTX_use_certificate_file(ctx_, cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
            return false;
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        buffer_.clear();
        return SSL_accept(ssl_) == 1;
    }
    bool tls() const { return ssl_ != nullptr; }
    void send(const std::string& s) {
        if (ssl_) SSL_write(ssl_, s.data(), static_cast<int>(s.size()));
        else (void)::write(fd_, s.data(), s.size());
    }
    bool readLine(std::string& line) {
        for (;;) {
            const auto eol = buffer_.find("\r\n");
            if (eol != std::string::npos) {
                line = buffer_.substr(0, eol);
                buffer_.erase(0, eol + 2);
                return true;
            }
            pollfd p{fd_, POLLIN, 0};
            if (!(ssl_ && SSL_pending(ssl_) > 0) && ::poll(&p, 1, 10000) <= 0) return false;
            char chunk[4096];
            const long n = ssl_ ? SSL_read(ssl_, chunk, sizeof chunk) : ::read(fd_, chunk, sizeof chunk);
            if (n <= 0) return false;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string buffer_;
};

std::string address(const std::string& arg) { // "FROM:<a@b>" -> a@b
    const auto lt = arg.find('<'), gt = arg.find('>');
    if (lt == std::string::npos || gt == std::string::npos) return arg;
    return arg.substr(lt + 1, gt - lt - 1);
}

} // namespace

SmtpSink::SmtpSink(const std::string& certificate, const std::string& key) : certificate_(certificate), key_(key) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listenFd_, 4) != 0)
        throw std::runtime_error("SmtpSink: cannot listen on loopback");
    socklen_t len = sizeof a;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
}

SmtpSink::~SmtpSink() {
    stop_ = true;
    ::shutdown(listenFd_, SHUT_RDWR);
    ::close(listenFd_);
    if (thread_.joinable()) thread_.join();
}

std::vector<ReceivedMail> SmtpSink::mails() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return mails_;
}

bool SmtpSink::waitFor(std::size_t n, int seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (mails().size() >= n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

void SmtpSink::serve() {
    while (!stop_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        const int fd = ::accept(listenFd_, nullptr, nullptr);
        if (fd < 0) continue;
        session(fd);
        ::close(fd);
    }
}

void SmtpSink::session(int fd) {
    Connection c(fd);
    c.send("220 sink.localhost ESMTP test sink\r\n");
    ReceivedMail mail;
    std::string line;
    while (c.readLine(line)) {
        const std::string verb = line.substr(0, line.find(' '));
        std::string upper;
        for (char ch : verb) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (upper == "EHLO") {
            std::string reply = "250-sink.localhost\r\n";
            if (!certificate_.empty() && !c.tls()) reply += "250-STARTTLS\r\n";
            reply += "250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n";
            c.send(reply);
        } else if (upper == "HELO") {
            c.send("250 sink.localhost\r\n");
        } else if (upper == "STARTTLS" && !certificate_.empty()) {
            c.send("220 go ahead\r\n");
            if (!c.startTls(certificate_, key_)) return;
        } else if (upper == "AUTH") {
            // AUTH LOGIN: username and password, each base64 on its own line.
            c.send("334 VXNlcm5hbWU6\r\n");
            if (!c.readLine(line)) return;
            c.send("334 UGFzc3dvcmQ6\r\n");
            if (!c.readLine(line)) return;
            c.send("235 accepted\r\n");
        } else if (upper == "MAIL") {
            mail = ReceivedMail{};
            mail.from = address(line.substr(5));
            c.send("250 ok\r\n");
        } else if (upper == "RCPT") {
            mail.to.push_back(address(line.substr(5)));
            c.send("250 ok\r\n");
        } else if (upper == "DATA") {
            c.send("354 end with .\r\n");
            while (c.readLine(line) && line != ".") {
                if (!line.empty() && line[0] == '.') line.erase(0, 1);
                mail.data += line + "\r\n";
            }
            mail.overTls = c.tls();
            {
                std::lock_guard<std::mutex> lock(mutex_);
                mails_.push_back(mail);
            }
            c.send("250 queued\r\n");
        } else if (upper == "QUIT") {
            c.send("221 bye\r\n");
            return;
        } else if (upper == "RSET" || upper == "NOOP") {
            c.send("250 ok\r\n");
        } else {
            c.send("502 not implemented\r\n");
        }
    }
}

} // namespace fa::test
