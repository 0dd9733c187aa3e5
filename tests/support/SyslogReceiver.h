// A real syslog server (Debian's rsyslogd) on loopback, as the audit record repository of the
// ATNA tests: UDP (RFC 5426) and TLS (RFC 5425, OpenSSL driver) inputs, every message written as
// received to a file.
#pragma once

#include "tests/support/TestCa.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace fa::test {

class SyslogReceiver {
public:
    // Starts rsyslogd with its files in `folder`: UDP on udpPort(), TLS on tlsPort() with
    // `server` (signed by `ca`, which must also sign clients' certificates); waits until a message
    // sent to each input has arrived. Throws std::runtime_error with its output when it cannot.
    SyslogReceiver(const std::string& folder, const TestCa& ca, const KeyPair& server);
    ~SyslogReceiver();
    static bool available(); // rsyslogd and its OpenSSL driver are installed
    int udpPort() const { return udpPort_; }
    int tlsPort() const { return tlsPort_; }
    // The messages received so far (the readiness probes left out), one per line.
    std::vector<std::string> messages() const;

private:
    std::string folder_;
    int udpPort_, tlsPort_;
    pid_t pid_ = -1;
};

} // namespace fa::test
