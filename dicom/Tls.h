// DICOM over TLS (PS3.15 B.9) with DCMTK's dcmtls on OpenSSL: the non-downgrading BCP 195 profile
// (TLS 1.2 or newer, AES-GCM ciphersuites), for the listener's TLS port and for the PACS client.
#pragma once

#include <functional>
#include <memory>
#include <string>

class DcmTransportLayer;
struct T_ASC_Association;

namespace fa::dicom {

struct TlsFiles {
    std::string certificate; // PEM: this side's certificate ("" = none, a client may go without)
    std::string privateKey;  // PEM, unencrypted, readable by the service only
    std::string caFile;      // PEM: the authorities whose certificates are trusted
    bool requirePeerCertificate = true;
};

enum class TlsRole { Acceptor, Requestor };

// DCMTK's TLS layer for `role`. `beforeHandshake` (may be empty) runs on the thread of each
// connection just before its handshake starts. Throws fa::Error naming the file that cannot be
// used and why.
std::unique_ptr<DcmTransportLayer> makeTlsLayer(TlsRole role, const TlsFiles& files,
                                                std::function<void()> beforeHandshake = {});

// Why `files` cannot be used for `role` ("" when they can): what check-config and serve ask before
// anything listens.
std::string tlsProblem(TlsRole role, const TlsFiles& files);

// The subject of the peer's certificate on a TLS association ("" when it has none).
std::string peerCertificateSubject(T_ASC_Association* assoc);

} // namespace fa::dicom
