// High-dose alerts at once: `serve` mails a study whose flag calls for follow-up within seconds, to
// [alerts] to and the [alert.NAME] of its device, once per flag (also across a restart), and notes
// it in the audit trail; old studies and studies within the levels send nothing.
#include "audit/AlertMailer.h"
#include "store/StudyStore.h"
#include "tests/support/Run.h"
#include "tests/support/ServiceTest.h"
#include "tests/support/SmtpSink.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <thread>

namespace fa {
namespace {

using test::quote;

// YYYYMMDD of `days` ago (local).
std::string dicomDate(int daysAgo) {
    const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(daysAgo) * 86400;
    std::tm parts{};
    ::localtime_r(&t, &parts);
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y%m%d", &parts);
    return buffer;
}

class AlertMail : public test::ServiceTest {
protected:
    // A report of `date` on the C-arm `station` whose Ka,r totals `kar_Gy`.
    std::string report(const std::string& name, const std::string& date, const std::string& station, double kar_Gy,
                       std::string* studyUid = nullptr) const {
        synth::Report r;
        r.patientId = name; // one patient each: no cumulative flags here
        r.studyDate = date;
        r.station = station;
        synth::Event e;
        e.uid = synth::newUid();
        e.dose_Gy = kar_Gy;
        r.events = {e};
        const std::string file = dir_.file(name);
        synth::save(*synth::buildReport(r), file);
        if (studyUid) *studyUid = r.studyUid;
        return quote(file) + " ";
    }
};

TEST_F(AlertMail, ASubstantialDoseIsMailedAtOnceToItsRecipientsAndOnlyOnce) {
    test::SmtpSink sink;
    const std::string ini = config("[mail]\nhost = 127.0.0.1\nport = " + std::to_string(sink.port()) +
                                   "\nfrom = fluoroaudit@hospital.example\n"
                                   "[alerts]\nto = physicist@hospital.example\ncheck_seconds = 1\n"
                                   "[alert.cath]\ndevice = CATH-LAB-2\nto = cardiology@hospital.example, "
                                   "Physicist@hospital.example\n"
                                   "[alert.other]\ndevice = CARM1\nto = pain@hospital.example\n[audit]\nschedule = false\n");
    std::string alerted;
    const std::string files = report("high.dcm", dicomDate(0), "CATH-LAB-2", 6.2, &alerted) + // 6200 mGy > 5000
                              report("old.dcm", dicomDate(30), "CATH-LAB-2", 7.0) +         // beyond max_age_days
                              report("low.dcm", dicomDate(0), "CATH-LAB-2", 0.05);          // within every level
    {
        test::ServiceProcess service(FA_BINARY, data(), port_, ini);
        ASSERT_EQ(test::successes(test::storescu(port_, files).out), 3);
        ASSERT_TRUE(sink.waitFor(1, 30)) << service.log();
        std::this_thread::sleep_for(std::chrono::seconds(3)); // three more checks: nothing new to send
        EXPECT_EQ(sink.mails().size(), 1u);
        EXPECT_NE(service.log().find("high-dose alert for study " + alerted + " (substantial kar_mgy) mailed to "
                                     "physicist@hospital.example, cardiology@hospital.example"),
                  std::string::npos)
            << service.log();
        EXPECT_EQ(service.stop(SIGTERM), 0);
    }
    const auto mail = sink.mails().at(0);
    EXPECT_EQ(mail.to, (std::vector<std::string>{"physicist@hospital.example", "cardiology@hospital.example"}));
    EXPECT_NE(mail.data.find("Subject: =?UTF-8?"), std::string::npos) << mail.data; // English and Chinese
    std::string body = mail.data; // quoted-printable: undo its soft line breaks
    for (std::size_t at; (at = body.find("=\r\n")) != std::string::npos;) body.erase(at, 3);
    EXPECT_NE(body.find(alerted), std::string::npos) << body;
    EXPECT_NE(body.find("6200"), std::string::npos) << body;

    store::StudyStore store(test::storeOf(data()));
    const auto trail = store.trail(10, 0);
    ASSERT_FALSE(trail.empty());
    EXPECT_EQ(trail[0].action, "alert-mail");
    EXPECT_EQ(trail[0].detail, alerted + " (substantial kar_mgy) to physicist@hospital.example, cardiology@hospital.example");

    // Sent once per flag, also after a restart.
    test::ServiceProcess again(FA_BINARY, data(), port_, ini);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    EXPECT_EQ(sink.mails().size(), 1u);
}

// A peak skin dose above 3 Gy with Ka,r below 5 Gy: the skin dose alone is substantial, and mailed.
TEST_F(AlertMail, ASubstantialPeakSkinDoseIsMailedAtOnce) {
    test::SmtpSink sink;
    const std::string ini = config("[mail]\nhost = 127.0.0.1\nport = " + std::to_string(sink.port()) +
                                   "\nfrom = fluoroaudit@hospital.example\n"
                                   "[alerts]\nto = physicist@hospital.example\ncheck_seconds = 1\n[audit]\nschedule = false\n");
    synth::Report r = synth::skinReport(40, 0.1); // Ka,r 4 Gy, about 4.2 Gy on the back
    r.studyDate = dicomDate(0);
    const std::string file = dir_.file("skin.dcm");
    synth::save(*synth::buildReport(r), file);
    {
        test::ServiceProcess service(FA_BINARY, data(), port_, ini);
        ASSERT_EQ(test::successes(test::storescu(port_, quote(file)).out), 1);
        ASSERT_TRUE(sink.waitFor(1, 30)) << service.log();
        // The service says so once the mail server has taken it (after the sink has it).
        const std::string logged = "high-dose alert for study " + r.studyUid + " (";
        ASSERT_TRUE(test::waitFor([&] { return service.log().find(logged) != std::string::npos; })) << service.log();
        // (The procedure's levels flag its 40 shots and their times too.)
        const auto line = service.log().find(logged);
        const std::string said = service.log().substr(line, service.log().find('\n', line) - line);
        EXPECT_NE(said.find("substantial psd_mgy) mailed to physicist@hospital.example"), std::string::npos) << said;
        EXPECT_EQ(said.find("substantial kar_mgy"), std::string::npos) << said; // 4 Gy: below 5 Gy
        EXPECT_EQ(service.stop(SIGTERM), 0);
    }
    std::string body = sink.mails().at(0).data;
    for (std::size_t at; (at = body.find("=\r\n")) != std::string::npos;) body.erase(at, 3);
    EXPECT_NE(body.find("Peak skin dose (mGy)"), std::string::npos) << body;
    EXPECT_NE(body.find(r.studyUid), std::string::npos) << body;
}

TEST(AlertRecipients, EveryoneOfToAndOfTheMatchingRulesOnce) {
    AlertSettings a;
    a.to = {"physicist@h.example"};
    a.rules = {{"cath", "", "cath-lab-2", {"cardio@h.example", "PHYSICIST@h.example"}},
               {"pain", "spinal-cord-stimulator", "", {"pain@h.example"}},
               {"both", "spinal-cord-stimulator", "CARM1", {"carm1@h.example"}}};
    DeviceInfo cath;
    cath.station = "CATH-LAB-2";
    EXPECT_EQ(alertRecipients(a, "pci", cath), (std::vector<std::string>{"physicist@h.example", "cardio@h.example"}));
    DeviceInfo carm;
    carm.model = "ARCADIS Varic";
    carm.station = "CARM1";
    EXPECT_EQ(alertRecipients(a, "spinal-cord-stimulator", carm),
              (std::vector<std::string>{"physicist@h.example", "pain@h.example", "carm1@h.example"}));
    a.to.clear();
    EXPECT_TRUE(alertRecipients(a, "pci", carm).empty());
}

} // namespace
} // namespace fa
