// The staff dose estimate: the study's own figures, positions by distance, protection and tube
// position, operator profiles, and the tables' problems said where they are.
#include "rules/PatientDose.h"
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

// domain.md, "The study's measurements": the patient's estimate is the exposure time x the rate at
// the table surface (53.9 shots x 0.75 s = 40.425 s at 448.0 uSv/h -> 5.03 uSv, the study's figure
// per procedure); each operator's is the rate at their own position, about a thousandth of it.
TEST(StaffDose, TheShippedTablesGiveTheStudysRatesPerPosition) {
    const StaffRates r = rates(builtInStaffRates());
    const OperatorProfiles p = profiles(builtInOperatorProfiles());
    const double exposure = 53.9 * 0.75; // 40.425 s
    struct Row {
        const char* position; // distance_m,protection,intensifier
        double rate_uSv_per_h;
    };
    const Row rows[] = {{"1,none,above", 0.3},         {"1,outside-screen,above", 0.3}, {"1,apron,above", 0.08},
                        {"1,screen-edge,above", 0.07}, {"1,screen-centre,above", 0.07}, {"2,none,above", 0.2},
                        {"2,apron,above", 0.08},       {"2,screen-centre,above", 0.07}, {"1,none,below", 0.6},
                        {"1,apron,below", 0.1},        {"1,screen-edge,below", 0.08},   {"2,none,below", 0.3},
                        {"2,screen-centre,below", 0.08}, {"3,none,above", 0.08},        {"3,apron,below", 0.09}};
    for (const auto& row : rows) {
        const auto e = estimateStaffDose("Wang^Li", carm("CARM1"), exposure, r,
                                         profiles("operator,distance_m,protection,intensifier\nWang Li," +
                                                  std::string(row.position) + "\n"));
        ASSERT_TRUE(e[0].dose_uSv) << row.position;
        EXPECT_EQ(*e[0].rate_uSv_per_h, row.rate_uSv_per_h) << row.position;
        EXPECT_NEAR(*e[0].dose_uSv, exposure / 3600 * row.rate_uSv_per_h, 1e-12) << row.position;
    }
    // 1 m, no protection, intensifier above: 0.00337 uSv for the trial.
    const auto oneMetre = estimateStaffDose("A", carm("CARM1"), exposure, r,
                                            profiles("operator,distance_m,protection,intensifier\nA,1,none,above\n"));
    EXPECT_NEAR(*oneMetre[0].dose_uSv, 0.00337, 0.000005);
    // No profile of their own: 1 m, no protection, the higher of the two intensifier positions
    // (0.6 uSv/h below, not 0.3 above): a conservative default.
    const auto everyone = estimateStaffDose("Wang^Li", carm("CARM1"), exposure, r, p);
    ASSERT_EQ(everyone.size(), 1u);
    EXPECT_EQ(everyone[0].operatorName, "Wang Li");
    EXPECT_TRUE(everyone[0].defaultProfile);
    EXPECT_EQ(everyone[0].position->distance_m, 1);
    EXPECT_EQ(everyone[0].position->intensifier, Intensifier::Any);
    EXPECT_EQ(*everyone[0].rate_uSv_per_h, 0.6);
    EXPECT_NEAR(*everyone[0].dose_uSv, 0.0067375, 1e-10);
    // Every shipped rate says where it comes from.
    for (const auto& row : r.rows()) EXPECT_NE(row.source.find("China-Japan Friendship Hospital"), std::string::npos);
}

TEST(PatientDose, TheStudysTableSurfaceRatesGiveItsFiguresPerProcedure) {
    const auto trial = estimatePatientDose(carm("CARM1"), 53.9 * 0.75, nullptr);
    EXPECT_EQ(trial.intensifier, Intensifier::Above);
    EXPECT_EQ(trial.distance_cm, 40);
    EXPECT_EQ(*trial.rate_uSv_per_h, 448.0);
    EXPECT_NEAR(*trial.dose_uSv, 5.03, 0.005);
    EXPECT_NEAR(*trial.dose_uSv, 5.0307, 1e-4);
    EXPECT_NE(trial.source.find("at the table surface"), std::string::npos);
    EXPECT_NEAR(*estimatePatientDose(carm("CARM1"), 8.7 * 0.75, nullptr).dose_uSv, 0.812, 0.001);
    // A device profile's position picks one of the six rates; its own measured rate counts instead.
    DeviceProfile below;
    below.name = "PAIN";
    below.device = "CARM1";
    below.intensifier = Intensifier::Below;
    below.intensifierDistance_cm = 60;
    EXPECT_EQ(*estimatePatientDose(carm("CARM1"), 36, &below).rate_uSv_per_h, 411.6);
    below.intensifierDistance_cm = 20;
    EXPECT_NEAR(*estimatePatientDose(carm("CARM1"), 36, &below).dose_uSv, 4.921, 1e-9);
    below.doseRate_uSv_per_h = 500;
    const auto measured = estimatePatientDose(carm("CARM1"), 36, &below);
    EXPECT_TRUE(measured.measuredOnDevice);
    EXPECT_NEAR(*measured.dose_uSv, 5.0, 1e-12);
    // No rate at 30 cm, and no exposure time: no estimate, and why.
    DeviceProfile odd = below;
    odd.doseRate_uSv_per_h = 0;
    odd.intensifierDistance_cm = 30;
    EXPECT_EQ(estimatePatientDose(carm("CARM1"), 36, &odd).missing, "rate");
    EXPECT_EQ(estimatePatientDose(carm("CARM1"), std::nullopt, nullptr).missing, "exposure-time");
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
