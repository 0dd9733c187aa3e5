// Extraction of the cases the real files do not cover, on objects generated with DCMTK.
#include "core/StudySummary.h"
#include "core/Error.h"
#include "dicom/ObjectExtractor.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcfilefo.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iconv.h>

namespace fa {
namespace {

using synth::Event;
using synth::Report;

dicom::Extraction extract(const Report& r, const dicom::ExtractOptions& options = {}) {
    auto file = synth::buildReport(r);
    return dicom::extractDataset(*file->getDataset(), options);
}

Event ev(const std::string& uid, const char* type = "fluoro", const char* plane = "single",
         const char* started = "20260301101500", double dap = 1e-5, double dose = 1e-4, double duration = 2.0) {
    Event e;
    e.uid = uid;
    e.type = type;
    e.plane = plane;
    e.startedAt = started;
    e.dap_Gym2 = dap;
    e.dose_Gy = dose;
    e.duration_s = duration;
    return e;
}

synth::PlaneTotals plane(const char* name) {
    synth::PlaneTotals p;
    p.plane = name;
    return p;
}

bool hasWarning(const DoseObject& o, const std::string& code) {
    for (const auto& w : o.warnings)
        if (w.code == code) return true;
    return false;
}

std::string encode(const std::string& utf8, const char* charset) {
    iconv_t cd = iconv_open(charset, "UTF-8");
    std::string in = utf8, out(utf8.size() * 4, '\0');
    char* ip = in.data();
    char* op = out.data();
    std::size_t il = in.size(), ol = out.size();
    const std::size_t rc = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1)) throw std::runtime_error("iconv failed");
    out.resize(out.size() - ol);
    return out;
}

TEST(SyntheticExtraction, BiplaneWithBothPlanesNonZeroAddsThePlanes) {
    Report r;
    r.planes = {plane("A"), plane("B")};
    r.events = {ev(synth::newUid(), "fluoro", "A", "20260301101500", 2e-5, 3e-4, 4.0),
                ev(synth::newUid(), "fluoro", "B", "20260301101510", 1e-5, 1e-4, 3.0),
                ev(synth::newUid(), "stationary", "B", "20260301101520", 5e-5, 5e-4, 1.5)};
    const auto x = extract(r);
    ASSERT_EQ(x.object.planes.size(), 2u);
    EXPECT_EQ(x.object.planes[0].plane, Plane::A);
    EXPECT_EQ(x.object.planes[1].plane, Plane::B);
    const StudySummary s = summarize({x.object});
    EXPECT_EQ(s.planes, 2);
    EXPECT_EQ(s.irradiationEvents, 3);
    EXPECT_EQ(s.fluoroEvents, 2);
    EXPECT_EQ(s.acquisitionEvents, 1);
    EXPECT_DOUBLE_EQ(*s.dap_Gym2, 8e-5);
    EXPECT_DOUBLE_EQ(*s.doseRp_Gy, 9e-4);
    EXPECT_DOUBLE_EQ(*s.fluoroTime_s, 7.0);
    EXPECT_DOUBLE_EQ(*s.acquisitionTime_s, 1.5);
    EXPECT_EQ(x.object.events[1].plane, Plane::B);
}

struct UnitCase {
    const char* dapUnit;
    const char* doseUnit;
    const char* timeUnit;
    bool converted;
};

void PrintTo(const UnitCase& c, std::ostream* os) { *os << c.dapUnit << ", " << c.doseUnit << ", " << c.timeUnit; }

class UnitVariants : public ::testing::TestWithParam<UnitCase> {};

TEST_P(UnitVariants, AreNormalisedToSiAndConversionsAreReported) {
    Report r;
    r.dapUnit = GetParam().dapUnit;
    r.doseUnit = GetParam().doseUnit;
    r.timeUnit = GetParam().timeUnit;
    r.events = {ev(synth::newUid(), "fluoro", "single", "20260301101500", 2.5e-5, 1.25e-3, 12.5)};
    const auto x = extract(r);
    const StudySummary s = summarize({x.object});
    EXPECT_NEAR(*s.dap_Gym2, 2.5e-5, 2.5e-5 * 1e-8);
    EXPECT_NEAR(*s.doseRp_Gy, 1.25e-3, 1.25e-3 * 1e-8);
    EXPECT_NEAR(*s.fluoroTime_s, 12.5, 12.5 * 1e-8); // DS holds 16 characters
    EXPECT_EQ(hasWarning(x.object, "unit-converted"), GetParam().converted);
    EXPECT_FALSE(hasWarning(x.object, "unit-unknown"));
}

INSTANTIATE_TEST_SUITE_P(AllSeenInTheWild, UnitVariants,
                         ::testing::Values(UnitCase{"Gy.m2", "Gy", "s", false}, UnitCase{"Gym2", "Gy", "s", false},
                                           UnitCase{"dGy.cm2", "mGy", "s", true}, UnitCase{"cGy.cm2", "Gy", "s", true},
                                           UnitCase{"Gy.cm2", "Gy", "s", true}, UnitCase{"Gy.cm^2", "Gy", "s", true},
                                           UnitCase{"mGy.cm2", "mGy", "ms", true},
                                           UnitCase{"Gy.m2", "Gy", "min", true}));

TEST(SyntheticExtraction, UnknownUnitIsNotUsedAndIsReported) {
    Report r;
    r.dapUnit = "Gy.m2";
    r.events = {ev(synth::newUid())};
    auto file = synth::buildReport(r);
    // Rewrite the DAP total's unit to one nobody knows.
    DcmItem* acc = nullptr;
    file->getDataset()->findAndGetSequenceItem(DCM_ContentSequence, acc, 3);
    DcmItem* num = nullptr;
    acc->findAndGetSequenceItem(DCM_ContentSequence, num, 1);
    DcmItem* mv = nullptr;
    num->findAndGetSequenceItem(DCM_MeasuredValueSequence, mv, 0);
    DcmItem* unit = nullptr;
    mv->findAndGetSequenceItem(DCM_MeasurementUnitsCodeSequence, unit, 0);
    unit->putAndInsertString(DCM_CodeValue, "furlong");
    const auto x = dicom::extractDataset(*file->getDataset(), {});
    EXPECT_TRUE(hasWarning(x.object, "unit-unknown"));
    EXPECT_FALSE(x.object.planes.at(0).dapTotal_Gym2.has_value());
}

class FluoroCodes : public ::testing::TestWithParam<int> {};

TEST_P(FluoroCodes, SrtSctAndTheDcmQuirkAllMeanFluoroscopy) {
    Report r;
    r.fluoroAsSct = GetParam() == 1;
    r.fluoroSrtUnderDcm = GetParam() == 2;
    r.events = {ev(synth::newUid()), ev(synth::newUid(), "rotational"), ev(synth::newUid(), "stepping")};
    const StudySummary s = summarize({extract(r).object});
    EXPECT_EQ(s.fluoroEvents, 1);
    EXPECT_EQ(s.acquisitionEvents, 2);
}
INSTANTIATE_TEST_SUITE_P(Schemes, FluoroCodes, ::testing::Values(0, 1, 2));

TEST(SyntheticExtraction, MissingTemplateIdentifierIsAcceptedByRootConcept) {
    Report r;
    r.omitTemplateId = true;
    r.events = {ev(synth::newUid())};
    const auto x = extract(r);
    ASSERT_TRUE(x.hasDoseContent);
    EXPECT_TRUE(hasWarning(x.object, "template-missing"));
    EXPECT_EQ(summarize({x.object}).irradiationEvents, 1);
}

// Performing physicians and operators, each person once: a name that is part of another is another
// person (the staff dose estimate counts per person).
TEST(SyntheticExtraction, OperatorsAreEachPersonOnceInTheOrderNamed) {
    Report r;
    r.performingPhysician = "Wang^Li\\Li";
    r.operatorsName = "Li\\Wang^Li^^^\\Zhao^Min";
    r.events = {ev(synth::newUid())};
    EXPECT_EQ(extract(r).object.study.operators, "Wang Li; Li; Zhao Min");
}

TEST(SyntheticExtraction, ReportNestedInComprehensiveSrIsFound) {
    Report r;
    r.nestInComprehensiveSr = true;
    r.events = {ev(synth::newUid()), ev(synth::newUid())};
    const auto x = extract(r);
    ASSERT_TRUE(x.hasDoseContent);
    EXPECT_EQ(x.object.kind, SourceKind::Rdsr);
    EXPECT_EQ(summarize({x.object}).irradiationEvents, 2);
}

TEST(SyntheticExtraction, EnhancedRdsrSopClassIsRead) {
    Report r;
    r.enhancedSopClass = true;
    r.events = {ev(synth::newUid())};
    const auto x = extract(r);
    ASSERT_TRUE(x.hasDoseContent);
    EXPECT_EQ(x.object.sopClassUid, "1.2.840.10008.5.1.4.1.1.88.76");
}

TEST(SyntheticExtraction, MissingRelationshipTypesAreToleratedAndReported) {
    Report r;
    r.omitRelationshipTypes = true;
    r.events = {ev(synth::newUid())};
    const auto x = extract(r);
    EXPECT_TRUE(hasWarning(x.object, "sr-structure"));
    EXPECT_EQ(summarize({x.object}).irradiationEvents, 1);
}

TEST(SyntheticExtraction, EventsWithoutUidsCountOnceEach) {
    Report r;
    r.events = {ev(""), ev(""), ev("")};
    r.events[1].startedAt = "20260301101600";
    const StudySummary s = summarize({extract(r).object});
    EXPECT_EQ(s.irradiationEvents, 3);
}

TEST(SyntheticExtraction, FluoroTimeFallsBackToPulsesOverPulseRate) {
    Report r;
    r.planes = {plane("single")};
    Event e = ev(synth::newUid());
    e.omitDuration = true;
    e.pulses = 60;
    e.pulseRate = 7.5;
    r.events = {e};
    auto file = synth::buildReport(r);
    auto x = dicom::extractDataset(*file->getDataset(), {});
    x.object.planes[0].fluoroTime_s.reset(); // as if the report gave no Total Fluoro Time
    EXPECT_DOUBLE_EQ(*summarize({x.object}).fluoroTime_s, 8.0);
}

struct CharsetCase {
    const char* declared;    // Specific Character Set written into the object
    const char* encoding;    // iconv name of the bytes written
    const char* deviceDefault; // configured for the station when declared is empty
};

void PrintTo(const CharsetCase& c, std::ostream* os) { *os << c.encoding << " declared '" << c.declared << "'"; }

class Charsets : public ::testing::TestWithParam<CharsetCase> {};

TEST_P(Charsets, DescriptionsArriveAsUtf8) {
    const std::string text = "临时脊髓电刺激植入术";
    Report r;
    r.characterSet = GetParam().declared;
    r.studyDescription = encode(text, GetParam().encoding);
    r.events = {ev(synth::newUid())};
    dicom::ExtractOptions options;
    if (*GetParam().deviceDefault) options.deviceCharacterSets[r.station] = GetParam().deviceDefault;
    const auto x = extract(r, options);
    EXPECT_EQ(x.object.study.studyDescription, text);
    EXPECT_FALSE(hasWarning(x.object, "charset"));
}

INSTANTIATE_TEST_SUITE_P(Chinese, Charsets,
                         ::testing::Values(CharsetCase{"ISO_IR 192", "UTF-8", ""},
                                           CharsetCase{"GB18030", "GB18030", ""}, CharsetCase{"GBK", "GBK", ""},
                                           CharsetCase{"", "GB18030", "GB18030"}));

// Operators in Japanese, Korean and Chinese code extensions: each name decoded on its own, people
// told apart only by the "\\" between them.
TEST(SyntheticExtraction, OperatorsInIso2022AreDecodedBeforeTheyAreToldApart) {
    struct Row {
        const char* characterSet;
        std::string physician, operators, expected;
    };
    const Row rows[] = {
        {"\\ISO 2022 IR 87", "Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B", "Suzuki^Ichiro\\Sato^Hanako",
         "Yamada Tarou=山田 太郎; Suzuki Ichiro; Sato Hanako"},
        {"\\ISO 2022 IR 149", "Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7", "", "Hong Gildong=洪 吉洞"},
        {"\\ISO 2022 IR 58", "Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab", "Li^Si", "Zhang XiaoDong=张 小东; Li Si"},
    };
    for (const auto& row : rows) {
        Report r;
        r.characterSet = row.characterSet;
        r.performingPhysician = row.physician;
        r.operatorsName = row.operators;
        r.events = {ev(synth::newUid())};
        const auto x = extract(r);
        EXPECT_EQ(x.object.study.operators, row.expected) << row.characterSet;
        EXPECT_FALSE(hasWarning(x.object, "charset")) << row.characterSet;
    }
}

TEST(SyntheticExtraction, UndeclaredNonAsciiTextIsKeptReadableWithAWarning) {
    Report r;
    r.characterSet = "";
    r.studyDescription = encode("脊神经根脉冲射频术", "GBK");
    r.events = {ev(synth::newUid())};
    const auto x = extract(r);
    EXPECT_TRUE(hasWarning(x.object, "charset"));
    EXPECT_NE(x.object.study.studyDescription.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_EQ(summarize({x.object}).irradiationEvents, 1); // the numbers are unaffected
}

TEST(SyntheticExtraction, SingleImagesAndCineRunsFromImageHeaders) {
    synth::Image single;
    single.exposureTime_ms = 750;
    single.dap_dGycm2 = 1.5;
    single.totalFluoroTime_s = 12;
    synth::Image cine;
    cine.studyUid = single.studyUid;
    cine.sopClass = "xa";
    cine.frames = 30;
    cine.frameTime_ms = 66.7;
    auto a = dicom::extractDataset(*synth::buildImage(single)->getDataset(), {});
    auto b = dicom::extractDataset(*synth::buildImage(cine)->getDataset(), {});
    ASSERT_TRUE(a.hasDoseContent);
    ASSERT_TRUE(b.hasDoseContent);
    ASSERT_TRUE(a.object.headerFluoroTime_s.has_value());
    EXPECT_EQ(a.object.kind, SourceKind::ImageHeaders);
    EXPECT_DOUBLE_EQ(*a.object.events[0].irradiationDuration_s, 0.75);
    EXPECT_NEAR(*b.object.events[0].irradiationDuration_s, 30 * 0.0667, 1e-9);
    const StudySummary s = summarize({a.object, b.object});
    ASSERT_TRUE(s.fluoroTime_s && s.exposureTime_s && s.acquisitionTime_s && s.dap_Gym2 && s.frames);
    EXPECT_EQ(s.source, SourceKind::ImageHeaders);
    EXPECT_EQ(s.irradiationEvents, 2);
    EXPECT_NEAR(*s.acquisitionTime_s, 0.75 + 30 * 0.0667, 1e-9);
    EXPECT_DOUBLE_EQ(*s.fluoroTime_s, 12.0);
    EXPECT_NEAR(*s.exposureTime_s, 12.0 + 0.75 + 30 * 0.0667, 1e-9);
    EXPECT_NEAR(*s.dap_Gym2, 1.5e-5, 1e-15);
    EXPECT_DOUBLE_EQ(*s.frames, 31.0);
}

TEST(SyntheticExtraction, EmptyImageDoseAttributesAreUnknownNotZero) {
    synth::Image im;
    im.emptyDoseAttributes = true;
    const auto x = dicom::extractDataset(*synth::buildImage(im)->getDataset(), {});
    const auto& e = x.object.events.at(0);
    EXPECT_FALSE(e.exposureTime_s.has_value());
    EXPECT_FALSE(e.dap_Gym2.has_value());
    EXPECT_FALSE(e.kvp_kV.has_value());
    EXPECT_FALSE(x.object.headerFluoroTime_s.has_value());
    const StudySummary s = summarize({x.object});
    EXPECT_FALSE(s.exposureTime_s.has_value());
    EXPECT_FALSE(s.dap_Gym2.has_value());
    EXPECT_TRUE(x.object.warnings.size() >= 1);
}

TEST(SyntheticExtraction, TruncatedAndNonDicomFilesGiveOneClearError) {
    test::TempDir dir;
    Report r;
    r.events = {ev(synth::newUid()), ev(synth::newUid())};
    const std::string whole = dir.file("whole.dcm");
    synth::save(*synth::buildReport(r), whole);
    std::ifstream in(whole, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir.file("truncated.dcm"), std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size() / 2));
    std::ofstream(dir.file("notes.txt")) << "not an image\n";
    try {
        dicom::extractFile(dir.file("truncated.dcm"), {});
        FAIL() << "a truncated file was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("truncated.dcm: damaged or truncated DICOM file"), std::string::npos)
            << e.what();
    }
    try {
        dicom::extractFile(dir.file("notes.txt"), {});
        FAIL() << "a text file was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), dir.file("notes.txt") + ": not a DICOM file");
    }
    EXPECT_TRUE(dicom::extractFile(whole, {}).hasDoseContent);
}

TEST(SyntheticExtraction, TenThousandEventReport) {
    Report r;
    r.events.resize(10000);
    for (std::size_t i = 0; i < r.events.size(); ++i) {
        r.events[i].uid = "1.2.826.0.1.3680043.10.99." + std::to_string(i);
        r.events[i].type = i % 10 == 0 ? "stationary" : "fluoro";
        r.events[i].duration_s = 0.5;
    }
    const StudySummary s = summarize({extract(r).object});
    EXPECT_EQ(s.irradiationEvents, 10000);
    EXPECT_EQ(s.acquisitionEvents, 1000);
    EXPECT_DOUBLE_EQ(*s.fluoroTime_s, 4500.0);
    EXPECT_DOUBLE_EQ(*s.acquisitionTime_s, 500.0);
}

TEST(SyntheticExtraction, ObjectsWithoutDoseContentSaySo) {
    DcmFileFormat file;
    file.getDataset()->putAndInsertString(DCM_SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
    file.getDataset()->putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4");
    const auto x = dicom::extractDataset(*file.getDataset(), {});
    EXPECT_FALSE(x.hasDoseContent);
    EXPECT_EQ(x.whyNot, "CTImageStorage carries no dose content");
}

} // namespace
} // namespace fa
