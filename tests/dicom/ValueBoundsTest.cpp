// Values no equipment can measure (overflows, negative times, absurd units) are dropped at the
// edge with a warning naming the field and the value; summaries never see them.
#include "core/StudySummary.h"
#include "core/ValueBounds.h"
#include "dicom/ObjectExtractor.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <limits>

namespace fa {
namespace {

dicom::Extraction extract(const synth::Report& r) {
    auto file = synth::buildReport(r);
    return dicom::extractDataset(*file->getDataset(), {});
}

std::vector<std::string> invalid(const DoseObject& o) {
    std::vector<std::string> out;
    for (const auto& w : o.warnings)
        if (w.code == "value-invalid") out.push_back(w.message);
    return out;
}

synth::Event event(double dap_Gym2, double dose_Gy, double duration_s) {
    synth::Event e;
    e.uid = synth::newUid();
    e.dap_Gym2 = dap_Gym2;
    e.dose_Gy = dose_Gy;
    e.duration_s = duration_s;
    return e;
}

TEST(ValueBounds, AbsurdEventValuesAreDroppedAndNamed) {
    synth::Report r;
    r.events = {event(1e308, 2.2e11, 3.4e38), event(2e-6, 6e-5, 0.75)};
    r.planes[0].dapTotal_Gym2 = -5;
    r.planes[0].doseTotal_Gy = 6e-5;
    r.planes[0].fluoroTime_s = 2.75;
    const auto x = extract(r);
    ASSERT_TRUE(x.hasDoseContent);
    const auto& o = x.object;
    EXPECT_FALSE(o.events[0].dap_Gym2.has_value());
    EXPECT_FALSE(o.events[0].doseRp_Gy.has_value());
    EXPECT_FALSE(o.events[0].irradiationDuration_s.has_value());
    EXPECT_DOUBLE_EQ(*o.events[1].dap_Gym2, 2e-6);
    EXPECT_FALSE(o.planes[0].dapTotal_Gym2.has_value());
    const auto messages = invalid(o);
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_EQ(messages[0], "event Dose Area Product 1e+308 Gy.m2 is not a possible value (0 to 1 Gy.m2): ignored");
    EXPECT_EQ(messages[1], "event Dose (RP) 2.2e+11 Gy is not a possible value (0 to 100 Gy): ignored");
    EXPECT_EQ(messages[2], "event Irradiation Duration 3.4e+38 s is not a possible value (0 to 86400 s): ignored");
    EXPECT_EQ(messages[3], "Dose Area Product Total -5 Gy.m2 is not a possible value (0 to 1 Gy.m2): ignored");

    // The study's figures come from what remains: no infinity, no negative total.
    const StudySummary s = summarize({o});
    ASSERT_TRUE(s.dap_Gym2.has_value());
    EXPECT_NEAR(*s.dap_Gym2, 2e-6, 1e-15);
}

// The figures of a vendor summary (the Siemens ARCADIS report) as an attacker's file gave them.
TEST(ValueBounds, VendorSummaryTotalsOutsideTheirBoundsAreDropped) {
    for (const auto& [fluoro, dap] : std::vector<std::pair<double, double>>{{-1, 1e296}, {1e300, -0.0005}, {9.5e11, 1e-4}}) {
        DoseObject o;
        o.kind = SourceKind::VendorSummary;
        o.vendor = VendorTotals{3.0, fluoro, dap, std::numeric_limits<double>::infinity()};
        WarningList w;
        dropInvalidValues(o, w);
        EXPECT_FALSE(o.vendor->fluoroTime_s.has_value()) << fluoro;
        EXPECT_FALSE(o.vendor->doseRp_Gy.has_value());
        EXPECT_EQ(o.vendor->dap_Gym2.has_value(), dap == 1e-4) << dap;
        EXPECT_DOUBLE_EQ(*o.vendor->exposures, 3.0);
        EXPECT_EQ(w.items().front().message, "summary fluoroscopy time " +
                                                 std::string(fluoro == -1 ? "-1" : fluoro == 1e300 ? "1e+300" : "9.5e+11") +
                                                 " s is not a possible value (0 to 86400 s): ignored");
    }
}

TEST(ValueBounds, ValuesAtTheBoundsAreKept) {
    synth::Report r;
    r.events = {event(1.0, 100.0, 86400.0)};
    const auto x = extract(r);
    EXPECT_TRUE(invalid(x.object).empty());
    EXPECT_DOUBLE_EQ(*x.object.events[0].dap_Gym2, 1.0);
    EXPECT_DOUBLE_EQ(*x.object.events[0].doseRp_Gy, 100.0);
}

} // namespace
} // namespace fa
