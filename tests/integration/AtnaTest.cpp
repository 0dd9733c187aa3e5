// IHE ATNA: `serve` sends its audit messages to a real syslog server (Debian's rsyslogd) on loopback,
// over UDP and over TLS. Every message is an RFC 5424 syslog message (PRI 85, MSGID IHE+RFC-3881,
// a BOM) carrying a DICOM PS3.15 audit message that xmllint validates against the schema
// (tests/integration/data/audit-message.rng); the events name their participants and objects.
// A repository that cannot be reached never holds up receiving: what does not fit is dropped and
// counted in /metrics.
#include "tests/support/Run.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/SyslogReceiver.h"
#include "tests/support/TestCa.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <regex>

namespace fa {
namespace {

using test::quote;

struct AuditMessage {
    std::string header; // the syslog header, up to the BOM
    std::string xml;
    bool has(const std::string& text) const { return xml.find(text) != std::string::npos; }
};

std::vector<AuditMessage> parse(const std::vector<std::string>& lines) {
    std::vector<AuditMessage> out;
    for (const auto& line : lines) {
        const auto bom = line.find("\xEF\xBB\xBF");
        out.push_back(bom == std::string::npos ? AuditMessage{line, ""}
                                               : AuditMessage{line.substr(0, bom), line.substr(bom + 3)});
    }
    return out;
}

// The event's code: EventID csd-code.
std::string eventId(const AuditMessage& m) {
    static const std::regex id("<EventID csd-code=\"([0-9]+)\"");
    std::smatch match;
    return std::regex_search(m.xml, match, id) ? match[1].str() : "";
}

class Atna : public test::ServiceTest {
protected:
    void SetUp() override {
        if (!test::SyslogReceiver::available())
            GTEST_SKIP() << "rsyslogd with its OpenSSL driver is not installed (deploy/install-deps.sh installs rsyslog "
                            "and rsyslog-openssl)";
        ca_ = std::make_unique<test::TestCa>(dir_.file("ca"));
        repositoryKeys_ = ca_->issue("localhost");
        ours_ = ca_->issue("FLUOROAUDIT");
    }
    std::string tlsFiles() const {
        return "[tls]\ncertificate = " + ours_.certificate + "\nprivate_key = " + ours_.privateKey +
               "\nca_file = " + ca_->certificate() + "\n";
    }
    // Reports of `count` studies, patient IDs PID-0, PID-1, ...; returns the study UIDs.
    std::vector<std::string> reports(int count, std::string& files) const {
        std::vector<std::string> uids;
        for (int i = 0; i < count; ++i) {
            synth::Report r;
            r.patientId = "PID-" + std::to_string(i);
            synth::Event e;
            e.uid = synth::newUid();
            r.events = {e};
            const std::string file = dir_.file("report" + std::to_string(i) + ".dcm");
            synth::save(*synth::buildReport(r), file);
            files += quote(file) + " ";
            uids.push_back(r.studyUid);
        }
        return uids;
    }
    // Every message is a syslog message carrying a schema-valid audit message.
    void expectWellFormed(const std::vector<AuditMessage>& messages) const {
        static const std::regex header(R"(<85>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ fluoroaudit \d+ IHE\+RFC-3881 - )");
        for (const auto& m : messages) {
            EXPECT_TRUE(std::regex_match(m.header, header)) << m.header;
            const std::string file = dir_.file("message.xml");
            std::ofstream(file, std::ios::trunc) << m.xml;
            const auto valid = test::run("xmllint --noout --relaxng " +
                                         quote(std::string(FA_SOURCE_DIR) + "/tests/integration/data/audit-message.rng") +
                                         " " + quote(file) + " 2>&1");
            EXPECT_EQ(valid.exitCode, 0) << valid.out << m.xml;
        }
    }

    std::unique_ptr<test::TestCa> ca_;
    test::KeyPair repositoryKeys_, ours_;
};

TEST_F(Atna, ServeSendsEachKindOfEventOverUdpAsAValidAuditMessage) {
    test::SyslogReceiver repository(dir_.file("syslog"), *ca_, repositoryKeys_);
    const std::string ini = config("[atna]\ndestination = udp://127.0.0.1:" + std::to_string(repository.udpPort()) +
                                   "\nenterprise_site_id = HOSPITAL-1\n[audit]\nschedule = false\n");
    const std::string fa = test::command(FA_BINARY, data()) + " --config " + quote(ini) + " ";
    ASSERT_EQ(test::run("echo alice-password-1 | " + fa + "user add alice --role admin").exitCode, 0);

    const int httpPort = test::freePort();
    test::ServiceProcess service(FA_BINARY, data(), port_, ini, httpPort);
    std::string files;
    const auto studies = reports(2, files);
    ASSERT_EQ(test::successes(test::storescu(port_, files).out), 2);
    const std::string api = "http://127.0.0.1:" + std::to_string(httpPort) + "/api/";
    const std::string cookies = dir_.file("cookies");
    EXPECT_EQ(test::run("curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "
                        "'{\"username\":\"alice\",\"password\":\"wrong-password\"}' " + api + "login").out,
              "401");
    EXPECT_EQ(test::run("curl -s -o /dev/null -w '%{http_code}' -c " + quote(cookies) +
                        " -H 'Content-Type: application/json' -d "
                        "'{\"username\":\"alice\",\"password\":\"alice-password-1\"}' " + api + "login").out,
              "200");
    ASSERT_TRUE(test::waitFor([&] {
        return service.log().find("2 stored") != std::string::npos;
    })) << service.log();
    EXPECT_EQ(test::run("curl -s -o /dev/null -w '%{http_code}' -b " + quote(cookies) + " " + api + "export/studies.csv").out,
              "200");
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();

    std::vector<AuditMessage> messages;
    ASSERT_TRUE(test::waitFor([&] {
        messages = parse(repository.messages());
        return !messages.empty() && eventId(messages.back()) == "110100" && messages.back().has("csd-code=\"110121\"");
    }, 20)) << messages.size() << " messages";
    expectWellFormed(messages);
    std::map<std::string, std::vector<AuditMessage>> byEvent;
    for (const auto& m : messages) byEvent[eventId(m)].push_back(m);
    // user add (CLI), start, 2 transfers, failed and successful login, export, stop.
    EXPECT_EQ(messages.size(), 8u);

    ASSERT_EQ(byEvent["110113"].size(), 1u);
    const auto& userAdded = byEvent["110113"][0];
    EXPECT_TRUE(userAdded.has("<EventTypeCode csd-code=\"110136\" codeSystemName=\"DCM\" originalText=\"Security Roles Changed\"/>"))
        << userAdded.xml;
    EXPECT_TRUE(userAdded.has("ParticipantObjectID=\"alice\" ParticipantObjectTypeCode=\"1\" ParticipantObjectTypeCodeRole=\"11\""))
        << userAdded.xml;

    ASSERT_EQ(byEvent["110100"].size(), 2u);
    EXPECT_TRUE(byEvent["110100"][0].has("csd-code=\"110120\"")) << byEvent["110100"][0].xml;
    EXPECT_TRUE(byEvent["110100"][0].has("<ActiveParticipant UserID=\"FLUOROAUDIT\"")) << byEvent["110100"][0].xml;
    EXPECT_TRUE(byEvent["110100"][0].has("AuditEnterpriseSiteID=\"HOSPITAL-1\" AuditSourceID=\"FLUOROAUDIT@"))
        << byEvent["110100"][0].xml;

    ASSERT_EQ(byEvent["110104"].size(), 2u);
    for (int i = 0; i < 2; ++i) {
        const auto& transfer = byEvent["110104"][static_cast<std::size_t>(i)];
        EXPECT_TRUE(transfer.has("EventActionCode=\"C\"")) << transfer.xml;
        EXPECT_TRUE(transfer.has("<ActiveParticipant UserID=\"CARM1\" UserIsRequestor=\"true\" NetworkAccessPointID=\"127.0.0.1\" "
                                 "NetworkAccessPointTypeCode=\"2\"><RoleIDCode csd-code=\"110153\""))
            << transfer.xml;
        EXPECT_TRUE(transfer.has("<SOPClass UID=\"1.2.840.10008.5.1.4.1.1.88.67\" NumberOfInstances=\"1\"/>")) << transfer.xml;
    }
    for (int i = 0; i < 2; ++i) {
        const std::string study = "ParticipantObjectID=\"" + studies[static_cast<std::size_t>(i)] + "\"";
        const std::string patient = "ParticipantObjectID=\"PID-" + std::to_string(i) + "\" ParticipantObjectTypeCode=\"1\"";
        EXPECT_TRUE(std::any_of(byEvent["110104"].begin(), byEvent["110104"].end(),
                                [&](const AuditMessage& m) { return m.has(study) && m.has(patient); }))
            << study;
    }

    ASSERT_EQ(byEvent["110114"].size(), 2u);
    const auto& failed = byEvent["110114"][0];
    EXPECT_TRUE(failed.has("EventOutcomeIndicator=\"4\"")) << failed.xml;
    EXPECT_TRUE(failed.has("<EventOutcomeDescription>wrong user name or password</EventOutcomeDescription>")) << failed.xml;
    EXPECT_TRUE(byEvent["110114"][1].has("EventOutcomeIndicator=\"0\"")) << byEvent["110114"][1].xml;
    EXPECT_TRUE(byEvent["110114"][1].has("UserID=\"alice\" UserIsRequestor=\"true\" NetworkAccessPointID=\"127.0.0.1\""))
        << byEvent["110114"][1].xml;

    ASSERT_EQ(byEvent["110106"].size(), 1u);
    EXPECT_TRUE(byEvent["110106"][0].has("ParticipantObjectID=\"studies.csv\"")) << byEvent["110106"][0].xml;
    EXPECT_TRUE(byEvent["110106"][0].has("<ParticipantObjectDescription>studies.csv: 2 studies")) << byEvent["110106"][0].xml;
}

TEST_F(Atna, OverTlsTheRepositoryAndTheServiceKnowEachOthersCertificates) {
    test::SyslogReceiver repository(dir_.file("syslog"), *ca_, repositoryKeys_);
    const std::string ini = config("[atna]\ndestination = tls://localhost:" + std::to_string(repository.tlsPort()) + "\n" +
                                   tlsFiles() + "[audit]\nschedule = false\n");
    test::ServiceProcess service(FA_BINARY, data(), port_, ini);
    std::string files;
    const auto studies = reports(1, files);
    ASSERT_EQ(test::successes(test::storescu(port_, files).out), 1);
    std::vector<AuditMessage> messages;
    ASSERT_TRUE(test::waitFor([&] {
        messages = parse(repository.messages());
        return messages.size() >= 2;
    }, 20)) << service.log();
    expectWellFormed(messages);
    EXPECT_EQ(eventId(messages[0]), "110100");
    EXPECT_EQ(eventId(messages[1]), "110104");
    EXPECT_TRUE(messages[1].has("ParticipantObjectID=\"" + studies[0] + "\"")) << messages[1].xml;
    EXPECT_EQ(service.log().find("ATNA: cannot send"), std::string::npos) << service.log();
}

TEST_F(Atna, ARepositoryThatIsDownHoldsUpNothingAndDropsAreCounted) {
    const int nobody = test::freePort(); // nothing listens there
    const std::string ini = config("[atna]\ndestination = tls://localhost:" + std::to_string(nobody) + "\nqueue = 3\n" +
                                   tlsFiles() + "[audit]\nschedule = false\n");
    const int httpPort = test::freePort();
    test::ServiceProcess service(FA_BINARY, data(), port_, ini, httpPort);
    std::string files;
    reports(8, files);
    const auto sent = test::storescu(port_, files);
    EXPECT_EQ(test::successes(sent.out), 8) << sent.out;
    // Start + 8 transfers, 3 of them kept for when the repository answers.
    std::string metrics;
    EXPECT_TRUE(test::waitFor([&] {
        metrics = test::run("curl -s http://127.0.0.1:" + std::to_string(httpPort) + "/metrics").out;
        return metrics.find("fluoroaudit_atna_messages_dropped_total 6\n") != std::string::npos;
    }, 20)) << metrics;
    EXPECT_NE(metrics.find("fluoroaudit_atna_messages_sent_total 0\n"), std::string::npos) << metrics;
    EXPECT_NE(service.log().find("ATNA: cannot send to the audit repository tls://localhost:" + std::to_string(nobody)),
              std::string::npos)
        << service.log();
}

} // namespace
} // namespace fa
