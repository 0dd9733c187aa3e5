#include "tests/support/SyslogReceiver.h"

#include "tests/support/Run.h"
#include "tests/support/ServiceProcess.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fa::test {

namespace {
constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";
constexpr const char* kProbe = "fluoroaudit-test-probe";

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

bool SyslogReceiver::available() {
    return ::access(kRsyslogd, X_OK) == 0 &&
           std::filesystem::exists("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so");
}

SyslogReceiver::SyslogReceiver(const std::string& folder, const TestCa& ca, const KeyPair& server)
    : folder_(folder), udpPort_(freePort()), tlsPort_(freePort()) {
    std::filesystem::create_directories(folder + "/work");
    const std::string config = folder + "/rsyslog.conf";
    // %rawmsg%: the message exactly as it arrived (header, BOM and XML), one per line.
    std::ofstream(config) << "global(workDirectory=\"" << folder << "/work\" DefaultNetstreamDriver=\"ossl\"\n"
                          << "  DefaultNetstreamDriverCAFile=\"" << ca.certificate() << "\"\n"
                          << "  DefaultNetstreamDriverCertFile=\"" << server.certificate << "\"\n"
                          << "  DefaultNetstreamDriverKeyFile=\"" << server.privateKey << "\"\n"
                          << "  maxMessageSize=\"64k\")\n"
                          << "module(load=\"imudp\")\n"
                          << "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" "
                             "StreamDriver.AuthMode=\"x509/certvalid\")\n"
                          << "input(type=\"imudp\" port=\"" << udpPort_ << "\" address=\"127.0.0.1\")\n"
                          << "input(type=\"imtcp\" port=\"" << tlsPort_ << "\" address=\"127.0.0.1\")\n"
                          << "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
                          << "action(type=\"omfile\" file=\"" << folder << "/received.log\" template=\"raw\")\n";
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int out = ::open((folder + "/rsyslogd.out").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(out, 1);
        ::dup2(out, 2);
        const std::string pidFile = folder + "/rsyslogd.pid";
        ::execl(kRsyslogd, kRsyslogd, "-n", "-f", config.c_str(), "-i", pidFile.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Ready when a probe sent to each input has been written out.
    const std::string udpProbe = "printf '<13>1 - - test - - - " + std::string(kProbe) + " udp' > /dev/udp/127.0.0.1/" +
                                 std::to_string(udpPort_);
    const std::string tlsProbe = "printf '<13>1 - - test - - - " + std::string(kProbe) + " tls\\n' | timeout 5 openssl s_client -quiet -no_ign_eof "
                                 "-connect 127.0.0.1:" + std::to_string(tlsPort_) + " -CAfile " + quote(ca.certificate()) +
                                 " -cert " + quote(server.certificate) + " -key " + quote(server.privateKey) +
                                 " >/dev/null 2>&1";
    const bool ready = waitFor([&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("rsyslogd exited at start:\n" + readFile(folder + "/rsyslogd.out"));
        }
        const std::string received = readFile(folder + "/received.log");
        const bool udp = received.find(std::string(kProbe) + " udp") != std::string::npos;
        const bool tls = received.find(std::string(kProbe) + " tls") != std::string::npos;
        if (!udp) run("bash -c " + quote(udpProbe));
        if (!tls) run("bash -c " + quote(tlsProbe));
        return udp && tls;
    }, 30);
    if (!ready) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        throw std::runtime_error("rsyslogd did not receive on UDP " + std::to_string(udpPort_) + " and TLS " +
                                 std::to_string(tlsPort_) + " within 30 s:\n" + readFile(folder + "/rsyslogd.out"));
    }
}

SyslogReceiver::~SyslogReceiver() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

std::vector<std::string> SyslogReceiver::messages() const {
    std::vector<std::string> out;
    std::ifstream in(folder_ + "/received.log");
    for (std::string line; std::getline(in, line);)
        if (line.find(kProbe) == std::string::npos && !line.empty()) out.push_back(line);
    return out;
}

} // namespace fa::test
