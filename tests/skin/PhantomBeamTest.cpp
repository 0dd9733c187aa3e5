// The skin-dose model against doses computed by hand: one beam straight onto a flat phantom and a
// cylinder, beams that overlap or face each other, inverse square at two table heights.
#include "core/Error.h"
#include "skin/Beam.h"
#include "skin/Corrections.h"
#include "skin/Phantom.h"
#include "skin/SkinModel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace fa::skin {
namespace {

// Published values the hand calculations use (Benmakhlouf et al. 2011, 80 kV, 0.1 mm Cu):
// backscatter 1.275 (5 cm field) and 1.392 (10 cm), water/air 1.025.
TEST(Corrections, AreThePublishedFiguresAndInterpolateBetweenThem) {
    EXPECT_DOUBLE_EQ(backscatter(80, 0.1, 5), 1.275);
    EXPECT_DOUBLE_EQ(backscatter(80, 0.1, 10), 1.392);
    EXPECT_DOUBLE_EQ(backscatter(110, 0.6, 35), 1.640);
    EXPECT_NEAR(backscatter(80, 0.1, 7.5), (1.275 + 1.392) / 2, 1e-12);
    EXPECT_NEAR(backscatter(85, 0.1, 10), (1.392 + 1.401) / 2, 1e-12);
    EXPECT_DOUBLE_EQ(backscatter(40, 0, 2), 1.204); // outside the table: its edge, never extrapolated
    EXPECT_DOUBLE_EQ(waterToAir(80, 0.1), 1.025);
    EXPECT_DOUBLE_EQ(*measuredTableTransmission("siemens-artis", 80, 0.1), 0.75);
    EXPECT_FALSE(measuredTableTransmission("", 80, 0.1).has_value());
}

// Index of the cell whose centre is nearest to `p`.
std::size_t nearest(const Phantom& ph, Vec p) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < ph.cells.size(); ++i)
        if (norm(ph.cells[i].p - p) < norm(ph.cells[best].p - p)) best = i;
    return best;
}

// A posterior beam: source 75 cm from the isocentre, reference point 60 cm from the source, a
// 10 x 10 cm field there, 1 mGy at the reference point, 80 kV and 0.1 mm Cu, no table.
Beam posterior(Vec isocentre) {
    Beam b = carmBeam(isocentre, 0, 0, 75, 60, 10, 10);
    b.kerma_Gy = 1e-3;
    b.kvp = 80;
    b.copper_mm = 0.1;
    b.tableTransmission = 1;
    return b;
}

TEST(FlatPhantom, OnePerpendicularBeamGivesTheHandComputedDose) {
    const Phantom ph = flatPhantom(50, 50);
    ASSERT_EQ(ph.cells.size(), 2500u);
    // Isocentre 25 cm above the back: the skin 50 cm from the source. Field side at the skin
    // 10 x 50/60 = 8.333 cm: backscatter 1.275 + (1.392 - 1.275) x 3.333/5 = 1.353.
    const Beam b = posterior(Vec{0.5, 0.5, 25});
    std::vector<double> dose(ph.cells.size(), 0.0);
    ASSERT_TRUE(addBeam(b, ph, dose));
    const double byHand = 1e-3 * (60.0 / 50.0) * (60.0 / 50.0) * 1.353 * 1.025; // 1.99710 mGy
    const std::size_t centre = nearest(ph, Vec{0.5, 0.5, 0});
    EXPECT_NEAR(dose[centre], byHand, byHand * 1e-3);
    // The field is 8.33 cm wide at the skin: cells 4 cm off the centre are in it, 5 cm off are not.
    EXPECT_GT(dose[nearest(ph, Vec{4.5, 0.5, 0})], 0);
    EXPECT_EQ(dose[nearest(ph, Vec{5.5, 0.5, 0})], 0);
    EXPECT_EQ(std::count_if(dose.begin(), dose.end(), [](double d) { return d > 0; }), 81);
}

TEST(FlatPhantom, TheTableTransmissionAppliesWhereTheBeamCrossesIt) {
    const Phantom ph = flatPhantom(50, 50);
    Beam b = posterior(Vec{0.5, 0.5, 25});
    b.tableTransmission = 0.8;
    std::vector<double> dose(ph.cells.size(), 0.0);
    addBeam(b, ph, dose);
    EXPECT_NEAR(dose[nearest(ph, Vec{0.5, 0.5, 0})], 1e-3 * 1.44 * 1.353 * 1.025 * 0.8, 1.9971e-6);
}

// A ray 30 degrees off the table's normal crosses 1 / cos 30 = 1.1547 times the table's thickness.
TEST(FlatPhantom, AnObliqueRayCrossesMoreOfTheTable) {
    const Phantom ph = flatPhantom(80, 50);
    Beam straight = posterior(Vec{0.5, 0.5, 25}), oblique = carmBeam(Vec{0.5, 0.5, 25}, 30, 0, 75, 60, 10, 10);
    for (Beam* b : {&straight, &oblique}) {
        b->kerma_Gy = 1e-3;
        b->kvp = 80;
        b->copper_mm = 0.1;
    }
    for (double transmission : {1.0, 0.8}) {
        straight.tableTransmission = oblique.tableTransmission = transmission;
        // The oblique beam's central ray meets the back at x = 0.5 - 25 tan 30 (the source at the patient's right).
        const Cell& hit = ph.cells[nearest(ph, Vec{0.5 - 25 * std::tan(30 * 3.14159265358979323846 / 180), 0.5, 0})];
        const Vec r = hit.p - oblique.source;
        const double cosine = std::fabs(r.z) / norm(r);
        static double withoutTable = 0;
        if (transmission == 1.0) withoutTable = cellDose(oblique, hit);
        else EXPECT_NEAR(cellDose(oblique, hit), withoutTable * std::pow(0.8, 1 / cosine), 1e-12);
        EXPECT_NEAR(cosine, std::cos(30 * 3.14159265358979323846 / 180), 0.02); // near the central ray
    }
    EXPECT_NEAR(cellDose(straight, ph.cells[nearest(ph, Vec{0.5, 0.5, 0})]), 1e-3 * 1.44 * 1.353 * 1.025 * 0.8, 1.9971e-6);
}

TEST(FlatPhantom, InverseSquareAtTwoTableHeights) {
    const Phantom ph = flatPhantom(50, 50);
    std::vector<double> low(ph.cells.size(), 0.0), high(ph.cells.size(), 0.0);
    addBeam(posterior(Vec{0.5, 0.5, 25}), ph, low);  // skin 50 cm from the source
    addBeam(posterior(Vec{0.5, 0.5, 35}), ph, high); // table 10 cm lower: skin 40 cm from the source
    const std::size_t c = nearest(ph, Vec{0.5, 0.5, 0});
    // 40 cm: field side 6.667 cm at the skin, backscatter 1.275 + 0.117 x 1.667/5 = 1.314.
    EXPECT_NEAR(high[c], 1e-3 * (60.0 / 40) * (60.0 / 40) * 1.314 * 1.025, 3.03e-6);
    EXPECT_NEAR(high[c] / low[c], (50.0 / 40) * (50.0 / 40) * 1.314 / 1.353, 2e-3);
}

TEST(Cylinder, OnePerpendicularBeamGivesTheHandComputedDose) {
    // A round cylinder of radius 15 cm: 94 cells round (2 pi 15 = 94.25 cm), the first centred
    // 0.5013 cm of arc from the middle of the back, at x = -15 sin(0.03342) = -0.5012, z = 0.00838.
    const Phantom ph = ellipticCylinder(15, 15, 40);
    ASSERT_EQ(ph.around, 94);
    const Cell& cell = ph.at(0, 20);
    EXPECT_NEAR(cell.p.x, -0.5012, 1e-4);
    EXPECT_NEAR(cell.p.z, 0.00838, 1e-5);
    // The central ray through that cell: the source 50 - 0.00838 cm below it... the skin 50.00838 cm away.
    const Beam b = posterior(Vec{cell.p.x, cell.p.y, 25});
    const double side = 10 * 50.00838 / 60; // 8.3347 cm at the skin
    const double bsf = 1.275 + (1.392 - 1.275) * (side - 5) / 5;
    const double byHand = 1e-3 * std::pow(60 / 50.00838, 2) * bsf * 1.025;
    EXPECT_NEAR(cellDose(b, cell), byHand, byHand * 1e-3);
    EXPECT_NEAR(byHand, 1.99641e-3, 1e-8); // 1.439517 x 1.353033 x 1.025 mGy
}

TEST(Cylinder, OverlappingBeamsAddAndOppositeBeamsDoNot) {
    const Phantom ph = ellipticCylinder(15, 15, 40);
    const Cell& back = ph.at(0, 20);
    const Beam b = posterior(Vec{back.p.x, back.p.y, 15});
    std::vector<double> once(ph.cells.size(), 0.0), twice(ph.cells.size(), 0.0), opposite(ph.cells.size(), 0.0);
    addBeam(b, ph, once);
    addBeam(b, ph, twice);
    addBeam(b, ph, twice);
    const std::size_t i = 20 * 94;
    EXPECT_GT(once[i], 0);
    EXPECT_DOUBLE_EQ(twice[i], 2 * once[i]);
    // The same beam from above (primary angle 180): it reaches the front, never the back.
    Beam above = carmBeam(Vec{back.p.x, back.p.y, 15}, 180, 0, 75, 60, 10, 10);
    above.kerma_Gy = 1e-3;
    above.kvp = 80;
    above.copper_mm = 0.1;
    above.tableTransmission = 1;
    addBeam(b, ph, opposite);
    addBeam(above, ph, opposite);
    EXPECT_DOUBLE_EQ(opposite[i], once[i]);
    const std::size_t front = nearest(ph, Vec{back.p.x, back.p.y, 30});
    EXPECT_EQ(once[front], 0);
    EXPECT_GT(opposite[front], 0);
}

// A full rotation round a cylinder centred on its axis gives every cell round it the same dose. By
// hand, in the plane of the rotation: a cell rho = 15 cm from the axis is in the field while
// rho sin(theta) <= h (D - rho cos theta) / d_ref (h = 8 cm at d_ref = 55 cm, D = 70 cm: |theta| <= 33.9
// degrees, 18.8 % of the turn), at d(theta)^2 = D^2 + rho^2 - 2 D rho cos(theta) from the source.
TEST(Cylinder, ARotationSpreadsItsKermaByTheShareOfTheRunACellSeesTheField) {
    const Phantom ph = ellipticCylinder(15, 15, 40);
    std::vector<double> dose(ph.cells.size(), 0.0);
    const int steps = 360;
    const double kerma = 11.1e-3, pi = 3.14159265358979323846;
    for (int i = 0; i < steps; ++i) {
        Beam b = carmBeam(Vec{0, 0, 15}, i + 0.5, 0, 70, 55, 16, 16);
        b.kerma_Gy = kerma / steps;
        b.kvp = 92;
        b.copper_mm = 0.2;
        b.tableTransmission = 1;
        addBeam(b, ph, dose);
    }
    double lo = 0, hi = pi / 2;
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        (15 * std::sin(mid) <= (8.0 / 55) * (70 - 15 * std::cos(mid)) ? lo : hi) = mid;
    }
    EXPECT_NEAR(lo * 180 / pi, 33.9, 0.05);
    double byHand = 0; // the turn in 0.01 degree steps
    for (double theta = -lo; theta <= lo; theta += pi / 18000) {
        const double d2 = 70.0 * 70 + 15.0 * 15 - 2 * 70.0 * 15 * std::cos(theta);
        const double depth = 70 - 15 * std::cos(theta);
        byHand += kerma / 36000 * (55.0 * 55 / d2) * backscatter(92, 0.2, 16 * depth / 55) * waterToAir(92, 0.2);
    }
    double least = 1, most = 0;
    for (int u = 0; u < ph.around; ++u) least = std::min(least, dose[20 * ph.around + u]), most = std::max(most, dose[20 * ph.around + u]);
    EXPECT_NEAR(most / least, 1.0, 0.02); // the same all round (1 degree steps against 1 cm cells)
    EXPECT_NEAR(least, byHand, byHand * 0.02);
    EXPECT_NEAR(most, byHand, byHand * 0.02);
}

TEST(BodyPhantom, IsTheReferenceManScaledByHeightAndMass) {
    const Phantom ref = bodyPhantom(178.6, 73.2);
    EXPECT_EQ(ref.along, 70);
    EXPECT_NEAR(ref.width, 34.4, 1e-9);
    EXPECT_NEAR(ref.depth, 20, 1e-9);
    EXPECT_EQ(ref.around, 92); // 2 x 14.4 + 2 pi 10 = 91.6 cm
    EXPECT_EQ(ref.region(0), "back, lower third");
    const Phantom heavy = bodyPhantom(160, 100);
    EXPECT_EQ(heavy.along, 63);
    EXPECT_NEAR(heavy.depth, 2 * 10 / std::sqrt(160 / 178.6) * std::sqrt(100 / 73.2), 1e-9);
}

TEST(SkinMap, EncodesCompactlyAndReadsBack) {
    std::vector<double> dose(6300, 0.0);
    dose[100] = 2.5e-3;
    dose[101] = 1.0e-3;
    dose[4000] = 0.3e-3;
    const std::string text = encodeMap(dose);
    EXPECT_LT(text.size(), 60u);
    const auto back = decodeMap(text, dose.size());
    for (std::size_t i = 0; i < dose.size(); ++i) EXPECT_NEAR(back[i], dose[i], 2.5e-3 / 65535);
    EXPECT_THROW(decodeMap(text, 6301), Error);
    EXPECT_THROW(decodeMap("x", 1), Error);
}

} // namespace
} // namespace fa::skin
