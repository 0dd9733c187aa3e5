// Objects are looked at before DCMTK builds them: too deep or too big is refused with a reason.
#include "core/Error.h"
#include "dicom/ObjectExtractor.h"
#include "dicom/Prescan.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <fstream>

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
    EXPECT_EQ(dicom::prescanFile(dir.file("r.dcm"), small), "more than 1 MB of content besides pixel data");
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

} // namespace
} // namespace fa
