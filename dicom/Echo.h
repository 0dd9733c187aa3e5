// C-ECHO as a client: is a DICOM service answering?
#pragma once

#include <cstdint>
#include <string>

namespace fa::dicom {

struct EchoResult {
    bool answered = false; // a DICOM service answered (an echo, or a refused association)
    bool echoed = false;   // it accepted the association and answered the C-ECHO
    std::string detail;    // what went wrong, when something did
};

EchoResult echo(const std::string& host, std::uint16_t port, const std::string& calledAe, int timeout_s = 5);

} // namespace fa::dicom
