// The "several objects for one study" rules of domain.md, on domain objects built by hand.
#include "core/Consistency.h"
#include "core/StudySummary.h"
#include "core/Units.h"
#include "core/Utf8.h"

#include <gtest/gtest.h>

namespace fa {
namespace {

DoseObject report(const std::string& sop, const std::vector<std::string>& eventUids, const std::string& device = "dev1") {
    DoseObject o;
    o.sopInstanceUid = sop;
    o.kind = SourceKind::Rdsr;
    o.device.observerUid = device;
    PlaneTotals p;
    p.plane = Plane::Single;
    p.dapTotal_Gym2 = 1e-5 * static_cast<double>(eventUids.size());
    p.doseRpTotal_Gy = 1e-4 * static_cast<double>(eventUids.size());
    p.fluoroTime_s = 2.0 * static_cast<double>(eventUids.size());
    o.planes.push_back(p);
    for (const auto& uid : eventUids) {
        IrradiationEvent e;
        e.uid = uid;
        e.type = EventType::Fluoroscopy;
        e.dap_Gym2 = 1e-5;
        e.irradiationDuration_s = 2.0;
        o.events.push_back(e);
    }
    return o;
}

DoseObject vendorSummary(const std::string& sop, double fluoro_s, double dap, const std::string& device = "arcadis") {
    DoseObject o;
    o.sopInstanceUid = sop;
    o.kind = SourceKind::VendorSummary;
    o.device.serial = device;
    o.vendor = VendorTotals{0.0, fluoro_s, dap, std::nullopt};
    return o;
}

DoseObject image(const std::string& sop, double seconds) {
    DoseObject o;
    o.sopInstanceUid = sop;
    o.kind = SourceKind::ImageHeaders;
    IrradiationEvent e;
    e.uid = sop;
    e.irradiationDuration_s = seconds;
    o.events.push_back(e);
    return o;
}

struct MergeCase {
    const char* name;
    std::vector<DoseObject> objects;
    long long shots;
    double fluoro_s;
    std::vector<std::string> counted;
};

void PrintTo(const MergeCase& c, std::ostream* os) { *os << c.name; }

class Merge : public ::testing::TestWithParam<MergeCase> {};

TEST_P(Merge, FollowsDomainRules) {
    const auto& c = GetParam();
    const StudySummary s = summarize(c.objects);
    ASSERT_TRUE(s.irradiationEvents.has_value());
    EXPECT_EQ(*s.irradiationEvents, c.shots);
    EXPECT_DOUBLE_EQ(s.fluoroTime_s.value_or(-1), c.fluoro_s);
    EXPECT_EQ(s.countedObjects, c.counted);
}

INSTANTIATE_TEST_SUITE_P(
    SeveralObjects, Merge,
    ::testing::Values(
        MergeCase{"CumulativeResendReplaces", {report("r1", {"a", "b"}), report("r2", {"a", "b", "c"})}, 3, 6, {"r2"}},
        MergeCase{"EarlierSupersetStillWins", {report("r1", {"a", "b", "c"}), report("r2", {"a"})}, 3, 6, {"r1"}},
        MergeCase{"RestartedSessionAdds", {report("r1", {"a", "b"}), report("r2", {"c"})}, 3, 6, {"r1", "r2"}},
        MergeCase{"IdenticalResendKeepsTheLater", {report("r1", {"a", "b"}), report("r2", {"a", "b"})}, 2, 4, {"r2"}},
        MergeCase{"OtherDevicesAdd", {report("r1", {"a"}, "d1"), report("r2", {"a"}, "d2")}, 1, 4, {"r1", "r2"}},
        MergeCase{"ImagesIgnoredWhenAReportExists", {image("i1", 1.0), report("r1", {"a"})}, 1, 2, {"r1"}}),
    [](const ::testing::TestParamInfo<MergeCase>& p) { return std::string(p.param.name); });

TEST(StudySummary, OverlappingReportsAreAddedWithAWarning) {
    const StudySummary s = summarize({report("r1", {"a", "b"}), report("r2", {"b", "c"})});
    EXPECT_EQ(s.irradiationEvents, 3);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_EQ(s.warnings[0].code, "overlapping-reports");
}

TEST(StudySummary, RdsrOfADeviceTakesPrecedenceOverItsVendorSummary) {
    DoseObject v = vendorSummary("v1", 30, 1e-4, "");
    DoseObject r = report("r1", {"a"});
    v.device = r.device;
    const StudySummary s = summarize({v, r});
    EXPECT_EQ(s.countedObjects, std::vector<std::string>{"r1"});
    EXPECT_EQ(s.source, SourceKind::Rdsr);
}

TEST(StudySummary, LaterCumulativeVendorSummaryReplacesTheEarlier) {
    const StudySummary s = summarize({vendorSummary("v1", 10, 1e-5), vendorSummary("v2", 34.427, 2.359e-5)});
    EXPECT_EQ(s.countedObjects, std::vector<std::string>{"v2"});
    EXPECT_DOUBLE_EQ(*s.fluoroTime_s, 34.427);
    EXPECT_FALSE(s.irradiationEvents.has_value()); // a vendor summary counts no fluoroscopy shots
    EXPECT_EQ(s.acquisitionEvents, 0);
    EXPECT_EQ(s.source, SourceKind::VendorSummary);
}

TEST(StudySummary, ImageOnlyStudyCountsImagesAndUsesTheDeviceExposureCountWhenLarger) {
    DoseObject a = image("i1", 0.75), b = image("i2", 0.75);
    b.headerExposures = 5;
    const StudySummary s = summarize({a, b});
    EXPECT_EQ(s.irradiationEvents, 5);
    EXPECT_DOUBLE_EQ(*s.acquisitionTime_s, 1.5);
    EXPECT_EQ(s.source, SourceKind::ImageHeaders);
}

TEST(StudySummary, DapFallsBackFromTotalsToPartsToEvents) {
    DoseObject o = report("r", {"a", "b"});
    o.planes[0].dapTotal_Gym2.reset();
    o.planes[0].fluoroDapTotal_Gym2 = 3e-5;
    o.planes[0].acquisitionDapTotal_Gym2 = 1e-5;
    EXPECT_DOUBLE_EQ(*summarize({o}).dap_Gym2, 4e-5);
    o.planes[0].fluoroDapTotal_Gym2.reset();
    o.planes[0].acquisitionDapTotal_Gym2.reset();
    EXPECT_DOUBLE_EQ(*summarize({o}).dap_Gym2, 2e-5);
}

TEST(Consistency, TotalsFarFromTheEventSumAreFlagged) {
    DoseObject o = report("r", {"a", "b"});
    WarningList ok;
    checkTotals(o, ok);
    EXPECT_TRUE(ok.items().empty());
    o.planes[0].fluoroTime_s = 70; // events add up to 4 s
    WarningList w;
    checkTotals(o, w);
    ASSERT_EQ(w.items().size(), 1u);
    EXPECT_EQ(w.items()[0].code, "totals-mismatch");
    EXPECT_EQ(w.items()[0].message, "fluoroscopy time: total 70 s but the events add up to 4 s");
}

TEST(Consistency, TwentyPercentIsTolerated) {
    DoseObject o = report("r", {"a", "b"});
    o.planes[0].fluoroTime_s = 5.0; // events 4 s: 20 % of 5
    WarningList w;
    checkTotals(o, w);
    EXPECT_TRUE(w.items().empty());
}

TEST(Units, FactorsOfDomainMd) {
    using units::Quantity;
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "Gy.m2"), 1);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "Gym2"), 1);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "dGy.cm2"), 1e-5);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "cGy.cm2"), 1e-6);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "Gy.cm2"), 1e-4);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::DoseAreaProduct, "Gy.cm^2"), 1e-4);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::Dose, "mGy"), 1e-3);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::Time, "ms"), 1e-3);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::Time, "min"), 60);
    EXPECT_DOUBLE_EQ(*units::factorToStored(Quantity::Rate, "pulse/s"), 1);
    EXPECT_FALSE(units::factorToStored(Quantity::Dose, "Gy.m2").has_value());
    EXPECT_FALSE(units::factorToStored(Quantity::Time, "furlong").has_value());
}

TEST(Utf8, InvalidBytesAreReplaced) {
    EXPECT_TRUE(isValidUtf8("三叉神经"));
    EXPECT_FALSE(isValidUtf8("\xC8\xFD"));
    EXPECT_EQ(sanitiseUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
}

} // namespace
} // namespace fa
