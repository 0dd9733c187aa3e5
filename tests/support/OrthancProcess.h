// A real Orthanc (Debian package `orthanc`) on loopback as the PACS of integration tests.
#pragma once

#include <string>
#include <sys/types.h>

namespace fa::test {

class OrthancProcess {
public:
    // Starts Orthanc (AE title ORTHANC) on `dicomPort` with its data in `folder`, knowing the
    // modality FLUOROAUDIT at 127.0.0.1:`fluoroauditPort`; waits until it answers C-ECHO.
    OrthancProcess(const std::string& folder, int dicomPort, int fluoroauditPort);
    ~OrthancProcess();
    static bool available(); // the orthanc package is installed
    int port() const { return port_; }

private:
    pid_t pid_ = -1;
    int port_;
};

} // namespace fa::test
