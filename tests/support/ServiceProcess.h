// A real `fluoroaudit serve` started as a child process on a free loopback port, for integration
// tests with real DICOM peers.
#pragma once

#include <string>
#include <sys/types.h>

namespace fa::test {

// A TCP port that nothing uses right now, outside the range the kernel gives outgoing connections.
int freePort();

class ServiceProcess {
public:
    // Starts `binary serve` with --data and --port (and --config when given) and waits for its
    // readiness as systemd does (READY=1 on NOTIFY_SOCKET), then checks that its ports answer;
    // throws std::runtime_error (with its log) when it exits, is not ready within 60 s, or said
    // ready too early. On the PostgreSQL runs its store is the test database of `dataDir`
    // (tests/support/TestStore.h storeOf), unless `config` has a [store] section.
    // httpPort 0: no web UI (the default, so that parallel tests do not compete for 8080).
    ServiceProcess(const std::string& binary, const std::string& dataDir, int port, const std::string& config = "",
                   int httpPort = 0);
    ~ServiceProcess(); // SIGKILL if still running

    // Sends `signal` and waits; returns the exit code (or 128 + signal when killed by it).
    int stop(int signal);
    bool running() const { return pid_ > 0; }
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string log() const; // what it printed
    void restart();

private:
    void start();

    std::string binary_, dataDir_, config_, logFile_;
    int port_;
    int httpPort_ = 0;
    pid_t pid_ = -1;
};

// storescu from the dcmtk package, TCP_NODELAY set; returns its run result (verbose output).
struct RunResult;
RunResult storescu(int port, const std::string& files, const std::string& callingAe = "CARM1",
                   const std::string& calledAe = "FLUOROAUDIT", const std::string& extra = "");
// How many "Received Store Response (Success)" lines the output holds.
int successes(const std::string& storescuOutput);

} // namespace fa::test
