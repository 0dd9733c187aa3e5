// Objects are looked at before DCMTK builds them: too deep or too big is refused with a reason.
#include "core/Error.h"
#include "dicom/ObjectExtractor.h"
#include "dicom/Prescan.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace fa {
namespace {

TEST(Prescan, NestingBeyondTheLimitIsRefusedAndShallowReportsPass) {
    const std::string deep = synth::deeplyNestedReport(20000, synth::newUid(), synth::newUid());
    EXPECT_EQ(dicom::prescanBuffer(deep.data(), deep.size()), "sequences nested more than 64 levels deep");
    const std::string edge = synth::deeplyNestedReport(64, synth::newUid(), synth::newUid());
    EXPECT_EQ(dicom::prescanBuffer(edge.data(), edge.size()), "");
    const std::string over = synth::deeplyNestedReport(65, synth::newUid(), synth::newUid());
    EXPECT_EQ(dicom::prescanBuffer(over.data(), over.size()), "sequences nested more than 64 levels deep");
    dicom::PrescanLimits strict;
    strict.maxDepth = 8;
    const std::string nine = synth::deeplyNestedReport(9, synth::newUid(), synth::newUid());
    EXPECT_EQ(dicom::prescanBuffer(nine.data(), nine.size(), strict), "sequences nested more than 8 levels deep");
}

TEST(Prescan, ARealSizedReportPassesAndTheSizeLimitHolds) {
    synth::Report r;
    r.events.resize(2000);
    for (auto& e : r.events) e.uid = synth::newUid();
    test::TempDir dir;
    synth::save(*synth::buildReport(r), dir.file("r.dcm"));
    EXPECT_EQ(dicom::prescanFile(dir.file("r.dcm")), "");
    dicom::PrescanLimits small;
    small.maxContentBytes = 1 << 20;
    EXPECT_EQ(dicom::prescanFile(dir.file("r.dcm"), small), "more than 1 MB besides pixel data");
}

// What DCMTK builds is every element, not only the values: a step of 30,000 short exposures holds
// 0.5 MB of values in 1.7 MB, and the 1 MB limit refuses it.
TEST(Prescan, TheSizeLimitCountsEveryElementNotOnlyTheValues) {
    test::TempDir dir;
    DcmDataset step = synth::stepCompletion(30000);
    DcmFileFormat file(&step);
    ASSERT_TRUE(file.saveFile(dir.file("s.dcm").c_str(), EXS_LittleEndianExplicit).good());
    dicom::PrescanLimits small;
    small.maxContentBytes = 1 << 20;
    EXPECT_EQ(dicom::prescanFile(dir.file("s.dcm"), small), "more than 1 MB besides pixel data");
    small.maxContentBytes = 2 << 20;
    EXPECT_EQ(dicom::prescanFile(dir.file("s.dcm"), small), "");
}

TEST(Prescan, ExtractionOfADeepFileFailsWithTheReasonInsteadOfCrashing) {
    test::TempDir dir;
    const std::string path = dir.file("deep.dcm");
    std::ofstream(path, std::ios::binary) << synth::deeplyNestedReport(20000, synth::newUid(), synth::newUid());
    try {
        dicom::extractFile(path, {});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), path + ": refused without reading it: sequences nested more than 64 levels deep");
    }
}

// A Part 10 file whose last value announces 2 GB: refused before DCMTK sets aside the 2 GB, with
// where the value starts; a bare dataset that does the same is left to the loader.
TEST(Prescan, AValueAnnouncingMoreThanTheObjectHoldsIsRefused) {
    test::TempDir dir;
    const std::string path = dir.file("r.dcm");
    synth::save(*synth::buildReport(synth::Report{}), path);
    std::string bytes = [&] {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    const std::size_t at = bytes.size();
    bytes += std::string("\x09\x00\x10\x10OB\0\0\xf0\xff\xff\x7f", 12) + std::string(100, 'x');
    EXPECT_EQ(dicom::prescanBuffer(bytes.data(), bytes.size()),
              std::string(dicom::kTruncated) + "2147483632 bytes announced at byte " + std::to_string(at) + ", 100 left");
    std::ofstream(path, std::ios::binary) << bytes;
    try {
        dicom::extractFile(path, {});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), path + ": damaged or truncated DICOM file (2147483632 bytes announced at byte " +
                                             std::to_string(at) + ", 100 left)");
    }
    // No Part 10 header: a bare dataset cut short, or no DICOM at all. Refused before DCMTK sets
    // aside what a value announces (the extraction harness spent its time in gigabyte allocations).
    const std::string bare = std::string("\x09\x00\x10\x10OB\0\0\xf0\xff\xff\x7f", 12) + std::string(100, 'x');
    EXPECT_EQ(dicom::prescanBuffer(bare.data(), bare.size()),
              std::string(dicom::kUnreadable) + "2147483632 bytes announced at byte 0, 100 left");
    try {
        dicom::extractBuffer(bare.data(), bare.size(), "instance 7", {});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "instance 7: not a readable DICOM object (2147483632 bytes announced at byte 0, 100 left)");
    }
}

// The pre-scan reads lengths as DCMTK does, so that its verdict is about what DCMTK would load:
// an unknown VR of two capital letters has a 4-byte length (found by the fuzzer: "IC" announcing
// 1.4 GB, which DCMTK set aside), and a UN of undefined length holds implicit VR little endian.
TEST(Prescan, LengthsAreReadAsDcmtkReadsThem) {
    test::TempDir dir;
    const std::string path = dir.file("r.dcm");
    synth::save(*synth::buildReport(synth::Report{}), path);
    const std::string report = [&] {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    std::string unknownVr = report + std::string("\x09\x00\x10\x10IC\0\0\x00\x00\x00\x55", 12) + std::string(64, 'x');
    EXPECT_EQ(dicom::prescanBuffer(unknownVr.data(), unknownVr.size()),
              std::string(dicom::kTruncated) + "1426063360 bytes announced at byte " + std::to_string(report.size()) +
                  ", 64 left");
    // UN, undefined length; one item; inside it (implicit VR) an element announcing 1 MB, which
    // read as explicit VR would be a harmless 16-byte value.
    const std::string un = report + std::string("\x09\x00\x20\x10UN\0\0\xff\xff\xff\xff", 12) +
                           std::string("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8) +
                           std::string("\x09\x00\x21\x10\x00\x00\x10\x00", 8) + std::string(64, 'y');
    EXPECT_EQ(dicom::prescanBuffer(un.data(), un.size()),
              std::string(dicom::kTruncated) + "1048576 bytes announced at byte " + std::to_string(report.size() + 20) +
                  ", 64 left");
}

} // namespace
} // namespace fa
