// The `fluoroaudit` binary as a person uses it: ingest, studies, show, their JSON and their errors.
#include "tests/support/Run.h"
#include "tests/support/SharedData.h"
#include "tests/support/ServiceProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

namespace fa {
namespace {

using test::quote;
using test::run;

class Cli : public ::testing::Test {
protected:
    std::string fa(const std::string& args) const {
        return test::command(FA_BINARY, data_.path().string()) + " " + args;
    }
    test::TempDir data_;
    test::TempDir input_;
};

Poco::Dynamic::Var parse(const std::string& json) { return Poco::JSON::Parser().parse(json); }

synth::Report twoEventReport(const std::string& study, const std::string& description) {
    synth::Report r;
    r.studyUid = study;
    r.studyDescription = description;
    for (int i = 0; i < 2; ++i) {
        synth::Event e;
        e.uid = synth::newUid();
        e.duration_s = 0.75;
        e.dap_Gym2 = 2e-6;
        e.dose_Gy = 6e-5;
        r.events.push_back(e);
    }
    return r;
}

TEST_F(Cli, IngestsAFolderAndListsItsStudiesAsJson) {
    const std::string study = synth::newUid();
    synth::save(*synth::buildReport(twoEventReport(study, "临时脊髓电刺激植入术")), input_.file("a.dcm"));
    std::filesystem::create_directories(input_.path() / "sub");
    synth::Image im;
    im.exposureTime_ms = 750;
    synth::save(*synth::buildImage(im), input_.file("sub/image.dcm"));
    const auto r = run(fa("ingest " + quote(input_.path().string())));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "Read 2 file(s): 2 studies created, 0 updated, 0 already stored (unchanged), 0 without dose "
                     "content skipped, 0 failed.\n");

    const auto list = run(fa("studies --json"));
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto studies = parse(list.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(studies->size(), 2u);
    Poco::JSON::Object::Ptr rdsr;
    for (std::size_t i = 0; i < studies->size(); ++i)
        if (studies->getObject(static_cast<unsigned>(i))->getValue<std::string>("study_uid") == study)
            rdsr = studies->getObject(static_cast<unsigned>(i));
    ASSERT_TRUE(rdsr);
    EXPECT_EQ(rdsr->getValue<std::string>("study_description"), "临时脊髓电刺激植入术");
    EXPECT_EQ(rdsr->getValue<std::string>("study_date"), "2026-03-01");
    EXPECT_EQ(rdsr->getValue<int>("irradiation_events"), 2);
    EXPECT_EQ(rdsr->getValue<int>("fluoro_events"), 2);
    EXPECT_EQ(rdsr->getValue<int>("acquisition_events"), 0);
    EXPECT_DOUBLE_EQ(rdsr->getValue<double>("fluoro_time_s"), 1.5);
    EXPECT_DOUBLE_EQ(rdsr->getValue<double>("exposure_time_s"), 1.5);
    EXPECT_DOUBLE_EQ(rdsr->getValue<double>("dap_total_gycm2"), 0.04);
    EXPECT_DOUBLE_EQ(rdsr->getValue<double>("kar_total_mgy"), 0.12);
    EXPECT_TRUE(rdsr->isNull("frames"));
    EXPECT_EQ(rdsr->getValue<int>("planes"), 1);
    EXPECT_EQ(rdsr->getValue<std::string>("source"), "rdsr");
    EXPECT_EQ(rdsr->getObject("device")->getValue<std::string>("station"), "CARM1");
    EXPECT_TRUE(rdsr->getArray("warnings")->size() == 0);
    EXPECT_TRUE(rdsr->isNull("patient_id")); // identifiers are not stored by default
    EXPECT_EQ(rdsr->getValue<std::string>("patient_key").size(), 64u);

    const auto show = run(fa("show " + study + " --json"));
    ASSERT_EQ(show.exitCode, 0) << show.err;
    auto detail = parse(show.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(detail->getArray("events")->size(), 2u);
    EXPECT_EQ(detail->getArray("events")->getObject(0)->getValue<std::string>("type"), "fluoroscopy");
    EXPECT_DOUBLE_EQ(detail->getArray("events")->getObject(0)->getValue<double>("irradiation_duration_s"), 0.75);

    const auto text = run(fa("show " + study));
    EXPECT_NE(text.out.find("Shots                   2 (fluoroscopy 2, acquisition 0)"), std::string::npos) << text.out;
}

TEST_F(Cli, BrokenAndForeignFilesGiveOneLineEachAndANonZeroExit) {
    synth::Report good = twoEventReport(synth::newUid(), "good");
    synth::save(*synth::buildReport(good), input_.file("good.dcm"));
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "cut")), input_.file("cut.dcm"));
    std::filesystem::resize_file(input_.file("cut.dcm"), std::filesystem::file_size(input_.file("cut.dcm")) / 2);
    std::ofstream(input_.file("notes.txt")) << "shift handover notes\n";
    const auto r = run(fa("ingest " + quote(input_.path().string()) + " " + quote(input_.file("missing.dcm"))));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("Read 3 file(s): 1 study created"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("3 failed."), std::string::npos) << r.out;
    EXPECT_NE(r.err.find(input_.file("cut.dcm") + ": damaged or truncated DICOM file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(input_.file("notes.txt") + ": not a DICOM file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(input_.file("missing.dcm") + ": no such file or folder"), std::string::npos) << r.err;
    const auto list = run(fa("studies --json"));
    EXPECT_EQ(parse(list.out).extract<Poco::JSON::Array::Ptr>()->size(), 1u); // nothing partial stored
}

// Patient data on disk is this user's alone, whatever the umask the command was started with.
TEST_F(Cli, FilesHoldingPatientDataAreReadableByTheOwnerOnly) {
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "Pain block")), input_.file("a.dcm"));
    const std::string data = (data_.path() / "store").string();
    const auto r = run("umask 022 && " + test::command(FA_BINARY, data) + " ingest " + quote(input_.file("a.dcm")));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::size_t files = 0;
    auto mode = [](const std::filesystem::path& p) {
        return static_cast<unsigned>(std::filesystem::status(p).permissions() & std::filesystem::perms::all);
    };
    EXPECT_EQ(mode(data), 0700u);
    for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
        ++files;
        EXPECT_EQ(mode(e.path()), e.is_directory() ? 0700u : 0600u) << e.path();
    }
    EXPECT_GE(files, 3u); // the database, the site secret, the archived report at least
}


// A listing longer than a page of the store comes whole, in date order, each study once; an empty
// store gives an empty array.
TEST_F(Cli, StudiesAsJsonComeWholeAcrossPages) {
    const auto empty = run(fa("studies --json"));
    ASSERT_EQ(empty.exitCode, 0) << empty.err;
    EXPECT_EQ(Poco::JSON::Parser().parse(empty.out).extract<Poco::JSON::Array::Ptr>()->size(), 0u);
    synth::writeDepartment(input_.path().string(), 1001, 3);
    ASSERT_EQ(run(fa("ingest " + quote(input_.path().string()))).exitCode, 0);
    const auto list = run(fa("studies --json"));
    ASSERT_EQ(list.exitCode, 0) << list.err;
    const auto studies = Poco::JSON::Parser().parse(list.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(studies->size(), 1001u);
    std::set<std::string> uids;
    std::string previous;
    for (std::size_t i = 0; i < studies->size(); ++i) {
        const auto s = studies->getObject(static_cast<unsigned>(i));
        const std::string key = s->getValue<std::string>("study_date") + " " + s->getValue<std::string>("study_time") + " " +
                                s->getValue<std::string>("study_uid");
        EXPECT_LE(previous, key) << "out of order at " << i;
        previous = key;
        uids.insert(s->getValue<std::string>("study_uid"));
    }
    EXPECT_EQ(uids.size(), 1001u);
}
TEST_F(Cli, ReingestingChangesNothing) {
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "x")), input_.file("a.dcm"));
    ASSERT_EQ(run(fa("ingest " + quote(input_.file("a.dcm")))).exitCode, 0);
    const auto before = run(fa("studies --json")).out;
    const auto again = run(fa("ingest " + quote(input_.file("a.dcm"))));
    EXPECT_EQ(again.exitCode, 0);
    EXPECT_NE(again.out.find("1 already stored (unchanged)"), std::string::npos) << again.out;
    EXPECT_EQ(run(fa("studies --json")).out, before);
}

TEST_F(Cli, StudiesFilterByDateAndRejectBadDates) {
    for (const char* date : {"20260110", "20260301", "20260520"}) {
        auto rep = twoEventReport(synth::newUid(), date);
        rep.studyDate = date;
        synth::save(*synth::buildReport(rep), input_.file(std::string(date) + ".dcm"));
    }
    ASSERT_EQ(run(fa("ingest " + quote(input_.path().string()))).exitCode, 0);
    const auto r = run(fa("studies --from 2026-02-01 --to 20260331 --json"));
    auto list = parse(r.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("study_date"), "2026-03-01");
    const auto bad = run(fa("studies --from yesterday"));
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_EQ(bad.err, "fluoroaudit: --from 'yesterday' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-22\n");
}

// The rows of sheet N of an XLSX workbook (unzip from Debian's package reads the archive).
int sheetRows(const std::string& workbook, int sheet) {
    const auto xml = run("unzip -p " + quote(workbook) + " xl/worksheets/sheet" + std::to_string(sheet) + ".xml").out;
    int rows = 0;
    for (std::size_t at = 0; (at = xml.find("<row ", at)) != std::string::npos; ++at) ++rows;
    return rows;
}

TEST_F(Cli, StudiesGoToAnXlsxWorkbookWithTheirEventsAndTheDrlAudit) {
    for (const char* date : {"20260110", "20260301", "20260520"}) {
        auto rep = twoEventReport(synth::newUid(), "Spinal nerve root pulsed RF");
        rep.studyDate = date;
        synth::save(*synth::buildReport(rep), input_.file(std::string(date) + ".dcm"));
    }
    ASSERT_EQ(run(fa("ingest " + quote(input_.path().string()))).exitCode, 0);
    const std::string workbook = input_.file("studies.xlsx");
    const auto r = run(fa("studies --from 2026-02-01 --xlsx " + quote(workbook)));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 2 studies and 4 events (and the DRL audit) to " + workbook + "\n");
    const auto sheets = run("unzip -p " + quote(workbook) + " xl/workbook.xml").out;
    EXPECT_NE(sheets.find("<sheet name=\"Studies\" sheetId=\"1\""), std::string::npos) << sheets;
    EXPECT_NE(sheets.find("<sheet name=\"Events\" sheetId=\"2\""), std::string::npos) << sheets;
    EXPECT_NE(sheets.find("<sheet name=\"DRL audit\" sheetId=\"3\""), std::string::npos) << sheets;
    EXPECT_EQ(sheetRows(workbook, 1), 3); // the header and two studies
    EXPECT_EQ(sheetRows(workbook, 2), 5); // the header and two events each
    // Numbers are numbers: the events' DAP (0.02 Gy·cm² each) is a numeric cell.
    EXPECT_NE(run("unzip -p " + quote(workbook) + " xl/worksheets/sheet2.xml").out.find("<v>0.02</v>"), std::string::npos);
    EXPECT_NE(run(fa("studies")).out.find("3 studies"), std::string::npos);
}

TEST_F(Cli, DataFolderAcceptedAfterTheSubcommandToo) {
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "x")), input_.file("a.dcm"));
    const auto r = run(test::storeEnvironment(data_.path().string()) + quote(FA_BINARY) + " ingest --data " +
                       quote(data_.path().string()) + " " + quote(input_.file("a.dcm")));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(parse(run(fa("studies --json")).out).extract<Poco::JSON::Array::Ptr>()->size(), 1u);
    if (!test::onPostgres()) { // the store and the patient-key secret in the data folder
        EXPECT_TRUE(std::filesystem::exists(data_.path() / "fluoroaudit.db"));
        EXPECT_TRUE(std::filesystem::exists(data_.path() / "site-secret"));
    }
}

TEST_F(Cli, UnknownStudySaysHowToFindOne) {
    const auto r = run(fa("show 1.2.3"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("No study 1.2.3"), std::string::npos);
    EXPECT_NE(r.err.find("fluoroaudit studies"), std::string::npos);
}

TEST_F(Cli, ConfigurationErrorsNameTheKey) {
    const std::string cfg = input_.file("fa.ini");
    std::ofstream(cfg) << "[privacy]\nstore_patient_identifiers = maybe\n[data]\ncolour = blue\n";
    const auto r = run(fa("--config " + quote(cfg) + " studies"));
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("[privacy] store_patient_identifiers: 'maybe' is not true or false"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[data] colour: unknown key"), std::string::npos) << r.err;
}

TEST_F(Cli, PatientIdentifiersAreStoredWhenTheSiteOptsIn) {
    const std::string cfg = input_.file("fa.ini");
    std::ofstream(cfg) << "[privacy]\nstore_patient_identifiers = true\n";
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "x")), input_.file("a.dcm"));
    ASSERT_EQ(run(fa("--config " + quote(cfg) + " ingest " + quote(input_.file("a.dcm")))).exitCode, 0);
    auto list = parse(run(fa("studies --json")).out).extract<Poco::JSON::Array::Ptr>();
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("patient_id"), "P0001");
    EXPECT_EQ(list->getObject(0)->getValue<std::string>("patient_name"), "Test^Patient");
}

// Every real file through the binary gives what direct extraction gives (README of ../shared/dicom).
TEST_F(Cli, RealFilesEndToEnd) {
    FA_REQUIRE_SHARED_DICOM(dir);
    const auto r = run(fa("ingest " + quote(dir + "/rdsr") + " " + quote(dir + "/images")));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("Read 12 file(s): 12 studies created"), std::string::npos) << r.out;
    const auto show = run(fa("show 1.3.6.1.4.1.5962.99.1.2317982913.1735696156.1578571013313.3.0 --json"));
    auto canon = parse(show.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(canon->getValue<int>("irradiation_events"), 18);
    EXPECT_NEAR(canon->getValue<double>("dap_total_gycm2"), 12.6596, 1e-9);
    EXPECT_NEAR(canon->getValue<double>("kar_total_mgy"), 30.573, 1e-9);
    EXPECT_EQ(canon->getObject("device")->getValue<std::string>("manufacturer"), "CANON_MEC");
    EXPECT_GE(canon->getArray("warnings")->size(), 2u);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

TEST(CliConfig, ShippedExampleConfigurationIsValid) {
    test::TempDir data;
    const auto r = test::run(test::command(FA_BINARY, data.path().string()) + " --config " +
                             test::quote(std::string(FA_SOURCE_DIR) + "/deploy/fluoroaudit.ini") + " studies");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1), "0 studies\n");
}

} // namespace
} // namespace fa

namespace fa {
namespace {

TEST(CliConfig, CheckConfigReportsEveryProblemWithItsKey) {
    test::TempDir dir;
    const std::string bad = dir.file("bad.ini");
    std::ofstream(bad) << "[dicom]\nport = 70000\nae_title = THIS-AE-TITLE-IS-FAR-TOO-LONG\n"
                          "[peer.X]\ncolour = red\n[log]\nlevel = loud\n";
    const auto r = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(bad));
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("has 4 problem(s)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[dicom] port: '70000' is not a whole number from 1 to 65535"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[dicom] ae_title: an AE title has 1 to 16 characters"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[peer.X] colour: unknown key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[log] level: 'loud' is not one of"), std::string::npos) << r.err;

    const auto good = test::run(test::quote(FA_BINARY) + " check-config " +
                                test::quote(std::string(FA_SOURCE_DIR) + "/deploy/fluoroaudit.ini"));
    EXPECT_EQ(good.exitCode, 0) << good.err;
    EXPECT_NE(good.out.find("configuration is valid"), std::string::npos);
    EXPECT_NE(good.out.find("AE title FLUOROAUDIT, port 11112, at most 16 associations"), std::string::npos);
}

// Each broken value is refused by check-config with its key, and by serve the same way (exit 2,
// never an abort: the systemd unit would restart it in a loop).
TEST(CliConfig, BrokenValuesAreRefusedByCheckConfigAndServeAlike) {
    struct Case {
        const char* ini;
        const char* problem;
    };
    const Case cases[] = {
        {"[log]\nrotate_size = 10 MB\n", "[log] rotate_size: '10 MB' is not a size such as 10M"},
        {"[report]\nlanguage = chinese\n", "[report] language: 'chinese' is not en (English) or zh (Simplified Chinese)"},
        {"[pacs]\nae_title = PACS\nhost = 10.0.0.300\n", "[pacs] host: '10.0.0.300' is not an IPv4 address"},
        {"[mail]\nhost = smtp..example\n", "[mail] host: 'smtp..example' is not a host name or address"},
        {"[peer.CARM]\nhost = 10.0.0.300\n", "[peer.CARM] host: '10.0.0.300' is not an IPv4 address"},
        {"[peer.CARM]\ncharset = GB-18030\n", "[peer.CARM] charset: 'GB-18030' is not a DICOM character set (did you mean GB18030?)"},
        {"[charset]\ndefault = UTF8\n", "[charset] default: 'UTF8' is not a DICOM character set (did you mean ISO_IR 192?)"},
        {"[device_charsets]\nCARM1 = latin1\n", "[device_charsets] CARM1: 'latin1' is not a DICOM character set"},
        {"[http]\ntime_zone = Beijing\n", "[http] time_zone: 'Beijing' is not an IANA time zone"},
        {"[levels]\nfile = /nonexistent/levels.csv\n", "[levels] file: '/nonexistent/levels.csv' does not exist"},
        {"[http]\ncertificate = /nonexistent/cert.pem\n", "[http] certificate: '/nonexistent/cert.pem' does not exist"},
        {"[http]\nweb_dir = /etc/hostname\n", "[http] web_dir: '/etc/hostname' is not a folder"},
        {"[audit]\ntime = 25:00\n", "[audit] time: '25:00' is not a time of day"},
        {"[dicom]\nprot = 104\n", "[dicom] prot: unknown key (did you mean [dicom] port?)"},
    };
    test::TempDir dir;
    for (const auto& c : cases) {
        const std::string ini = dir.file("bad.ini");
        std::ofstream(ini) << c.ini;
        const auto checked = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(ini));
        EXPECT_EQ(checked.exitCode, 2) << c.ini;
        EXPECT_NE(checked.err.find(c.problem), std::string::npos) << c.ini << checked.err;
        const auto served = test::run(test::command(FA_BINARY, dir.file("data")) + " --config " +
                                      test::quote(ini) + " serve --port " + std::to_string(test::freePort()) +
                                      " --http-port 0");
        EXPECT_EQ(served.exitCode, 2) << c.ini << served.err;
        EXPECT_NE(served.err.find(c.problem), std::string::npos) << c.ini << served.err;
    }
    std::ofstream(dir.file("good.ini")) << "[charset]\ndefault = ISO 2022 IR 6\\ISO 2022 IR 58\n[http]\ntime_zone = "
                                           "Asia/Shanghai\nbind = ::1\n[pacs]\nae_title = PACS\nhost = pacs-01.hospital.example\n";
    const auto good = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(dir.file("good.ini")));
    EXPECT_EQ(good.exitCode, 0) << good.err;
}

TEST(CliConfig, DeviceProfilesAndLevelSettingsAreRead) {
    test::TempDir dir;
    const std::string cfg = dir.file("fa.ini");
    std::ofstream(cfg) << "[levels]\ninvestigation_multiplier = 3\n[device_profile.ARCADIS]\ndevice = CARM1\n"
                          "seconds_per_shot = 0.75\ndose_rate_usv_per_h = 448\n";
    const auto ok = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(cfg));
    EXPECT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_NE(ok.out.find("1 device profile(s)"), std::string::npos) << ok.out;
    std::ofstream(cfg, std::ios::trunc) << "[levels]\ninvestigation_multiplier = 0.5\n[device_profile.X]\nrate = 4\n";
    const auto bad = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(cfg));
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("[levels] investigation_multiplier: '0.5' is not a number from 1 to 100"), std::string::npos)
        << bad.err;
    EXPECT_NE(bad.err.find("[device_profile.X] rate: unknown key"), std::string::npos) << bad.err;
}

TEST(CliConfig, BadAeTitleOnTheCommandLineIsRefused) {
    test::TempDir data;
    const auto r = test::run(test::command(FA_BINARY, data.path().string()) +
                             " serve --ae-title 'A\\B'");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--ae-title: an AE title is printable ASCII without backslash"), std::string::npos) << r.err;
}

TEST(CliConfig, StatusWithoutAServiceSaysSo) {
    test::TempDir data;
    const auto r = test::run(test::command(FA_BINARY, data.path().string()) + " status");
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.out.find("fluoroaudit is not running: it was never started with the data folder"), std::string::npos)
        << r.out;
}

// From a pipe, a second password line must repeat the first (one line alone is taken as is).
TEST(CliConfig, UserAddFromAPipeChecksARepeatedPassword) {
    test::TempDir dir;
    const std::string fa = test::command(FA_BINARY, dir.file("data")) + " user add ";
    const auto differ = test::run("printf 'first-password-1\\nother-password-2\\n' | " + fa + "ana --role viewer");
    EXPECT_EQ(differ.exitCode, 2);
    EXPECT_EQ(differ.err, "fluoroaudit: the two passwords differ\n");
    EXPECT_EQ(test::run("printf 'first-password-1\\nfirst-password-1\\n' | " + fa + "ana --role viewer").exitCode, 0);
    EXPECT_EQ(test::run("printf 'first-password-1\\n' | " + fa + "ben --role viewer").exitCode, 0);
    const auto users = test::run(test::command(FA_BINARY, dir.file("data")) + " user list");
    EXPECT_NE(users.out.find("ana"), std::string::npos) << users.out;
    EXPECT_NE(users.out.find("ben"), std::string::npos) << users.out;
}

// Without --config, $FLUOROAUDIT_CONFIG names the configuration (as the installed one would be
// found): `status` looks at the service's data folder, not at ./fluoroaudit-data.
TEST(CliConfig, TheConfigurationComesFromTheEnvironmentWithoutConfig) {
    test::TempDir dir;
    const std::string data = dir.file("service-data");
    std::ofstream(dir.file("fa.ini")) << "[data]\ndir = " << data << "\n";
    const auto r = test::run("FLUOROAUDIT_CONFIG=" + test::quote(dir.file("fa.ini")) + " " + test::quote(FA_BINARY) + " status");
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.out.find("it was never started with the data folder " + data + "\n"), std::string::npos) << r.out;
}

} // namespace
} // namespace fa

namespace fa {
namespace {

TEST(CliReprocess, ReExtractsEveryKeptReport) {
    test::TempDir data, input;
    for (int i = 0; i < 3; ++i) {
        synth::Report r;
        synth::Event e;
        e.uid = synth::newUid();
        r.events = {e};
        synth::save(*synth::buildReport(r), input.file(std::to_string(i) + ".dcm"));
    }
    const std::string fa = test::command(FA_BINARY, data.path().string());
    ASSERT_EQ(test::run(fa + " ingest " + test::quote(input.path().string())).exitCode, 0);
    const std::string before = test::run(fa + " studies --json").out;
    const auto r = test::run(fa + " reprocess");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "Re-extracted 3 of 3 kept object(s); 0 failed.\n");
    auto strip = [](std::string json) {
        for (std::size_t p; (p = json.find("\"updated_at\"")) != std::string::npos;) json.erase(p, json.find('\n', p) - p);
        return json;
    };
    EXPECT_EQ(strip(test::run(fa + " studies --json").out), strip(before)); // same extractor, same figures
}

} // namespace
} // namespace fa

namespace fa {
namespace {

class CliLevels : public ::testing::Test {
protected:
    CliLevels() {
        // Three PRF studies with 10, 20 and 30 shots of 0.75 s.
        for (int shots : {10, 20, 30}) {
            synth::Report r;
            r.studyDescription = "脊神经根脉冲射频术";
            r.patientId = "P" + std::to_string(shots);
            for (int i = 0; i < shots; ++i) {
                synth::Event e;
                e.uid = synth::newUid();
                e.duration_s = 0.75;
                r.events.push_back(e);
            }
            synth::save(*synth::buildReport(r), input_.file(std::to_string(shots) + ".dcm"));
        }
        run(" ingest " + test::quote(input_.path().string()));
    }
    test::RunResult run(const std::string& args) const {
        return test::run(test::command(FA_BINARY, data_.path().string()) + args);
    }
    test::TempDir data_, input_;
};

TEST_F(CliLevels, FlagsAndStatsAgainstTheExampleTable) {
    // root-prf: shots 18, fluoro and exposure time 14 s. 20 and 30 shots (15 and 22.5 s) are above
    // both; none reaches the investigation levels (36 shots, 28 s).
    const auto flags = run(" flags --json");
    ASSERT_EQ(flags.exitCode, 0) << flags.err;
    auto list = Poco::JSON::Parser().parse(flags.out).extract<Poco::JSON::Array::Ptr>();
    std::map<std::string, int> kinds;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto f = list->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(f->getValue<std::string>("procedure_id"), "root-prf");
        EXPECT_EQ(f->getValue<std::string>("review_state"), "unreviewed");
        EXPECT_EQ(f->getValue<int>("table_version"), 1);
        ++kinds[f->getValue<std::string>("kind") + ":" + f->getValue<std::string>("metric")];
    }
    const std::map<std::string, int> expected = {
        {"above-reference:shots", 2}, {"above-reference:fluoro_time_s", 2}, {"above-reference:exposure_time_s", 2}};
    EXPECT_EQ(kinds, expected);
    EXPECT_EQ(Poco::JSON::Parser().parse(run(" flags --kind investigation --json").out)
                  .extract<Poco::JSON::Array::Ptr>()->size(), 0u);
    EXPECT_EQ(Poco::JSON::Parser().parse(run(" flags --kind above-reference --json").out)
                  .extract<Poco::JSON::Array::Ptr>()->size(), 6u);

    const auto stats = run(" stats --json");
    auto rows = Poco::JSON::Parser().parse(stats.out).extract<Poco::JSON::Array::Ptr>();
    bool seen = false;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto r = rows->getObject(static_cast<unsigned>(i));
        if (r->getValue<std::string>("metric") != "shots") continue;
        seen = true;
        EXPECT_EQ(r->getValue<std::string>("procedure_id"), "root-prf");
        EXPECT_EQ(r->getValue<int>("n"), 3);
        EXPECT_DOUBLE_EQ(r->getValue<double>("median"), 20);
        EXPECT_DOUBLE_EQ(r->getValue<double>("p75"), 25);
        EXPECT_DOUBLE_EQ(r->getValue<double>("mean"), 20);
        EXPECT_DOUBLE_EQ(r->getValue<double>("max"), 30);
        EXPECT_DOUBLE_EQ(r->getValue<double>("level"), 18);
        EXPECT_TRUE(r->getValue<bool>("median_above_level"));
        EXPECT_TRUE(r->isNull("suggested_drl"));
    }
    EXPECT_TRUE(seen) << stats.out;
    auto byDevice = Poco::JSON::Parser().parse(run(" stats --by-device --json").out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_GT(byDevice->size(), 0u);
    EXPECT_EQ(byDevice->getObject(0)->getValue<std::string>("device"), "CARM1");
    const auto study = run(" studies --json");
    EXPECT_NE(study.out.find("\"procedure_name\": \"脊神经根脉冲射频术 Spinal nerve root pulsed RF\""), std::string::npos)
        << study.out.substr(0, 2000);
}

TEST_F(CliLevels, ImportRefusesAnInvalidTableAndActivatesAValidOne) {
    std::ofstream(input_.file("bad.csv")) << "procedure_id,match,shots,colour\nprf,(,abc,\n";
    const auto bad = run(" levels import " + test::quote(input_.file("bad.csv")));
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("has 3 problem(s); the active table (version 1) stays in use"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("line 1, column colour: unknown column"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("line 2, column shots: 'abc' is not a number"), std::string::npos) << bad.err;

    std::ofstream(input_.file("good.csv")) << "procedure_id,name,match,shots\nprf,PRF,脉冲射频,25\n";
    const auto good = run(" levels import " + test::quote(input_.file("good.csv")));
    EXPECT_EQ(good.exitCode, 0) << good.err;
    EXPECT_EQ(good.out, "Activated " + input_.file("good.csv") +
                            " as reference table version 2 (1 procedures); every study was re-evaluated.\n");
    EXPECT_EQ(run(" levels export").out, "procedure_id,name,match,device,shots,fluoro_time_s,exposure_time_s,dap_gycm2,"
                                         "kar_mgy\nprf,PRF,脉冲射频,,25,,,,\n");
    EXPECT_EQ(Poco::JSON::Parser().parse(run(" flags --json").out).extract<Poco::JSON::Array::Ptr>()->size(), 1u);
    EXPECT_NE(run(" levels history").out.find("imported from " + input_.file("good.csv")), std::string::npos);
    EXPECT_EQ(run(" audit --reevaluate").out, "Re-evaluated 3 studies against reference table version 2.\n");
}

// The staff dose estimate on the command line: 60 shots of 0.75 s in studies that name no
// operator, at the shipped default (1 m, no protection, the higher intensifier rate: 0.6 uSv/h), then
// the department's tables imported and exported.
TEST_F(CliLevels, StaffDoseByOperatorAndItsTablesImportedAndExported) {
    const auto year = run(" staff --year 2026 --json");
    ASSERT_EQ(year.exitCode, 0) << year.err;
    auto o = Poco::JSON::Parser().parse(year.out).extract<Poco::JSON::Object::Ptr>();
    auto operators = o->getArray("operators");
    ASSERT_EQ(operators->size(), 1u);
    EXPECT_TRUE(operators->getObject(0)->isNull("operator"));
    EXPECT_NEAR(operators->getObject(0)->getValue<double>("total_usv"), 45 * 0.6 / 3600, 1e-12);
    EXPECT_EQ(operators->getObject(0)->getArray("studies")->getElement<int>(2), 3);
    const auto text = run(" staff --year 2026");
    EXPECT_NE(text.out.find("(not named)  3        0.0075     0.0000375 %  —    —    0.0075"), std::string::npos) << text.out;

    std::ofstream(input_.file("rates.csv")) << "distance_m,protection,rate_usv_per_h\n0,none,448\n1,behind the door,2\n";
    const auto bad = run(" staff import-rates " + test::quote(input_.file("rates.csv")));
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_NE(bad.err.find("line 3, column protection: 'behind the door' is no protection"), std::string::npos) << bad.err;
    std::ofstream(input_.file("profiles.csv")) << "operator,distance_m,protection\n,2,outside-screen\n";
    ASSERT_EQ(run(" staff import-profiles " + test::quote(input_.file("profiles.csv"))).exitCode, 0);
    std::ofstream(input_.file("rates.csv")) << "distance_m,protection,rate_usv_per_h\n0,none,448\n2,outside-screen,4\n";
    const auto good = run(" staff import-rates " + test::quote(input_.file("rates.csv")));
    EXPECT_EQ(good.out, "Activated " + input_.file("rates.csv") + " as staff rates version 2.\n") << good.err;
    EXPECT_EQ(run(" staff export-profiles").out, "operator,distance_m,protection,intensifier\n,2,outside-screen,\n");
    o = Poco::JSON::Parser().parse(run(" staff --year 2026 --json").out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_DOUBLE_EQ(o->getArray("operators")->getObject(0)->getValue<double>("total_usv"), 0.05);
    EXPECT_EQ(o->getObject("rates")->getValue<std::string>("source"), "imported from " + input_.file("rates.csv"));
}

} // namespace
} // namespace fa

namespace fa {
namespace {

TEST(CliConfig, PacsAuditAndMailSettingsAreReadAndChecked) {
    test::TempDir dir;
    const std::string cfg = dir.file("fa.ini");
    std::ofstream(cfg) << "[pacs]\nae_title = PACS\nhost = 10.0.0.5\nport = 104\nretrieve = get\n"
                          "[audit]\ntime = 03:30\nunreviewed_days = 14\n"
                          "[mail]\nhost = smtp.hospital.example\nport = 587\nstarttls = true\n"
                          "to = qm@hospital.example, physicist@hospital.example\n";
    const auto ok = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(cfg));
    EXPECT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_NE(ok.out.find("nightly audit daily at 03:30 (inside serve)"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("PACS PACS@10.0.0.5:104, retrieve by C-GET"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("report mailed to qm@hospital.example physicist@hospital.example via "
                          "smtp.hospital.example:587 (STARTTLS)"),
              std::string::npos)
        << ok.out;

    std::ofstream(cfg, std::ios::trunc) << "[pacs]\nae_title = PACS\nretrieve = copy\n[audit]\ntime = 25:00\n"
                                           "[mail]\nto = nobody\n";
    const auto bad = test::run(test::quote(FA_BINARY) + " check-config " + test::quote(cfg));
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("[pacs] retrieve: 'copy' is not move or get"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("[audit] time: '25:00' is not a time of day HH:MM (24 hours)"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("[mail] to: 'nobody' is not a mail address"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("[pacs] host: must be set with ae_title"), std::string::npos) << bad.err;
}

TEST(CliAudit, NightlyOptionsAreCheckedAndTheDefaultIsYesterday) {
    test::TempDir dir;
    const std::string base = test::command(FA_BINARY, dir.file("data")) + " audit nightly";
    const auto both = test::run(base + " --date 2026-11-21 --from 2026-11-01 --to 2026-11-21");
    EXPECT_EQ(both.exitCode, 2);
    EXPECT_NE(both.err.find("give either --date or --from/--to, not both"), std::string::npos) << both.err;
    const auto reversed = test::run(base + " --from 2026-11-21 --to 2026-11-01");
    EXPECT_EQ(reversed.exitCode, 2);
    EXPECT_NE(reversed.err.find("--from 2026-11-21 is after --to 2026-11-01"), std::string::npos) << reversed.err;
    const auto noDay = test::run(base + " --date 2021-13-01");
    EXPECT_EQ(noDay.exitCode, 2);
    EXPECT_EQ(noDay.err, "fluoroaudit: --date '2021-13-01' is not a day of the calendar (YYYY-MM-DD)\n");
    EXPECT_EQ(test::run(base + " --from 2023-02-29 --to 2023-03-01").err,
              "fluoroaudit: --from '2023-02-29' is not a day of the calendar (YYYY-MM-DD)\n");
    const auto badPacs = test::run(base + " --pacs PACS-10.0.0.5");
    EXPECT_EQ(badPacs.exitCode, 2);
    EXPECT_NE(badPacs.err.find("--pacs 'PACS-10.0.0.5': expected AET@HOST:PORT"), std::string::npos) << badPacs.err;

    const auto yesterday = test::run(base);
    EXPECT_EQ(yesterday.exitCode, 0) << yesterday.err;
    std::time_t t = std::time(nullptr) - 86400;
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", std::localtime(&t));
    EXPECT_NE(yesterday.out.find(std::string("Audit run 1 of ") + day + ": ok"), std::string::npos) << yesterday.out;
    const auto noSub = test::run(test::command(FA_BINARY, dir.file("data")) + " audit");
    EXPECT_EQ(noSub.exitCode, 2);
    EXPECT_NE(noSub.err.find("give a subcommand (nightly, runs, show) or --reevaluate"), std::string::npos);
    const auto missing = test::run(test::command(FA_BINARY, dir.file("data")) + " audit show 7");
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("no audit run 7"), std::string::npos);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A report whose DAP overflows on unit conversion must not make the JSON of every study unreadable.
TEST_F(Cli, AnOverflowingDapGivesValidJsonAndAWarning) {
    synth::Report r = twoEventReport(synth::newUid(), "Spinal nerve root pulsed RF");
    r.events[0].dap_Gym2 = 1e308;
    r.planes[0].dapTotal_Gym2 = 1e308;
    synth::save(*synth::buildReport(r), input_.file("overflow.dcm"));
    ASSERT_EQ(run(fa("ingest " + quote(input_.file("overflow.dcm")))).exitCode, 0);
    const auto out = run(fa("studies --json"));
    ASSERT_EQ(out.exitCode, 0) << out.err;
    EXPECT_EQ(out.out.find("inf"), std::string::npos) << out.out;
    EXPECT_EQ(out.out.find("nan"), std::string::npos) << out.out;
    const auto study = parse(out.out).extract<Poco::JSON::Array::Ptr>()->getObject(0);
    EXPECT_DOUBLE_EQ(study->getValue<double>("dap_total_gycm2"), 0.02); // the other event's 2e-6 Gy.m2
    const auto warnings = study->getArray("warnings");
    bool named = false;
    for (std::size_t i = 0; i < warnings->size(); ++i)
        if (warnings->getObject(static_cast<unsigned>(i))->getValue<std::string>("code") == "value-invalid") named = true;
    EXPECT_TRUE(named) << out.out;
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// An SR nested 20,000 levels deep used to overflow the stack while loading: ingest died (139)
// and lost the other files of the run. Now that file fails with its reason and the others are read.
TEST_F(Cli, ADeeplyNestedReportFailsAloneAmongGoodFiles) {
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "a")), input_.file("1-good.dcm"));
    std::ofstream(input_.file("2-deep.dcm"), std::ios::binary)
        << synth::deeplyNestedReport(20000, synth::newUid(), synth::newUid());
    synth::save(*synth::buildReport(twoEventReport(synth::newUid(), "b")), input_.file("3-good.dcm"));
    const auto r = run(fa("ingest " + quote(input_.path().string())));
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_EQ(r.out, "Read 3 file(s): 2 studies created, 0 updated, 0 already stored (unchanged), 0 without dose "
                     "content skipped, 1 failed.\n");
    EXPECT_NE(r.err.find(input_.file("2-deep.dcm") + ": refused without reading it: sequences nested more than 64 "
                                                     "levels deep"),
              std::string::npos)
        << r.err;
}

} // namespace
} // namespace fa
