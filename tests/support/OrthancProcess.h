// A real Orthanc (Debian package `orthanc`) on loopback as the PACS of integration tests.
#pragma once

#include <string>
#include <sys/types.h>

namespace fa::test {

struct OrthancOptions {
    bool allowGet = false;                   // answer C-GET from any AE
    bool ignoreModalitiesInStudy = false;    // a Lua filter drops (0008,0061) from every C-FIND
};

class OrthancProcess {
public:
    // Starts Orthanc (AE title ORTHANC) on `dicomPort` with its data in `folder`, knowing the
    // modality FLUOROAUDIT at 127.0.0.1:`fluoroauditPort`; waits until it answers C-ECHO.
    OrthancProcess(const std::string& folder, int dicomPort, int fluoroauditPort, const OrthancOptions& options = {});
    ~OrthancProcess();
    static bool available(); // the orthanc package is installed
    int port() const { return port_; }

private:
    pid_t pid_ = -1;
    int port_;
};

} // namespace fa::test
