// C-ECHO as a client: is a DICOM service answering?
#pragma once

#include <cstdint>
#include <string>

namespace fa::dicom {

// "" when `calledAe` at host:port answered a C-ECHO within `timeout_s`; otherwise why not.
std::string echo(const std::string& host, std::uint16_t port, const std::string& calledAe, int timeout_s = 5);

} // namespace fa::dicom
