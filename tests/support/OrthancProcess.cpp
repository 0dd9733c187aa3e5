#include "tests/support/OrthancProcess.h"

#include "dicom/DcmtkLog.h"
#include "dicom/Echo.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TestStore.h"

#include <chrono>
#include <csignal>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fa::test {

namespace {
constexpr const char* kOrthanc = "/usr/sbin/Orthanc";

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}
} // namespace

bool OrthancProcess::available() { return ::access(kOrthanc, X_OK) == 0; }

OrthancProcess::OrthancProcess(const std::string& folder, int dicomPort, int fluoroauditPort,
                               const OrthancOptions& options)
    : port_(dicomPort), folder_(folder), httpPort_(freePort()) {
    dicom::quietDcmtkLog(); // the readiness checks' C-ECHOs are no news
    std::filesystem::create_directories(folder);
    const std::string config = folder + "/orthanc.json";
    std::string lua;
    if (options.ignoreModalitiesInStudy) {
        // As a PACS that does not support Modalities in Study as a matching key.
        lua = folder + "/ignore-modalities-in-study.lua";
        std::ofstream(lua) << "function IncomingFindRequestFilter(query, origin)\n"
                           << "  query['0008,0061'] = nil\n"
                           << "  return query\n"
                           << "end\n";
    }
    const bool tls = !options.tlsCertificate.empty();
    const std::string fluoroaudit =
        tls ? "{\"AET\": \"FLUOROAUDIT\", \"Host\": \"127.0.0.1\", \"Port\": " + std::to_string(fluoroauditPort) +
                  ", \"UseDicomTls\": true}"
            : "[\"FLUOROAUDIT\", \"127.0.0.1\", " + std::to_string(fluoroauditPort) + "]";
    std::ofstream(config) << "{\n"
                          << "  \"Name\": \"fluoroaudit-test-pacs\",\n"
                          << "  \"StorageDirectory\": \"" << folder << "/storage\",\n"
                          << "  \"IndexDirectory\": \"" << folder << "/index\",\n"
                          << "  \"DicomAet\": \"" << options.aeTitle << "\",\n"
                          << "  \"DicomPort\": " << dicomPort << ",\n"
                          << "  \"HttpPort\": " << httpPort_ << ",\n"
                          << "  \"RemoteAccessAllowed\": false,\n"
                          << "  \"AuthenticationEnabled\": false,\n"
                          << "  \"DicomCheckCalledAet\": true,\n"
                          << "  \"DicomAlwaysAllowStore\": true,\n"
                          << "  \"DicomAlwaysAllowFind\": true,\n"
                          << "  \"DicomAlwaysAllowGet\": " << (options.allowGet ? "true" : "false") << ",\n"
                          << "  \"LuaScripts\": [" << (lua.empty() ? "" : "\"" + lua + "\"") << "],\n"
                          << (tls ? "  \"DicomTlsEnabled\": true,\n  \"DicomTlsCertificate\": \"" + options.tlsCertificate +
                                        "\",\n  \"DicomTlsPrivateKey\": \"" + options.tlsPrivateKey +
                                        "\",\n  \"DicomTlsTrustedCertificates\": \"" + options.tlsTrusted +
                                        "\",\n  \"DicomTlsRemoteCertificateRequired\": true,\n"
                                  : std::string())
                          << "  \"DicomModalities\": { \"fluoroaudit\": " << fluoroaudit
                          << (options.moreModalities.empty() ? "" : ", " + options.moreModalities) << " },\n"
                          << "  \"DicomModalitiesInDatabase\": " << (options.modalitiesInDatabase ? "true" : "false") << ",\n"
                          << (options.fluoroAuditSection.empty() ? ""
                                                                 : "  \"FluoroAudit\": " + options.fluoroAuditSection + ",\n")
                          << "  \"Plugins\": [" << (options.plugin.empty() ? "" : "\"" + options.plugin + "\"") << "]\n"
                          << "}\n";
    std::optional<store::StoreLocation> store;
    if (!options.fluoroAuditData.empty() && onPostgres()) store = storeOf(options.fluoroAuditData);
    pid_ = ::fork();
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (store) exportStore(*store);
        const std::string log = folder + "/orthanc.log";
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execl(kOrthanc, kOrthanc, config.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("Orthanc exited at start (" + folder + "/orthanc.log):\n" + log());
        }
        // Over TLS a plain C-ECHO is refused: the port taking connections is the sign there.
        if (tls ? accepts(port_) : dicom::echo("127.0.0.1", static_cast<std::uint16_t>(port_), options.aeTitle, 2).echoed)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    kill(SIGKILL); // the destructor does not run for a constructor that throws
    throw std::runtime_error("Orthanc did not answer C-ECHO on port " + std::to_string(port_) + " within 30 s (" +
                             folder + "/orthanc.log):\n" + log());
}

OrthancProcess::~OrthancProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

void OrthancProcess::kill(int signal) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string OrthancProcess::log() const {
    std::ifstream in(folder_ + "/orthanc.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace fa::test
