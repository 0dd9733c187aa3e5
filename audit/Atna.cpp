#include "audit/Atna.h"

#include "audit/AuditReport.h"
#include "core/Error.h"
#include "core/HostName.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace fa {

namespace {

constexpr int kConnectTimeout_s = 5;
constexpr int kIoTimeout_s = 10;
constexpr int kRetryAfter_s = 5;

// XML 1.0 allows no control characters but tab, newline and carriage return.
std::string escaped(const std::string& text) {
    std::string clean = text;
    for (char& c : clean)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') c = ' ';
    return htmlEscape(clean);
}

std::string attribute(const char* name, const std::string& value) {
    return std::string(" ") + name + "=\"" + escaped(value) + "\"";
}

std::string coded(const char* element, const CodedValue& v) {
    return std::string("<") + element + attribute("csd-code", v.code) + attribute("codeSystemName", v.scheme) +
           attribute("originalText", v.meaning) + "/>";
}

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

bool isAddress(const std::string& host) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string utc(std::chrono::system_clock::time_point at, const char* format) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us), format);
}

// RFC 5424 PRINTUSASCII without spaces, at most `limit` characters, "-" when empty.
std::string headerField(const std::string& text, std::size_t limit) {
    std::string out;
    for (char c : text)
        if (c > 32 && c < 127 && out.size() < limit) out += c;
    return out.empty() ? "-" : out;
}

std::string openSslError() {
    const unsigned long e = ERR_get_error();
    char text[256] = {};
    if (e) ERR_error_string_n(e, text, sizeof text);
    ERR_clear_error();
    return e ? text : std::strerror(errno);
}

} // namespace

std::string atnaXml(const SecurityEvent& e, const AtnaSource& source) {
    // One line: syslog receivers store a message per line.
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><AuditMessage>";
    x += "<EventIdentification" + attribute("EventActionCode", std::string(1, e.action)) +
         attribute("EventDateTime", utc(e.at, "%Y-%m-%dT%H:%M:%S.%iZ")) +
         attribute("EventOutcomeIndicator", std::to_string(e.outcome)) + ">";
    x += coded("EventID", e.id);
    for (const auto& t : e.types) x += coded("EventTypeCode", t);
    if (!e.outcomeDescription.empty())
        x += "<EventOutcomeDescription>" + escaped(e.outcomeDescription) + "</EventOutcomeDescription>";
    x += "</EventIdentification>";
    for (const auto& p : e.participants) {
        x += "<ActiveParticipant" + attribute("UserID", p.userId);
        if (!p.alternativeUserId.empty()) x += attribute("AlternativeUserID", p.alternativeUserId);
        if (!p.userName.empty()) x += attribute("UserName", p.userName);
        x += attribute("UserIsRequestor", p.requestor ? "true" : "false");
        if (!p.networkAddress.empty())
            x += attribute("NetworkAccessPointID", p.networkAddress) +
                 attribute("NetworkAccessPointTypeCode", isAddress(p.networkAddress) ? "2" : "1");
        x += ">";
        if (!p.role.empty()) x += coded("RoleIDCode", p.role);
        x += "</ActiveParticipant>";
    }
    x += "<AuditSourceIdentification";
    if (!source.enterpriseSiteId.empty()) x += attribute("AuditEnterpriseSiteID", source.enterpriseSiteId);
    x += attribute("AuditSourceID", source.auditSourceId) + ">";
    x += coded("AuditSourceTypeCode", {"4", "DCM", "Application Server"});
    x += "</AuditSourceIdentification>";
    for (const auto& o : e.objects) {
        x += "<ParticipantObjectIdentification" + attribute("ParticipantObjectID", o.id) +
             attribute("ParticipantObjectTypeCode", std::to_string(o.typeCode)) +
             attribute("ParticipantObjectTypeCodeRole", std::to_string(o.roleCode)) + ">";
        x += coded("ParticipantObjectIDTypeCode", o.idType);
        if (!o.query.empty()) x += "<ParticipantObjectQuery>" + base64(o.query) + "</ParticipantObjectQuery>";
        if (!o.description.empty())
            x += "<ParticipantObjectDescription>" + escaped(o.description) + "</ParticipantObjectDescription>";
        for (const auto& [uid, count] : o.sopClasses)
            x += "<SOPClass" + attribute("UID", uid) + attribute("NumberOfInstances", std::to_string(count)) + "/>";
        x += "</ParticipantObjectIdentification>";
    }
    x += "</AuditMessage>";
    return x;
}

std::string syslogMessage(const std::string& xml, const AtnaSource& source, std::chrono::system_clock::time_point at) {
    // PRI 85: facility 10 (security/authorization), severity 5 (notice), as IHE ATNA asks.
    return "<85>1 " + utc(at, "%Y-%m-%dT%H:%M:%S.%iZ") + " " + headerField(source.hostName, 255) + " " +
           headerField(source.appName, 48) + " " + headerField(std::to_string(source.processId), 128) +
           " IHE+RFC-3881 - \xEF\xBB\xBF" + xml;
}

// One way to the repository: a UDP socket, or a TLS connection (made again after a failure).
struct AtnaSender::Connection {
    int fd = -1;
    sockaddr_storage address{};
    socklen_t addressLength = 0;
    SSL_CTX* context = nullptr;
    SSL* ssl = nullptr;

    ~Connection() { close(); }
    void close() {
        if (ssl) {
            SSL_shutdown(ssl);
            SSL_free(ssl);
            ssl = nullptr;
        }
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

AtnaSender::AtnaSender(const AtnaSettings& settings, const TlsSettings& tls, AtnaSource source, Poco::Logger& log)
    : settings_(settings), source_(std::move(source)), log_(log), connection_(std::make_unique<Connection>()) {
    if (const auto why = parseAtnaDestination(settings.destination, destination_); !why.empty())
        throw Error("[atna] destination: " + why);
    if (destination_.transport == AtnaDestination::Transport::Tls) {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        connection_->context = ctx;
        const bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
                        SSL_CTX_load_verify_locations(ctx, tls.caFile.c_str(), nullptr) == 1 &&
                        (tls.certificate.empty() ||
                         (SSL_CTX_use_certificate_chain_file(ctx, tls.certificate.c_str()) == 1 &&
                          SSL_CTX_use_PrivateKey_file(ctx, tls.privateKey.c_str(), SSL_FILETYPE_PEM) == 1 &&
                          SSL_CTX_check_private_key(ctx) == 1));
        if (!ok) {
            const std::string why = openSslError();
            if (ctx) SSL_CTX_free(ctx);
            connection_->context = nullptr;
            throw Error("[atna] destination " + settings.destination + ": cannot set up TLS with the [tls] files: " + why);
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    thread_ = std::thread([this] { run(); });
}

AtnaSender::~AtnaSender() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    connection_->close();
    if (connection_->context) SSL_CTX_free(connection_->context);
}

void AtnaSender::record(const SecurityEvent& event) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= static_cast<std::size_t>(settings_.queue)) {
            ++securityEventDelivery().dropped;
            return;
        }
        queue_.push_back(event);
    }
    wake_.notify_one();
}

void AtnaSender::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    std::chrono::steady_clock::time_point stopAt{};
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_ && stopAt == std::chrono::steady_clock::time_point{})
            stopAt = std::chrono::steady_clock::now() + std::chrono::seconds(2); // what is queued: 2 s more
        if (queue_.empty() || (stopping_ && std::chrono::steady_clock::now() > stopAt)) {
            if (stopping_) {
                securityEventDelivery().dropped += static_cast<long long>(queue_.size());
                return;
            }
            continue;
        }
        const SecurityEvent event = queue_.front();
        lock.unlock();
        const bool sent = send(syslogMessage(atnaXml(event, source_), source_, event.at));
        lock.lock();
        if (sent) {
            queue_.pop_front();
            ++securityEventDelivery().sent;
        } else if (stopping_) { // the repository does not answer: what is left is not sent
            securityEventDelivery().dropped += static_cast<long long>(queue_.size());
            return;
        } else {
            // Unreachable: wait, keeping the queue (it drops what comes beyond its bound).
            wake_.wait_for(lock, std::chrono::seconds(kRetryAfter_s), [this] { return stopping_; });
        }
    }
}

namespace {

// A socket connected to `host`:`port` within the timeout, or -1 with errno / `why` set.
int connectTo(const AtnaDestination& d, int type, std::string& why, sockaddr_storage* resolved = nullptr,
              socklen_t* resolvedLength = nullptr) {
    addrinfo hints{};
    hints.ai_socktype = type;
    hints.ai_family = AF_UNSPEC;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(d.host.c_str(), std::to_string(d.port).c_str(), &hints, &found); rc != 0) {
        why = "cannot resolve " + d.host + ": " + ::gai_strerror(rc);
        return -1;
    }
    int fd = -1;
    for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (type == SOCK_DGRAM) {
            if (resolved) std::memcpy(resolved, a->ai_addr, a->ai_addrlen);
            if (resolvedLength) *resolvedLength = a->ai_addrlen;
            break;
        }
        // Non-blocking connect bounded by the timeout, then blocking I/O with its own timeouts.
        const int flags = ::fcntl(fd, F_GETFL);
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, kConnectTimeout_s * 1000) == 1 ? 0 : -1;
            int error = rc == 0 ? 0 : ETIMEDOUT;
            socklen_t length = sizeof error;
            if (rc == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) {
                errno = error;
                rc = -1;
            }
        }
        if (rc != 0) {
            why = std::string("cannot connect: ") + std::strerror(errno);
            ::close(fd);
            fd = -1;
            continue;
        }
        ::fcntl(fd, F_SETFL, flags);
        timeval limit{kIoTimeout_s, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    }
    ::freeaddrinfo(found);
    return fd;
}

} // namespace

bool AtnaSender::send(const std::string& message) {
    Connection& c = *connection_;
    std::string why;
    if (destination_.transport == AtnaDestination::Transport::Udp) {
        if (c.fd < 0) c.fd = connectTo(destination_, SOCK_DGRAM, why, &c.address, &c.addressLength);
        if (c.fd >= 0 && ::sendto(c.fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&c.address),
                                  c.addressLength) == static_cast<ssize_t>(message.size())) {
            reachable_ = true;
            return true;
        }
        if (why.empty()) why = std::strerror(errno);
        c.close();
    } else {
        if (!c.ssl) {
            c.fd = connectTo(destination_, SOCK_STREAM, why);
            if (c.fd >= 0) {
                c.ssl = SSL_new(c.context);
                SSL_set_fd(c.ssl, c.fd);
                SSL_set_tlsext_host_name(c.ssl, destination_.host.c_str());
                // The repository's certificate must name the host it is reached by.
                SSL_set1_host(c.ssl, destination_.host.c_str());
                if (SSL_connect(c.ssl) != 1) {
                    const long verify = SSL_get_verify_result(c.ssl);
                    why = "TLS handshake failed: " +
                          (verify != X509_V_OK ? std::string(X509_verify_cert_error_string(verify)) : openSslError());
                    c.close();
                }
            }
        }
        if (c.ssl) {
            // RFC 5425 octet counting: "LENGTH SP MESSAGE".
            const std::string frame = std::to_string(message.size()) + " " + message;
            if (SSL_write(c.ssl, frame.data(), static_cast<int>(frame.size())) == static_cast<int>(frame.size())) {
                if (!reachable_) log_.information("ATNA: the audit repository %s takes messages again", settings_.destination);
                reachable_ = true;
                return true;
            }
            why = "sending failed: " + openSslError();
            c.close();
        }
    }
    if (reachable_)
        log_.warning("ATNA: cannot send to the audit repository %s (%s); messages wait (at most %d) and are sent when "
                     "it answers",
                     settings_.destination, why, settings_.queue);
    reachable_ = false;
    return false;
}

AtnaRecorder::AtnaRecorder(const Settings& settings, Poco::Logger& log) {
    if (settings.atna.destination.empty()) return;
    AtnaSource source;
    source.hostName = hostName();
    source.auditSourceId =
        settings.atna.sourceId.empty() ? settings.listener.aeTitle + "@" + source.hostName : settings.atna.sourceId;
    source.enterpriseSiteId = settings.atna.enterpriseSiteId;
    source.processId = static_cast<long>(::getpid());
    std::signal(SIGPIPE, SIG_IGN); // a repository that closes the connection is an error, not the end
    sender_ = std::make_shared<AtnaSender>(settings.atna, settings.tls, source, log);
    // The recorder holds the sender too: a record() under way when this ends still has it.
    std::shared_ptr<AtnaSender> sender = sender_;
    setSecurityEventRecorder([sender](const SecurityEvent& e) { sender->record(e); });
}

AtnaRecorder::~AtnaRecorder() {
    if (!sender_) return;
    setSecurityEventRecorder({});
    sender_.reset(); // sends what is queued (for a moment) first
}

} // namespace fa
