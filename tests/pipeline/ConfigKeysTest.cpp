#include "core/Error.h"
#include "pipeline/ConfigKeys.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fa {
namespace {

std::string loadProblems(const std::string& ini) {
    test::TempDir dir;
    const std::string path = dir.file("f.ini");
    std::ofstream(path) << ini;
    try {
        loadSettings(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ConfigKeys, UnknownKeysGetTheClosestKnownOne) {
    EXPECT_EQ(didYouMean("dicom.prot"), "did you mean [dicom] port?");
    EXPECT_EQ(didYouMean("peer.ARCADIS.ae_tilte"), "did you mean [peer.NAME] ae_title?");
    EXPECT_EQ(didYouMean("mail.tto"), "did you mean [mail] to?");
    EXPECT_EQ(didYouMean("dicom.something_else_entirely"), "");
    EXPECT_NE(loadProblems("[dicom]\nprot = 5\n").find("[dicom] prot: unknown key (did you mean [dicom] port?)"),
              std::string::npos);
}

// A file of thousands of unknown keys is answered at once with the first 20 problems: suggestions
// are measured only for those, and only against keys of about the same length.
TEST(ConfigKeys, ManyUnknownKeysGiveTheFirstTwentyAndHowManyMore) {
    std::string ini = "[dicom]\nprot = 1\n";
    for (int i = 0; i < 3000; ++i) ini += "unknown_key_" + std::to_string(i) + std::string(200, 'x') + " = 1\n";
    const std::string problems = loadProblems(ini);
    EXPECT_NE(problems.find("has 3001 problem(s):"), std::string::npos);
    EXPECT_NE(problems.find("[dicom] prot: unknown key (did you mean [dicom] port?)"), std::string::npos);
    EXPECT_NE(problems.find("... and 2981 more"), std::string::npos) << problems.substr(0, 300);
    EXPECT_EQ(problems.find("unknown_key_20" + std::string(200, 'x')), std::string::npos);
    EXPECT_EQ(didYouMean("dicom." + std::string(20000, 'p')), "");
}

// A value Poco's log channel would reject must be refused by the same validation serve runs.
TEST(ConfigKeys, LogRotateSizeIsValidatedBeforeTheLoggerSeesIt) {
    EXPECT_NE(loadProblems("[log]\nrotate_size = 10 MB\n").find("[log] rotate_size: '10 MB' is not a size"),
              std::string::npos);
    EXPECT_EQ(loadProblems("[log]\nrotate_size = 10M\n"), "");
    EXPECT_EQ(loadProblems("[log]\nrotate_size = 500 K\n"), "");
}

TEST(ConfigKeys, EveryKeyParsesItsDefaultBackToTheDefault) {
    for (const auto& key : configKeys()) {
        const std::string text = key.defaultText();
        if (text.empty() || key.name == "*") continue;
        Settings s;
        const std::string instance = key.section.find(".NAME") != std::string::npos ? "X" : "";
        EXPECT_EQ(key.set(s, instance, text), "") << key.section << " " << key.name << " = " << text;
    }
}

TEST(ConfigKeys, ValuesAreTypedAndNamedSectionsCollectTheirKeys) {
    test::TempDir dir;
    const std::string path = dir.file("f.ini");
    std::ofstream(path) << "[dicom]\nport = 104\n[peer.arcadis]\nae_title = ARC1\nhost = 10.0.0.7\n[audit]\ntime = 03:30\n"
                           "[log]\nlevel = DEBUG\n[device_charsets]\nARCADIS Varic = GB18030\n";
    const Settings s = loadSettings(path);
    EXPECT_EQ(s.listener.port, 104);
    ASSERT_EQ(s.listener.peers.size(), 1u);
    EXPECT_EQ(s.listener.peers[0].aeTitle, "ARC1");
    EXPECT_EQ(s.listener.peers[0].host, "10.0.0.7");
    EXPECT_EQ(s.audit.hour, 3);
    EXPECT_EQ(s.audit.minute, 30);
    EXPECT_EQ(s.log.level, "debug");
    EXPECT_EQ(s.extraction.deviceCharacterSets.at("ARCADIS Varic"), "GB18030");
    EXPECT_NE(loadProblems("[audit]\ntime = 24:00\n").find("[audit] time: '24:00' is not a time of day"), std::string::npos);
    EXPECT_NE(loadProblems("[dicom]\nport = 0\n").find("[dicom] port: '0' is not a whole number from 1 to 65535"),
              std::string::npos);
}

// FLUOROAUDIT_SECTION_KEY goes over the file's key, is checked as it is, and a problem names the variable.
TEST(ConfigKeys, TheEnvironmentSetsAKeyOverTheFile) {
    test::TempDir dir;
    const std::string path = dir.file("f.ini");
    std::ofstream(path) << "[site]\nname = north\n[dicom]\nport = 104\n";
    ::setenv("FLUOROAUDIT_SITE_NAME", " south ", 1);
    ::setenv("FLUOROAUDIT_STORE_URL", "postgresql://fa@db.example:5433/group", 1);
    const Settings s = loadSettings(path);
    const Settings none = loadSettings("");
    ::setenv("FLUOROAUDIT_DICOM_PORT", "0", 1);
    const std::string problem = loadProblems("");
    ::unsetenv("FLUOROAUDIT_SITE_NAME");
    ::unsetenv("FLUOROAUDIT_STORE_URL");
    ::unsetenv("FLUOROAUDIT_DICOM_PORT");
    EXPECT_EQ(s.site, "south");
    EXPECT_EQ(s.store.url, "postgresql://fa@db.example:5433/group");
    EXPECT_EQ(s.listener.port, 104); // the file's, where the environment says nothing
    EXPECT_EQ(none.site, "south");
    EXPECT_NE(problem.find("environment FLUOROAUDIT_DICOM_PORT ([dicom] port): '0' is not a whole number from 1 to 65535"),
              std::string::npos) << problem;
    EXPECT_EQ(loadSettings("").site, "");
}

// docs/configuration.md is what an operator reads: it must name every key the table knows.
TEST(ConfigKeys, TheConfigurationDocumentNamesEveryKey) {
    std::ifstream in(std::string(FA_SOURCE_DIR) + "/docs/configuration.md");
    std::stringstream doc;
    doc << in.rdbuf();
    for (const auto& key : configKeys()) {
        if (key.name == "*") continue;
        EXPECT_NE(doc.str().find("`" + key.name + "`"), std::string::npos) << "[" << key.section << "] " << key.name;
    }
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// Found by bench/fuzz.sh: a section named "[.]" made the key walk recurse for ever (stack overflow).
TEST(ConfigKeys, AnEmptySectionOrKeyNameIsAProblemNotAnEndlessWalk) {
    EXPECT_NE(loadProblems("[.]\nacse_timeout_s = 3\n").find("a section or key name is empty"), std::string::npos);
    std::string fuzzed;
    {
        std::ifstream in(std::string(FA_SOURCE_DIR) + "/tests/fuzz/config/empty-section-name.ini", std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        fuzzed = text.str();
    }
    ASSERT_FALSE(fuzzed.empty());
    EXPECT_NE(loadProblems(fuzzed).find("a section or key name is empty"), std::string::npos);
}

} // namespace
} // namespace fa
