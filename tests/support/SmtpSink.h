// An SMTP server on loopback that accepts every message and keeps it, for tests of the report
// mail; optionally offers STARTTLS with a given certificate and key (OpenSSL).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fa::test {

struct ReceivedMail {
    std::string from;
    std::vector<std::string> to;
    std::string data; // the message as sent, dot-unstuffed
    bool overTls = false;
};

class SmtpSink {
public:
    // certificate/key: PEM files; "" = no STARTTLS offered.
    explicit SmtpSink(const std::string& certificate = "", const std::string& key = "");
    ~SmtpSink();
    int port() const { return port_; }
    std::vector<ReceivedMail> mails() const;
    // Waits up to `seconds` for at least `n` mails.
    bool waitFor(std::size_t n, int seconds) const;

private:
    void serve();
    void session(int fd);

    int listenFd_ = -1;
    int port_ = 0;
    std::string certificate_, key_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<ReceivedMail> mails_;
};

} // namespace fa::test
