// DICOM over TLS: `serve` with [dicom] tls_port stores from a peer whose certificate the test CA
// signed (storescu +tls) and refuses an anonymous TLS peer, an untrusted certificate, TLS below 1.2,
// and plain DICOM on the TLS port, each with a log line; TLS files that cannot be used are refused
// by check-config and serve alike.
#include "tests/support/Run.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/TestCa.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <iterator>
#include <fstream>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace fa {
namespace {

using test::quote;

class DicomTls : public test::ServiceTest {
protected:
    void SetUp() override {
        ca_ = std::make_unique<test::TestCa>(dir_.file("ca"));
        server_ = ca_->issue("localhost");
        client_ = ca_->issue("CARM1");
        rogue_ = ca_->selfSigned("ROGUE");
    }
    std::string tlsConfig(const std::string& more = "", const std::string& dicom = "") const {
        return config("[dicom]\ntls_port = " + std::to_string(tlsPort_) + "\n" + dicom + "[tls]\ncertificate = " + server_.certificate +
                      "\nprivate_key = " + server_.privateKey + "\nca_file = " + ca_->certificate() + "\n" + more);
    }
    std::string report(const std::string& name) const {
        synth::Report r;
        synth::Event e;
        e.uid = synth::newUid();
        r.events = {e};
        const std::string file = dir_.file(name);
        synth::save(*synth::buildReport(r), file);
        return file;
    }

    std::unique_ptr<test::TestCa> ca_;
    test::KeyPair server_, client_, rogue_;
    int tlsPort_ = test::freePort();
};

TEST_F(DicomTls, ATrustedPeerIsStoredAndEveryOtherPeerOnTheTlsPortIsRefused) {
    test::ServiceProcess service(FA_BINARY, data(), port_, tlsConfig());
    const std::string file = report("report.dcm");
    const std::string trust = " +cf " + quote(ca_->certificate());

    const auto trusted = test::storescu(tlsPort_, quote(file), "CARM1", "FLUOROAUDIT",
                                        "+tls " + quote(client_.privateKey) + " " + quote(client_.certificate) + trust);
    EXPECT_EQ(test::successes(trusted.out), 1) << trusted.out;
    EXPECT_TRUE(test::waitFor([&] { return service.log().find("(TLS, certificate /CN=CARM1): 1 stored") != std::string::npos; }))
        << service.log();

    const auto anonymous = test::storescu(tlsPort_, quote(file), "CARM1", "FLUOROAUDIT", "+tla" + trust);
    EXPECT_EQ(test::successes(anonymous.out), 0) << anonymous.out;
    const auto untrusted = test::storescu(tlsPort_, quote(file), "CARM1", "FLUOROAUDIT",
                                          "+tls " + quote(rogue_.privateKey) + " " + quote(rogue_.certificate) + trust);
    EXPECT_EQ(test::successes(untrusted.out), 0) << untrusted.out;
    const auto plainOnTls = test::storescu(tlsPort_, quote(file));
    EXPECT_EQ(test::successes(plainOnTls.out), 0) << plainOnTls.out;
    const auto tlsOnPlain = test::storescu(port_, quote(file), "CARM1", "FLUOROAUDIT",
                                           "+tls " + quote(client_.privateKey) + " " + quote(client_.certificate) + trust);
    EXPECT_EQ(test::successes(tlsOnPlain.out), 0) << tlsOnPlain.out;
    // TLS 1.2 with a BCP 195 ciphersuite, the service's certificate verified against the test CA.
    const auto current = test::run("openssl s_client -connect 127.0.0.1:" + std::to_string(tlsPort_) +
                                   " -tls1_2 -verify_return_error -cert " + quote(client_.certificate) + " -key " +
                                   quote(client_.privateKey) + " -CAfile " + quote(ca_->certificate()) +
                                   " </dev/null 2>&1");
    EXPECT_EQ(current.exitCode, 0) << current.out;
    EXPECT_NE(current.out.find("Protocol  : TLSv1.2"), std::string::npos) << current.out;
    const char* const bcp195[] = {"DHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384",
                                  "ECDHE-RSA-AES256-GCM-SHA384"};
    EXPECT_TRUE(std::any_of(std::begin(bcp195), std::end(bcp195), [&](const char* suite) {
        return current.out.find("Cipher    : " + std::string(suite) + "\n") != std::string::npos;
    })) << current.out;
    EXPECT_NE(current.out.find("Verify return code: 0 (ok)"), std::string::npos) << current.out;
    // TLS 1.1 with every ciphersuite OpenSSL has: the handshake fails (the profile is TLS 1.2 or newer).
    const auto old = test::run("openssl s_client -connect 127.0.0.1:" + std::to_string(tlsPort_) +
                               " -tls1_1 -cipher 'ALL:@SECLEVEL=0' -cert " + quote(client_.certificate) + " -key " +
                               quote(client_.privateKey) + " -CAfile " + quote(ca_->certificate()) + " </dev/null 2>&1");
    EXPECT_NE(old.exitCode, 0) << old.out;
    EXPECT_NE(old.out.find("alert protocol version"), std::string::npos) << old.out;
    EXPECT_NE(old.out.find("Cipher is (NONE)"), std::string::npos) << old.out;

    // The anonymous peer, the self-signed certificate and TLS 1.1: three refusals naming the peer
    // (each logged by the worker that refused it, maybe after its peer has gone).
    auto refusals = [&](const std::string& log) {
        std::size_t n = 0;
        for (std::size_t at = 0; (at = log.find("refused a TLS connection from 127.0.0.1", at)) != std::string::npos; ++at)
            ++n;
        return n;
    };
    ASSERT_TRUE(test::waitFor([&] {
        const std::string log = service.log();
        return log.find("plain (unencrypted) association request to the TLS port") != std::string::npos &&
               log.find("started TLS on the plain DICOM port") != std::string::npos && refusals(log) >= 3;
    })) << service.log();
    const std::string log = service.log();
    EXPECT_EQ(refusals(log), 3u) << log;
    EXPECT_NE(log.find("and TLS port " + std::to_string(tlsPort_)), std::string::npos) << log;
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();

    const auto studies = test::run(test::command(FA_BINARY, data()) + " studies");
    EXPECT_NE(studies.out.find("1 study"), std::string::npos) << studies.out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++n;
    return n;
}

// Connects to `port` on this machine, sends `bytes` and closes the connection.
void sendAndClose(int port, const std::string& bytes) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// With one association at a time an address may hold 9 connections: peers that give up their
// handshake half-way must not keep those places until the ACSE timeout (here 600 s), or the next
// good peer from that address is turned away.
TEST_F(DicomTls, APeerThatGivesUpItsHandshakeFreesItsPlaceAtOnce) {
    test::ServiceProcess service(FA_BINARY, data(), port_, tlsConfig("", "max_associations = 1\nacse_timeout_s = 600\n"));
    const std::string echo = "echoscu -aec FLUOROAUDIT +tls " + quote(client_.privateKey) + " " + quote(client_.certificate) +
                             " +cf " + quote(ca_->certificate()) + " 127.0.0.1 " + std::to_string(tlsPort_) + " 2>&1";
    // A TLS record that announces 512 bytes of handshake, 6 of them sent.
    const std::string partial("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    for (int i = 0; i < 9; ++i) sendAndClose(tlsPort_, partial);
    ASSERT_TRUE(test::waitFor([&] {
        return occurrences(service.log(), "closed the connection before its TLS handshake was complete") == 9;
    })) << service.log();
    const auto first = test::run(echo);
    EXPECT_EQ(first.exitCode, 0) << first.out << service.log();
    // A whole record that is no ClientHello: the handshake fails in a worker, which lets go at once.
    const std::string broken = std::string("\x16\x03\x01\x00\x20", 5) + std::string(32, '\x01');
    for (std::size_t i = 1; i <= 9; ++i) { // one after another: the echo before may still hold its place for a moment
        sendAndClose(tlsPort_, broken);
        ASSERT_TRUE(test::waitFor([&] { return occurrences(service.log(), "refused a TLS connection from 127.0.0.1") == i; }))
            << service.log();
    }
    const auto second = test::run(echo);
    EXPECT_EQ(second.exitCode, 0) << second.out << service.log();
}

TEST_F(DicomTls, WithoutRequiredCertificatesAnAnonymousPeerIsServed) {
    test::ServiceProcess service(FA_BINARY, data(), port_, tlsConfig("require_peer_certificate = false\n"));
    const auto anonymous = test::storescu(tlsPort_, quote(report("report.dcm")), "CARM1", "FLUOROAUDIT",
                                          "+tla +cf " + quote(ca_->certificate()));
    EXPECT_EQ(test::successes(anonymous.out), 1) << anonymous.out;
    EXPECT_TRUE(test::waitFor([&] { return service.log().find("(TLS, no certificate): 1 stored") != std::string::npos; }))
        << service.log();
}

// What serve would fail on at start is refused by check-config first, with the key named.
TEST_F(DicomTls, TlsFilesThatCannotBeUsedAreRefusedByCheckConfigAndServeAlike) {
    const test::KeyPair other = ca_->issue("OTHER");
    const std::string encrypted = dir_.file("encrypted.key");
    ASSERT_EQ(test::run("openssl pkey -in " + quote(server_.privateKey) + " -aes256 -passout pass:secret -out " +
                        quote(encrypted))
                  .exitCode,
              0);
    const std::string port = "tls_port = " + std::to_string(tlsPort_) + "\n";
    const std::string ca = "ca_file = " + ca_->certificate() + "\n";
    struct Case {
        std::string ini, problem;
    };
    const Case cases[] = {
        {"[dicom]\n" + port, "[tls] ca_file: needed to verify the certificates of DICOM peers (for [dicom] tls_port)"},
        {"[dicom]\n" + port + "[tls]\n" + ca,
         "[tls] certificate and private_key: the TLS port needs this service's certificate and key"},
        {"[dicom]\n" + port + "[tls]\n" + ca + "certificate = " + server_.certificate + "\n",
         "[tls] certificate and private_key: set both or neither"},
        {"[dicom]\n" + port + "[tls]\n" + ca + "certificate = /etc/hostname\nprivate_key = " + server_.privateKey + "\n",
         "[tls] certificate: '/etc/hostname' is not a PEM certificate"},
        {"[dicom]\n" + port + "[tls]\n" + ca + "certificate = " + server_.certificate + "\nprivate_key = " +
             other.privateKey + "\n",
         "[tls] private_key: '" + other.privateKey + "' is not the key of certificate"},
        {"[dicom]\n" + port + "[tls]\n" + ca + "certificate = " + server_.certificate + "\nprivate_key = " + encrypted + "\n",
         "[tls] private_key: '" + encrypted + "' is not an unencrypted PEM private key"},
        {"[tls]\nca_file = /etc/hostname\n[pacs]\ntls = true\n",
         "[tls] ca_file: '/etc/hostname' holds no PEM certificate that can be read"},
        {"[pacs]\ntls = true\n", "[tls] ca_file: needed to verify the PACS's certificate (for [pacs] tls)"},
        {"[dicom]\nport = 11112\ntls_port = 11112\n", "[dicom] tls_port: 11112 is also [dicom] port"},
    };
    for (const auto& c : cases) {
        const std::string ini = config(c.ini);
        // stdin closed: an encrypted key must never wait for a password on the terminal.
        const auto checked = test::run(quote(FA_BINARY) + " check-config " + quote(ini) + " </dev/null");
        EXPECT_EQ(checked.exitCode, 2) << c.ini << checked.out;
        EXPECT_NE(checked.err.find(c.problem), std::string::npos) << c.ini << checked.err;
        const auto served = test::run(test::command(FA_BINARY, data()) + " --config " + quote(ini) +
                                      " serve --port " + std::to_string(test::freePort()) + " --http-port 0 </dev/null");
        EXPECT_EQ(served.exitCode, 2) << c.ini << served.err;
        EXPECT_NE(served.err.find(c.problem), std::string::npos) << c.ini << served.err;
    }
}

} // namespace
} // namespace fa
