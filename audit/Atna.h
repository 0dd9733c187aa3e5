// IHE ATNA audit messages: each recorded security event (core/SecurityEvent.h) as DICOM PS3.15
// A.5 XML in an RFC 5424 syslog message, sent to an audit record repository over UDP (RFC 5426)
// or TLS (RFC 5425). Sending never blocks whoever records: events wait in a bounded queue for the
// sender's thread, and what does not fit while the repository is unreachable is dropped and
// counted (/metrics).
#pragma once

#include "core/SecurityEvent.h"
#include "pipeline/Settings.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace Poco {
class Logger;
}

namespace fa {

// Who sends the messages: AuditSourceIdentification, and the syslog header's host and application.
struct AtnaSource {
    std::string auditSourceId;    // e.g. FLUOROAUDIT@host
    std::string enterpriseSiteId; // "" = none
    std::string hostName;
    std::string appName = "fluoroaudit";
    long processId = 0;
};

// The PS3.15 A.5 AuditMessage of `event` (UTF-8 XML).
std::string atnaXml(const SecurityEvent& event, const AtnaSource& source);
// The RFC 5424 syslog message carrying `xml` (facility authpriv, severity notice, MSGID
// IHE+RFC-3881, UTF-8 with its BOM).
std::string syslogMessage(const std::string& xml, const AtnaSource& source,
                          std::chrono::system_clock::time_point at);

class AtnaSender {
public:
    // Starts the sender's thread; nothing is sent before the first event.
    AtnaSender(const AtnaSettings& settings, const TlsSettings& tls, AtnaSource source, Poco::Logger& log);
    // Sends what is queued for at most `flush_s` seconds more, then stops.
    ~AtnaSender();
    AtnaSender(const AtnaSender&) = delete;
    AtnaSender& operator=(const AtnaSender&) = delete;

    // Queues `event`; never blocks (a full queue drops it, counted in securityEventDelivery()).
    void record(const SecurityEvent& event);

private:
    struct Connection;
    void run();
    bool send(const std::string& message);

    AtnaSettings settings_;
    AtnaDestination destination_;
    AtnaSource source_;
    Poco::Logger& log_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<SecurityEvent> queue_;
    bool stopping_ = false;
    std::unique_ptr<Connection> connection_;
    bool reachable_ = true; // as last logged
    std::thread thread_;
};

// Installs an AtnaSender as this process's recorder when `settings` name a destination, and
// removes it again when destroyed, after sending what is queued (for two seconds at most).
class AtnaRecorder {
public:
    AtnaRecorder(const Settings& settings, Poco::Logger& log);
    ~AtnaRecorder();
    bool active() const { return sender_ != nullptr; }

private:
    std::shared_ptr<AtnaSender> sender_;
};

} // namespace fa
