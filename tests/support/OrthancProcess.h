// A real Orthanc (Debian package `orthanc`) on loopback as the PACS of integration tests.
#pragma once

#include <string>
#include <sys/types.h>

namespace fa::test {

struct OrthancOptions {
    bool allowGet = false;                   // answer C-GET from any AE
    bool ignoreModalitiesInStudy = false;    // a Lua filter drops (0008,0061) from every C-FIND
    std::string plugin;                      // a plugin to load (its .so), or none
    std::string fluoroAuditSection;          // JSON of the "FluoroAudit" section, or none
    std::string aeTitle = "ORTHANC";
    std::string moreModalities;              // entries added to DicomModalities, e.g. "\"pacs\": [...]"
    bool modalitiesInDatabase = false;       // DicomModalitiesInDatabase: modalities may be added by REST
    // DICOM over TLS only (Orthanc's DicomTls*), also towards the FLUOROAUDIT modality, when set.
    std::string tlsCertificate, tlsPrivateKey, tlsTrusted;
    // The data folder of the plugin: on the PostgreSQL runs, Orthanc's process is given its test
    // store (tests/support/TestStore.h storeOf) in the environment.
    std::string fluoroAuditData;
};

class OrthancProcess {
public:
    // Starts Orthanc (AE title ORTHANC unless options say) on `dicomPort` with its data in `folder`, knowing the
    // modality FLUOROAUDIT at 127.0.0.1:`fluoroauditPort`; waits until it answers C-ECHO.
    OrthancProcess(const std::string& folder, int dicomPort, int fluoroauditPort, const OrthancOptions& options = {});
    ~OrthancProcess();
    static bool available(); // the orthanc package is installed
    int port() const { return port_; }
    std::string log() const; // what Orthanc logged
    int httpPort() const { return httpPort_; }
    // Sends `signal` and waits for Orthanc to end (SIGKILL: as a crash would).
    void kill(int signal);

private:
    pid_t pid_ = -1;
    int port_;
    std::string folder_;
    int httpPort_ = 0;
};

} // namespace fa::test
