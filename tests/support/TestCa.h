// A certificate authority of the test's own (openssl from Debian's package), with certificates it
// signs and one it does not, for TLS tests: DICOM over TLS and syslog over TLS.
#pragma once

#include <string>

namespace fa::test {

struct KeyPair {
    std::string certificate; // PEM file
    std::string privateKey;  // PEM file, unencrypted
};

class TestCa {
public:
    // Creates the authority in `folder` (RSA 2048, valid two days); throws std::runtime_error with
    // openssl's output when it cannot.
    explicit TestCa(const std::string& folder);
    const std::string& certificate() const { return certificate_; }
    // A key and a certificate for `commonName` signed by this authority (names as host names too).
    KeyPair issue(const std::string& commonName) const;
    // A self-signed key and certificate for `commonName`: trusted by nobody.
    KeyPair selfSigned(const std::string& commonName) const;

private:
    std::string folder_, certificate_, key_;
};

} // namespace fa::test
