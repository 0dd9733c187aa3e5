#include "tests/support/ServiceProcess.h"

#include "dicom/DcmtkLog.h"
#include "dicom/Echo.h"
#include "tests/support/Run.h"
#include "tests/support/TestStore.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cstddef>
#include <cstring>
#include <utility>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fa::test {

int freePort() {
    // Below the kernel's ephemeral range (32768-60999 on Debian): a port taken there can be
    // claimed a moment later as the local end of any outgoing connection (the flood tests open
    // hundreds), and Orthanc or serve then fails to bind it.
    // A port is not bound until the process it is for starts: one handed out already in this
    // process is never handed out again (a test's DICOM and HTTP ports were once the same one).
    static std::mutex lock;
    static std::set<int> given;
    const std::lock_guard<std::mutex> hold(lock);
    static std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    std::uniform_int_distribution<int> pick(20000, 32000);
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const int port = pick(random);
        if (given.count(port)) continue;
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_ANY); // as Orthanc binds its DICOM port
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (free) {
            given.insert(port);
            return port;
        }
    }
    throw std::runtime_error("no free TCP port between 20000 and 32000");
}

ServiceProcess::ServiceProcess(const std::string& binary, const std::string& dataDir, int port,
                               const std::string& config, int httpPort)
    : binary_(binary), dataDir_(dataDir), config_(config), logFile_(dataDir + ".serve.log"), port_(port),
      httpPort_(httpPort) {
    dicom::quietDcmtkLog();
    start();
}

ServiceProcess::~ServiceProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

namespace {
// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}
} // namespace

namespace {
// A datagram socket in the abstract namespace, as systemd's NOTIFY_SOCKET: `serve` sends READY=1
// there once it is ready. Returns the descriptor and the name to give in NOTIFY_SOCKET.
std::pair<int, std::string> notifySocket() {
    static int counter = 0;
    const std::string name = "fa-test-notify-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path + 1, name.data(), name.size()); // sun_path[0] = 0: abstract
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), length) != 0)
        throw std::runtime_error("cannot make a notify socket: " + std::string(std::strerror(errno)));
    return {fd, "@" + name};
}
} // namespace

void ServiceProcess::start() {
    const auto [notify, notifyName] = notifySocket();
    // On the PostgreSQL runs: the test database of its data folder, unless its configuration names
    // the store (the sites of a group share one).
    bool ownStore = onPostgres();
    if (ownStore && !config_.empty()) {
        std::ifstream in(config_);
        for (std::string line; ownStore && std::getline(in, line);) ownStore = line.rfind("[store]", 0) != 0;
    }
    const store::StoreLocation store = ownStore ? storeOf(dataDir_) : store::StoreLocation(std::string());
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // never outlive the test, even one that aborts
        const int out = ::open(logFile_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::setenv("NOTIFY_SOCKET", notifyName.c_str(), 1);
        if (ownStore) exportStore(store);
        const std::string port = std::to_string(port_), http = std::to_string(httpPort_);
        if (config_.empty())
            ::execl(binary_.c_str(), binary_.c_str(), "--data", dataDir_.c_str(), "serve", "--port", port.c_str(),
                    "--http-port", http.c_str(), static_cast<char*>(nullptr));
        else
            ::execl(binary_.c_str(), binary_.c_str(), "--data", dataDir_.c_str(), "--config", config_.c_str(),
                    "serve", "--port", port.c_str(), "--http-port", http.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Waits for READY=1, as systemd does (no guess at a time, however busy the machine).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool ready = false;
    while (!ready && std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            ::close(notify);
            pid_ = -1;
            throw std::runtime_error("fluoroaudit serve exited at start:\n" + log());
        }
        pollfd p{notify, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buf[512];
        const ssize_t n = ::recv(notify, buf, sizeof buf, 0);
        if (n > 0) ready = std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos;
    }
    ::close(notify);
    if (!ready) throw std::runtime_error("fluoroaudit serve did not say READY=1 within 60 s:\n" + log());
    // Ready means every port it serves answers now, not in a moment.
    if (!dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), "FLUOROAUDIT", 5).answered)
        throw std::runtime_error("fluoroaudit serve said READY=1 but does not answer C-ECHO:\n" + log());
    if (httpPort_ > 0 && !accepts(httpPort_))
        throw std::runtime_error("fluoroaudit serve said READY=1 but its web port does not accept:\n" + log());
}

void ServiceProcess::restart() {
    if (pid_ > 0) stop(SIGTERM);
    start();
}

int ServiceProcess::stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

std::string ServiceProcess::log() const {
    std::ifstream in(logFile_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

RunResult storescu(int port, const std::string& files, const std::string& callingAe, const std::string& calledAe,
                   const std::string& extra) {
    // Its log goes to standard error: both streams are returned in `out`.
    return run("(TCP_NODELAY=1 storescu -v -aet " + quote(callingAe) + " -aec " + quote(calledAe) + " " + extra +
               " 127.0.0.1 " + std::to_string(port) + " " + files + " 2>&1)");
}

int successes(const std::string& output) {
    int n = 0;
    for (std::size_t pos = 0; (pos = output.find("Received Store Response (Success)", pos)) != std::string::npos; ++pos)
        ++n;
    return n;
}

} // namespace fa::test
