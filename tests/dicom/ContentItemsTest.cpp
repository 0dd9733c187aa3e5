// A report read one content item at a time gives exactly what the whole loaded report gives: for
// every real vendor file and for synthetic reports in every encoding DCMTK writes.
#include "core/Error.h"
#include "dicom/ContentItems.h"
#include "dicom/ObjectExtractor.h"
#include "dicom/Prescan.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace fa {
namespace {

template <typename T>
using Fields = std::initializer_list<std::pair<const char*, std::optional<double> T::*>>;

template <typename T> void put(std::ostringstream& out, const T& x, Fields<T> fields) {
    for (const auto& [name, member] : fields) {
        out << ' ' << name << '=';
        if (x.*member) out << *(x.*member);
    }
    out << '\n';
}

// Everything extraction gives, as one text.
std::string describe(const DoseObject& o) {
    std::ostringstream out;
    out.precision(17);
    out << toString(o.kind) << ' ' << o.sopInstanceUid << ' ' << o.study.studyUid << ' ' << o.study.patientName << ' '
        << o.study.studyDescription << ' ' << o.device.key() << ' ' << o.device.observerUid << '\n';
    for (const auto& p : o.planes) {
        out << "plane " << toString(p.plane);
        put(out, p, {{"dap", &PlaneTotals::dapTotal_Gym2}, {"ka", &PlaneTotals::doseRpTotal_Gy},
                     {"fluoroDap", &PlaneTotals::fluoroDapTotal_Gym2}, {"acqDap", &PlaneTotals::acquisitionDapTotal_Gym2},
                     {"fluoro", &PlaneTotals::fluoroTime_s}, {"acq", &PlaneTotals::acquisitionTime_s},
                     {"frames", &PlaneTotals::frames}});
    }
    for (const auto& e : o.events) {
        out << "event " << e.uid << ' ' << toString(e.type) << ' ' << toString(e.plane) << ' ' << e.startedAt << ' '
            << e.protocol;
        put(out, e, {{"dap", &IrradiationEvent::dap_Gym2}, {"ka", &IrradiationEvent::doseRp_Gy},
                     {"kvp", &IrradiationEvent::kvp_kV}, {"ma", &IrradiationEvent::tubeCurrent_mA},
                     {"pulses", &IrradiationEvent::pulses}, {"rate", &IrradiationEvent::pulseRate_per_s},
                     {"duration", &IrradiationEvent::irradiationDuration_s}, {"exposure", &IrradiationEvent::exposureTime_s},
                     {"area", &IrradiationEvent::fieldArea_m2}, {"frames", &IrradiationEvent::frames}});
    }
    for (const auto& w : o.warnings) out << "warning " << w.code << ": " << w.message << '\n';
    return out.str();
}

dicom::ExtractOptions whole() {
    dicom::ExtractOptions o;
    o.readInPiecesAbove_bytes = SIZE_MAX;
    return o;
}

dicom::ExtractOptions inPieces() {
    dicom::ExtractOptions o;
    o.readInPiecesAbove_bytes = 0;
    return o;
}

bool mapped(const std::string& path) {
    const std::string bytes = [&] {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    dicom::ContentMap map;
    dicom::prescanBuffer(bytes.data(), bytes.size(), {}, &map);
    return map.found;
}

TEST(ContentItems, EveryRealReportGivesTheSameReadInPiecesAsLoadedWhole) {
    FA_REQUIRE_SHARED_DICOM(shared);
    int read = 0;
    for (const auto& entry : std::filesystem::directory_iterator(shared + "/rdsr")) {
        const std::string path = entry.path().string();
        SCOPED_TRACE(path);
        const std::string expected = describe(dicom::extractFile(path, whole()).object);
        EXPECT_EQ(describe(dicom::extractFile(path, inPieces()).object), expected);
        read += mapped(path);
    }
    // Every file's content is found; the Siemens summary is then read whole (its root is not TID 10001).
    EXPECT_EQ(read, 10);
}

struct Encoding {
    E_TransferSyntax syntax;
    E_EncodingType lengths;
    const char* name;
};

TEST(ContentItems, SyntheticReportsInEveryEncodingGiveTheSameReadInPieces) {
    test::TempDir dir;
    synth::Report r;
    r.characterSet = "GB18030";
    r.patientName = "\xCD\xF5^\xD0\xA1\xC3\xF7"; // 王^小明 in GB18030
    r.omitRelationshipTypes = true;
    r.planes = {synth::PlaneTotals{}, synth::PlaneTotals{}};
    r.planes[0].plane = "A";
    r.planes[0].dapTotal_Gym2 = 3e-4;
    r.planes[1].plane = "B";
    r.planes[1].dapTotal_Gym2 = 1e-4;
    for (int i = 0; i < 40; ++i) {
        synth::Event e;
        e.uid = synth::newUid();
        e.plane = i % 2 ? "A" : "B";
        e.type = i % 5 ? "fluoro" : "stationary";
        e.duration_s = 0.5 + i;
        e.pulses = 10.0 * i;
        r.events.push_back(e);
    }
    const Encoding encodings[] = {
        {EXS_LittleEndianExplicit, EET_UndefinedLength, "explicit little endian, undefined lengths"},
        {EXS_LittleEndianExplicit, EET_ExplicitLength, "explicit little endian, explicit lengths"},
        {EXS_LittleEndianImplicit, EET_UndefinedLength, "implicit little endian, undefined lengths"},
        {EXS_LittleEndianImplicit, EET_ExplicitLength, "implicit little endian, explicit lengths"},
        {EXS_BigEndianExplicit, EET_ExplicitLength, "explicit big endian"},
    };
    for (const Encoding& encoding : encodings) {
        SCOPED_TRACE(encoding.name);
        auto file = synth::buildReport(r);
        const std::string path = dir.file(std::string(encoding.name) + ".dcm");
        ASSERT_TRUE(file->saveFile(path.c_str(), encoding.syntax, encoding.lengths).good());
        ASSERT_TRUE(mapped(path));
        const auto loaded = dicom::extractFile(path, whole()).object;
        ASSERT_EQ(loaded.events.size(), 40u);
        EXPECT_EQ(loaded.study.patientName, "王^小明");
        EXPECT_EQ(describe(dicom::extractFile(path, inPieces()).object), describe(loaded));
    }
}

TEST(ContentItems, AReportNestedInAComprehensiveSrIsLoadedWholeAndStillRead) {
    test::TempDir dir;
    synth::Report r;
    r.nestInComprehensiveSr = true;
    r.events = {synth::Event{}, synth::Event{}};
    const std::string path = dir.file("nested.dcm");
    synth::save(*synth::buildReport(r), path);
    EXPECT_EQ(dicom::extractFile(path, inPieces()).object.events.size(), 2u);
}

TEST(ContentItems, AContentItemThatCannotBeReadIsNamedWithItsPlace) {
    test::TempDir dir;
    synth::Report r;
    r.events = {synth::Event{}, synth::Event{}, synth::Event{}};
    const std::string path = dir.file("r.dcm");
    synth::save(*synth::buildReport(r), path);
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    dicom::ContentMap map;
    dicom::prescanBuffer(bytes.data(), bytes.size(), {}, &map);
    ASSERT_TRUE(map.found);
    // The last item taken from two bytes too late: it starts in the middle of its tag.
    map.items.back().first += 2;
    dicom::ContentItems items(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), map);
    EXPECT_NO_THROW(items.item(0));
    const std::string where = "content item " + std::to_string(map.items.size()) + " at byte " +
                              std::to_string(map.items.back().first) + " cannot be read";
    try {
        items.item(map.items.size() - 1);
        FAIL() << "a misplaced content item was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace fa
