// The staff dose estimate: the study's own figures, positions by distance, protection and tube
// position, operator profiles, and the tables' problems said where they are.
#include "rules/StaffDose.h"

#include <gtest/gtest.h>

namespace fa::rules {
namespace {

StaffRates rates(const std::string& csv) {
    std::vector<TableProblem> problems;
    auto t = StaffRates::parse(csv, problems);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : describe(problems.front()));
    return t ? *t : *StaffRates::parse("distance_m,protection,rate_usv_per_h\n", problems);
}

OperatorProfiles profiles(const std::string& csv) {
    std::vector<TableProblem> problems;
    auto t = OperatorProfiles::parse(csv, problems);
    EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : describe(problems.front()));
    return t ? *t : *OperatorProfiles::parse("operator,distance_m,protection\n", problems);
}

DeviceInfo carm(const std::string& station) {
    DeviceInfo d;
    d.manufacturer = "SIEMENS";
    d.model = "ARCADIS Varic";
    d.station = station;
    return d;
}

// domain.md: 53.9 shots x 0.75 s x 448 uSv/h = 5.0 uSv (spinal cord stimulator trial), 8.7 shots
// -> 0.8 uSv (posterior ramus ablation), with the shipped tables (the study's mean table rate).
TEST(StaffDose, TheShippedTablesGiveTheStudysValues) {
    const StaffRates r = rates(builtInStaffRates());
    const OperatorProfiles p = profiles(builtInOperatorProfiles());
    const auto scs = estimateStaffDose("Wang^Li", carm("CARM1"), 53.9 * 0.75, r, p);
    ASSERT_EQ(scs.size(), 1u);
    EXPECT_EQ(scs[0].operatorName, "Wang Li");
    EXPECT_TRUE(scs[0].defaultProfile);
    ASSERT_TRUE(scs[0].dose_uSv);
    EXPECT_NEAR(*scs[0].dose_uSv, 5.03, 0.005);
    EXPECT_EQ(*scs[0].rate_uSv_per_h, 448);
    const auto ramus = estimateStaffDose("", carm("CARM1"), 8.7 * 0.75, r, p);
    ASSERT_EQ(ramus.size(), 1u);
    EXPECT_EQ(ramus[0].operatorName, "");
    EXPECT_NEAR(*ramus[0].dose_uSv, 0.812, 0.001);
    // The ends of the measured range at the table: 409 and 492 uSv/h.
    const StaffRates range = rates("distance_m,protection,intensifier,rate_usv_per_h,device\n0,none,above,409,\n0,none,below,492,\n");
    const OperatorProfiles above = profiles("operator,distance_m,protection,intensifier\nWang Li,0,none,above\n,0,none,below\n");
    EXPECT_NEAR(*estimateStaffDose("WANG^LI", carm("CARM1"), 53.9 * 0.75, range, above)[0].dose_uSv, 4.593, 0.001);
    EXPECT_NEAR(*estimateStaffDose("Zhao Min", carm("CARM1"), 53.9 * 0.75, range, above)[0].dose_uSv, 5.525, 0.001);
}

TEST(StaffDose, EachOperatorHasTheRateAtTheirOwnPositionOnTheirDevice) {
    const StaffRates r = rates("device,distance_m,protection,intensifier,rate_usv_per_h\n"
                               ",1,none,,120\n"
                               ",1,apron,,9\n"
                               ",2,screen-centre,,1.5\n"
                               "CARM2,1,apron,,12\n");
    const OperatorProfiles p = profiles("operator,distance_m,protection,intensifier\n"
                                        "Wang^Li,1,apron,\n"
                                        "Zhao Min,2,screen-centre,\n");
    // 40 s: Wang Li behind an apron at 1 m, Zhao Min behind the screen at 2 m; Wang Li named twice.
    const auto e = estimateStaffDose("Wang^Li; Zhao Min; WANG^LI", carm("CARM1"), 40, r, p);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].operatorName, "Wang Li");
    EXPECT_NEAR(*e[0].dose_uSv, 40 / 3600.0 * 9, 1e-9);
    EXPECT_EQ(e[0].position->protection, Protection::Apron);
    EXPECT_FALSE(e[0].defaultProfile);
    EXPECT_NEAR(*e[1].dose_uSv, 40 / 3600.0 * 1.5, 1e-9);
    // On CARM2 the device's own measurement wins over the row for any device.
    EXPECT_NEAR(*estimateStaffDose("Wang Li", carm("CARM2"), 40, r, p)[0].dose_uSv, 40 / 3600.0 * 12, 1e-9);
    // No profile for an operator and none for everyone: said, no figure.
    const auto unknown = estimateStaffDose("Sun Hao", carm("CARM1"), 40, r, p);
    EXPECT_EQ(unknown[0].missing, "profile");
    EXPECT_FALSE(unknown[0].dose_uSv);
    // A profile at a position nobody measured.
    const auto unmeasured = estimateStaffDose("Zhao Min", carm("CARM1"), 40, rates("distance_m,protection,rate_usv_per_h\n1,none,120\n"), p);
    EXPECT_EQ(unmeasured[0].missing, "rate");
    // No exposure time.
    EXPECT_EQ(estimateStaffDose("Wang Li", carm("CARM1"), std::nullopt, r, p)[0].missing, "exposure-time");
}

TEST(StaffDose, TheTubePositionMustAgreeWhenBothSidesGiveIt) {
    const StaffRates r = rates("distance_m,protection,intensifier,rate_usv_per_h\n1,none,above,200\n1,none,below,80\n");
    EXPECT_EQ(*estimateStaffDose("A", carm("C"), 36, r, profiles("operator,distance_m,protection,intensifier\nA,1,none,below\n"))[0].dose_uSv, 0.8);
    EXPECT_EQ(*estimateStaffDose("A", carm("C"), 36, r, profiles("operator,distance_m,protection,intensifier\nA,1,none,above\n"))[0].dose_uSv, 2.0);
    // A profile that leaves it open takes the first row measured at its place.
    EXPECT_EQ(*estimateStaffDose("A", carm("C"), 36, r, profiles("operator,distance_m,protection\nA,1,none\n"))[0].dose_uSv, 2.0);
}

TEST(StaffDose, TheTablesProblemsAreSaidByLineAndColumn) {
    std::vector<TableProblem> problems;
    EXPECT_FALSE(StaffRates::parse("device,distance_m,protection,intensifier,rate_usv_per_h\n"
                                   ",1,lead,,100\n"
                                   ",1,none,sideways,100\n"
                                   ",,none,,100\n"
                                   ",1,none,,\n"
                                   ",1,apron,,1,5\n"
                                   ",2,none,,7\n"
                                   ",2,none,,8\n",
                                   problems));
    std::vector<std::string> said;
    for (const auto& p : problems) said.push_back(describe(p));
    const std::vector<std::string> expected = {
        "line 2, column protection: 'lead' is no protection (none, apron, screen-centre, screen-edge or outside-screen)",
        "line 3, column intensifier: 'sideways' is no intensifier position (above, below, or empty for either)",
        "line 4, column distance_m: empty: the row needs a value here",
        "line 5, column rate_usv_per_h: empty: the row needs a value here",
        "line 6: the row has 6 cells, the header 5",
        "line 8: an earlier row has the same device and position",
    };
    EXPECT_EQ(said, expected);

    problems.clear();
    EXPECT_FALSE(OperatorProfiles::parse("operator,distance,protection\nWang Li,1,none\nwang^li,2,apron\n", problems));
    said.clear();
    for (const auto& p : problems) said.push_back(describe(p));
    const std::vector<std::string> expected2 = {
        "line 1, column distance: unknown column (the columns are operator, distance_m, protection, intensifier)",
        "line 1, column distance_m: the column is missing",
        "line 2, column distance_m: empty: the row needs a value here",
        "line 3, column distance_m: empty: the row needs a value here",
    };
    EXPECT_EQ(said, expected2);
    problems.clear();
    EXPECT_FALSE(OperatorProfiles::parse("operator,distance_m,protection\nWang Li,1,none\nwang^li,2,apron\n", problems));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(describe(problems[0]), "line 3, column operator: 'wang li' has an earlier row");
    // In Chinese for the quality manager.
    EXPECT_EQ(problemText(problems[0]).in(Language::Chinese), "第 3 行，“operator”列：“wang li”在前面已有一行");
}

TEST(StaffDose, TablesWriteBackWhatTheyRead) {
    const std::string csv = "device,distance_m,protection,intensifier,rate_usv_per_h\n"
                            "\"CARM 1, room 3\",1.5,screen-edge,below,3.25\n"
                            ",0,none,,448\n";
    EXPECT_EQ(rates(csv).toCsv(), csv);
    const std::string profilesCsv = "operator,distance_m,protection,intensifier\nWang Li,1,apron,above\n,2,outside-screen,\n";
    EXPECT_EQ(profiles(profilesCsv).toCsv(), profilesCsv);
}

TEST(StaffDose, AYearAddsUpEachOperatorsMonthsHighestFirst) {
    const StaffRates r = rates("distance_m,protection,rate_usv_per_h\n1,none,360\n1,apron,36\n");
    const OperatorProfiles p = profiles("operator,distance_m,protection\nWang Li,1,none\n,1,apron\n");
    std::vector<StaffStudy> studies;
    auto add = [&](const std::string& date, const std::string& ops, std::optional<double> seconds) {
        StaffStudy s;
        s.studyDate = date;
        s.operators = ops;
        s.device = carm("CARM1");
        s.exposureTime_s = seconds;
        studies.push_back(s);
    };
    add("2026-01-10", "Wang^Li", 100);          // 10 uSv
    add("2026-01-20", "Wang Li; Zhao Min", 50); // 5 and 0.5
    add("2026-03-02", "Zhao Min", 200);         // 2
    add("2026-03-03", "Zhao Min", std::nullopt);
    add("2026-12-31", "", 1000);                // unnamed: 10
    const auto figures = staffYear(studies, r, p);
    const auto& year = figures.operators;
    ASSERT_EQ(year.size(), 3u);
    EXPECT_EQ(year[0].operatorName, "Wang Li");
    EXPECT_NEAR(year[0].total_uSv, 15, 1e-9);
    EXPECT_NEAR(year[0].month_uSv[0], 15, 1e-9);
    EXPECT_EQ(year[0].studies[0], 2);
    EXPECT_EQ(year[1].operatorName, "");
    EXPECT_NEAR(year[1].month_uSv[11], 10, 1e-9);
    EXPECT_EQ(year[2].operatorName, "Zhao Min");
    EXPECT_NEAR(year[2].total_uSv, 2.5, 1e-9);
    EXPECT_NEAR(year[2].month_uSv[2], 2, 1e-9);
    EXPECT_EQ(year[2].studies[2], 2);
    EXPECT_EQ(year[2].withoutEstimate, 1);
    // Per procedure (all unclassified here): 10, 5, 0.5, 2 and 10 uSv.
    ASSERT_EQ(figures.procedures.size(), 1u);
    EXPECT_EQ(figures.procedures[0].estimates, 5u);
    EXPECT_NEAR(figures.procedures[0].mean_uSv, 27.5 / 5, 1e-9);
    EXPECT_NEAR(figures.procedures[0].median_uSv, 5, 1e-9);
    EXPECT_NEAR(figures.procedures[0].max_uSv, 10, 1e-9);
}

} // namespace
} // namespace fa::rules
