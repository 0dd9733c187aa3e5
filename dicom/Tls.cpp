#include "dicom/Tls.h"

#include "core/Error.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmnet/assoc.h"
#include "dcmtk/dcmtls/tlslayer.h"

#include <openssl/x509.h>

#include <mutex>
#include <vector>

namespace fa::dicom {

namespace {

// Runs a hook on the connection's thread before DCMTK starts the handshake (the listener hands
// connections to DCMTK one at a time and must let the next one go before a slow peer's handshake).
class HookedTlsLayer : public DcmTLSTransportLayer {
public:
    HookedTlsLayer(T_ASC_NetworkRole networkRole, std::function<void()> hook)
        : DcmTLSTransportLayer(networkRole, nullptr, OFFalse), hook_(std::move(hook)) {}
    DcmTransportConnection* createConnection(DcmNativeSocketType socket, OFBool secure) override {
        if (hook_) hook_();
        return DcmTLSTransportLayer::createConnection(socket, secure);
    }

private:
    std::function<void()> hook_;
};

void initializeOpenSslOnce() {
    static std::once_flag once;
    std::call_once(once, [] { DcmTLSTransportLayer::initializeOpenSSL(); });
}

std::string problem(const std::string& what, const OFCondition& cond) { return what + " (" + cond.text() + ")"; }

// Configures `layer`; returns why it cannot be used, or "".
std::string configure(DcmTLSTransportLayer& layer, TlsRole role, const TlsFiles& files) {
    if (!layer) return "OpenSSL could not set up TLS";
    // Never OpenSSL's prompt on the terminal for an encrypted key: a service has no one to answer it.
    layer.setPrivateKeyPasswd("");
    if (files.caFile.empty() && (role == TlsRole::Requestor || files.requirePeerCertificate))
        return "[tls] ca_file: needed to verify the " +
               std::string(role == TlsRole::Requestor ? "PACS's certificate" : "certificates of DICOM peers");
    if (!files.caFile.empty())
        if (OFCondition c = layer.addTrustedCertificateFile(files.caFile.c_str(), DCF_Filetype_PEM); c.bad())
            return problem("[tls] ca_file: '" + files.caFile + "' holds no PEM certificate that can be read", c);
    if (files.certificate.empty() != files.privateKey.empty())
        return "[tls] certificate and private_key: set both or neither";
    if (role == TlsRole::Acceptor && files.certificate.empty())
        return "[tls] certificate and private_key: the TLS port needs this service's certificate and key";
    if (!files.certificate.empty()) {
        if (OFCondition c = layer.setPrivateKeyFile(files.privateKey.c_str(), DCF_Filetype_PEM); c.bad())
            return problem("[tls] private_key: '" + files.privateKey +
                               "' is not an unencrypted PEM private key (decrypt it with: openssl pkey -in KEY -out "
                               "NEWKEY, and keep it readable by the service only)",
                           c);
        if (OFCondition c = layer.setCertificateFile(files.certificate.c_str(), DCF_Filetype_PEM); c.bad())
            return problem("[tls] certificate: '" + files.certificate + "' is not a PEM certificate", c);
        if (!layer.checkPrivateKeyMatchesCertificate())
            return "[tls] private_key: '" + files.privateKey + "' is not the key of certificate '" + files.certificate + "'";
    }
    if (OFCondition c = layer.setTLSProfile(TSP_Profile_BCP195_ND); c.bad())
        return problem("OpenSSL does not offer the BCP 195 TLS profile", c);
    if (OFCondition c = layer.activateCipherSuites(); c.bad())
        return problem("OpenSSL does not offer the BCP 195 ciphersuites", c);
    if (role == TlsRole::Requestor) layer.setCertificateVerification(DCV_requireCertificate);
    else layer.setCertificateVerification(files.requirePeerCertificate ? DCV_requireCertificate : DCV_checkCertificate);
    return {};
}

} // namespace

std::unique_ptr<DcmTransportLayer> makeTlsLayer(TlsRole role, const TlsFiles& files, std::function<void()> beforeHandshake) {
    initializeOpenSslOnce();
    auto layer = std::make_unique<HookedTlsLayer>(role == TlsRole::Acceptor ? NET_ACCEPTOR : NET_REQUESTOR,
                                                  std::move(beforeHandshake));
    if (std::string why = configure(*layer, role, files); !why.empty()) throw Error("DICOM TLS: " + why);
    return layer;
}

std::string tlsProblem(TlsRole role, const TlsFiles& files) {
    initializeOpenSslOnce();
    DcmTLSTransportLayer layer(role == TlsRole::Acceptor ? NET_ACCEPTOR : NET_REQUESTOR, nullptr, OFFalse);
    return configure(layer, role, files);
}

std::string peerCertificateSubject(T_ASC_Association* assoc) {
    const unsigned long length = assoc ? ASC_getPeerCertificateLength(assoc) : 0;
    if (length == 0) return {};
    std::vector<unsigned char> der(length);
    if (ASC_getPeerCertificate(assoc, der.data(), length) != length) return {};
    const unsigned char* p = der.data();
    X509* certificate = d2i_X509(nullptr, &p, static_cast<long>(length));
    if (!certificate) return {};
    char subject[512] = {};
    X509_NAME_oneline(X509_get_subject_name(certificate), subject, sizeof subject);
    X509_free(certificate);
    return subject;
}

} // namespace fa::dicom
