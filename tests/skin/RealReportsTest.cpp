// Peak skin dose of the shared vendor reports: each vendor's normalisation on a real report, with
// openSkin 0.9.0's peak cells for the Siemens Artis zee and the Canon Alphenix (OpenREM's
// test_openskin.py fixtures: 1.72 and 1.65 mGy) as the outside check.
#include "dicom/ObjectExtractor.h"
#include "skin/SkinModel.h"
#include "skin/Vendors.h"
#include "tests/support/SharedData.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fa::skin {
namespace {

struct Report {
    dicom::Extraction x;
    SkinDoseResult skin;
};

Report mapped(const std::string& dir, const std::string& file) {
    Report r{dicom::extractFile(dir + "/rdsr/" + file, {}), {}};
    r.skin = computeSkinDose({&r.x.object});
    return r;
}

bool says(const SkinDoseResult& r, const std::string& part) {
    return std::any_of(r.assumptions.begin(), r.assumptions.end(),
                       [&](const SkinNote& a) { return a.text.find(part) != std::string::npos; });
}

constexpr double kMilli = 1e-3;

TEST(RealReports, SiemensArtisZeeIsWithinOneAndAHalfOfOpenSkin) {
    FA_REQUIRE_SHARED_DICOM(dir);
    const auto r = mapped(dir, "RF-RDSR-Siemens-Zee.dcm");
    ASSERT_TRUE(r.skin.psd_Gy) << r.skin.missing.text;
    const double psd = *r.skin.psd_Gy;
    EXPECT_GT(psd, 1.72 * kMilli / 1.5);
    EXPECT_LT(psd, 1.72 * kMilli * 1.5);
    EXPECT_LE(psd, 2 * 2.52 * kMilli); // 2 x Ka,r
    EXPECT_NEAR(psd, 1.851 * kMilli, 0.01 * kMilli); // this model's figure: a change to it shows here
    EXPECT_EQ(r.skin.normalisation, "Siemens Artis/AXIOM");
    EXPECT_EQ(r.skin.region.rfind("back", 0), 0u);
    EXPECT_EQ(r.skin.events, 8u);
    EXPECT_DOUBLE_EQ(*r.skin.dapOnPhantom, 1.0);
    EXPECT_TRUE(says(r.skin, "reference man's 178.6 cm and 73.2 kg"));
    EXPECT_TRUE(says(r.skin, "head first supine assumed")); // the zee writes no patient position
    EXPECT_FALSE(says(r.skin, "table and mattress transmission")); // Artis: measured
    EXPECT_EQ(decodeMap(r.skin.map, static_cast<std::size_t>(r.skin.around * r.skin.along)).size(), 92u * 70u);
}

TEST(RealReports, CanonAlphenixRotationalRunIsSpreadRoundTheBody) {
    FA_REQUIRE_SHARED_DICOM(dir);
    auto r = mapped(dir, "RF-RDSR-Canon-Alphenix-rotational.dcm");
    ASSERT_TRUE(r.skin.psd_Gy) << r.skin.missing.text;
    EXPECT_EQ(r.skin.normalisation, "Canon/Toshiba Alphenix/Infinix/Ultimax");
    EXPECT_EQ(r.skin.phantom, "body 179.0 cm, 77.0 kg"); // Patient's Size and Weight of the report
    EXPECT_TRUE(says(r.skin, "Table Height Position read as the table top's distance below the isocentre"));
    EXPECT_TRUE(says(r.skin, "0.75 assumed"));
    EXPECT_LE(*r.skin.psd_Gy, 2 * 12.722 * kMilli);
    EXPECT_NEAR(*r.skin.psd_Gy, 5.469 * kMilli, 0.01 * kMilli);
    EXPECT_EQ(r.skin.region, "left side, middle third");
    // openSkin 0.9.0 spreads the 11.1 mGy rotational run (LAO 90 to RAO 120) to a 1.65 mGy band; by hand
    // (docs/skin-dose.md) a cell 18 cm from the axis sees the field for 24 % of the run: about 4.4 mGy.
    // Without the run this model is within 1.5 of openSkin's figure.
    for (auto& e : r.x.object.events)
        if (e.type == EventType::RotationalAcquisition) e.doseRp_Gy = 0.0;
    const auto fluoroscopy = computeSkinDose({&r.x.object});
    ASSERT_TRUE(fluoroscopy.psd_Gy);
    EXPECT_GT(*fluoroscopy.psd_Gy, 1.65 * kMilli / 1.5);
    EXPECT_LT(*fluoroscopy.psd_Gy, 1.65 * kMilli * 1.5);
    EXPECT_LT(*fluoroscopy.psd_Gy, *r.skin.psd_Gy / 4);
}

TEST(RealReports, SiemensAxiomArtis) {
    FA_REQUIRE_SHARED_DICOM(dir);
    const auto r = mapped(dir, "RF-RDSR-Siemens-AxiomArtis.dcm");
    ASSERT_TRUE(r.skin.psd_Gy) << r.skin.missing.text;
    EXPECT_GT(*r.skin.psd_Gy, 0);
    EXPECT_LE(*r.skin.psd_Gy, 2 * 1.36 * kMilli);
    EXPECT_NEAR(*r.skin.psd_Gy, 1.423 * kMilli, 0.01 * kMilli);
    EXPECT_EQ(r.skin.normalisation, "Siemens Artis/AXIOM");
}

TEST(RealReports, PhilipsAlluraTableHeightFromItsPrivateConcept) {
    FA_REQUIRE_SHARED_DICOM(dir);
    const auto r = mapped(dir, "RF-RDSR-Philips_Allura.dcm");
    ASSERT_EQ(r.x.object.events.size(), 3u);
    EXPECT_DOUBLE_EQ(*r.x.object.events[0].geometry->tableHeight_mm, 905); // (021, 99PHI-IXR-XPER)
    EXPECT_EQ(r.x.object.events[0].geometry->referencePoint, "15cm below BeamIsocenter");
    EXPECT_EQ(r.x.object.events[0].geometry->patientPosition, "HFS");
    EXPECT_DOUBLE_EQ(*r.x.object.events[0].geometry->copper_mm, 0.4);
    EXPECT_DOUBLE_EQ(*r.x.object.events[0].geometry->aluminium_mm, 1.0);
    ASSERT_TRUE(r.skin.psd_Gy) << r.skin.missing.text;
    EXPECT_LE(*r.skin.psd_Gy, 2 * 4.27128 * kMilli);
    EXPECT_NEAR(*r.skin.psd_Gy, 4.833 * kMilli, 0.01 * kMilli);
    EXPECT_EQ(r.skin.normalisation, "Philips Allura/Azurion");
    EXPECT_EQ(r.skin.phantom, "body 178.6 cm, 86.2 kg (reference man where not reported)");
    EXPECT_TRUE(says(r.skin, "reference man's 178.6 cm used"));
    EXPECT_FALSE(says(r.skin, "without Table Height Position"));
}

TEST(RealReports, PhilipsAlluraClarityBiplane) {
    FA_REQUIRE_SHARED_DICOM(dir);
    const auto r = mapped(dir, "RF-RDSR-Philips_AlluraClarity-biplane.dcm");
    ASSERT_TRUE(r.skin.psd_Gy) << r.skin.missing.text;
    EXPECT_LE(*r.skin.psd_Gy, 2 * 0.709366 * kMilli);
    EXPECT_NEAR(*r.skin.psd_Gy, 0.5449 * kMilli, 0.005 * kMilli);
    EXPECT_TRUE(says(r.skin, "reference man's 178.6 cm and 73.2 kg")); // weight written as 0.0
}

TEST(RealReports, WithoutPositionerAnglesThereIsNoPsdAndTheMissingContentIsNamed) {
    FA_REQUIRE_SHARED_DICOM(dir);
    // GE OEC Super-C: angles written as 'Value unknown'; Canon Ultimax-i and the Siemens Fluorospot
    // (Dual-RDSR-RF) write none; the ARCADIS summary has no events at all.
    for (const char* file : {"RF-RDSR-GE.dcm", "RF-RDSR-Canon-Ultimaxi-mGyDoseAtRP.dcm", "Dual-RDSR-RF.dcm"}) {
        const auto r = mapped(dir, file);
        EXPECT_FALSE(r.skin.psd_Gy) << file;
        EXPECT_NE(r.skin.missing.text.find("Positioner Primary Angle not given"), std::string::npos) << r.skin.missing.text;
        EXPECT_NE(r.skin.missing.text.find(r.x.object.sopInstanceUid), std::string::npos) << r.skin.missing.text;
    }
    const auto varic = mapped(dir, "RF-ESR-Siemens-Varic.dcm");
    EXPECT_FALSE(varic.skin.psd_Gy);
    EXPECT_NE(varic.skin.missing.text.find("no dose report with irradiation events"), std::string::npos);
}

// One normalisation per family, on an event of its own.
TEST(Normalisations, EachFamilyPlacesTheTableItsOwnWay) {
    EventGeometry e;
    e.tableLongitudinal_mm = -25.9;
    e.tableLateral_mm = 677.3;
    e.tableHeight_mm = 150;
    const auto siemens = siemensArtis(e);
    EXPECT_DOUBLE_EQ(*siemens.lateral_mm, -25.9);
    EXPECT_DOUBLE_EQ(*siemens.longitudinal_mm, 677.3);
    EXPECT_DOUBLE_EQ(*siemens.belowIsocentre_mm, 150);
    const auto philips = philipsAllura(e);
    EXPECT_DOUBLE_EQ(*philips.belowIsocentre_mm, 905);
    EXPECT_DOUBLE_EQ(*philips.longitudinal_mm, 677.3);
    const auto canon = canonInfinix(e);
    EXPECT_DOUBLE_EQ(*canon.lateral_mm, 677.3);
    EXPECT_DOUBLE_EQ(*canon.longitudinal_mm, -25.9);
    EXPECT_DOUBLE_EQ(*canon.belowIsocentre_mm, 150);
    EXPECT_FALSE(dicomAxes(e).belowIsocentre_mm);
    EXPECT_FALSE(noTable(e).lateral_mm);

    auto nameOf = [](const char* maker, const char* model) { return normalisationFor(DeviceInfo{maker, model, "", "", ""}).name; };
    EXPECT_EQ(nameOf("Siemens", "AXIOM-Artis"), "Siemens Artis/AXIOM");
    EXPECT_EQ(nameOf("SIEMENS", "Cios Alpha"), "Siemens mobile C-arm (Cios, ARCADIS)");
    EXPECT_EQ(nameOf("Philips Medical Systems", "AlluraXper"), "Philips Allura/Azurion");
    EXPECT_EQ(nameOf("CANON_MEC", "DFP-8000D"), "Canon/Toshiba Alphenix/Infinix/Ultimax");
    EXPECT_EQ(nameOf("TOSHIBA_MEC", "INFX-8000V"), "Canon/Toshiba Alphenix/Infinix/Ultimax");
    EXPECT_EQ(nameOf("GE OEC Medical Systems", "OEC 9900 Elite"), "GE OEC (mobile C-arm)");
    EXPECT_EQ(nameOf("GE Healthcare", "Innova 4100"), "GE Innova/Discovery");
    EXPECT_EQ(nameOf("Ziehm Imaging", "Vision RFD"), "DICOM axes (Ziehm Imaging)");
}

} // namespace
} // namespace fa::skin
