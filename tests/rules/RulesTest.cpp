// Reference levels: classification, flags at / below / above their levels, table errors and the
// DRL statistics, against values worked out by hand.
#include "rules/Evaluator.h"
#include "rules/Pattern.h"
#include "rules/ReferenceTable.h"
#include "rules/Statistics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace fa::rules {
namespace {

std::string shippedTable() {
    std::ifstream in(std::string(FA_SOURCE_DIR) + "/deploy/reference-levels.csv");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

ReferenceTable parseOk(const std::string& csv) {
    std::vector<TableProblem> problems;
    auto t = ReferenceTable::parse(csv, problems);
    for (const auto& p : problems) ADD_FAILURE() << describe(p);
    if (!t) throw std::runtime_error("table did not parse");
    return std::move(*t);
}

struct ClassifyCase {
    const char* description;
    const char* requested;
    const char* code;
    const char* station;
    const char* expected; // procedure_id, "" for unclassified
};

void PrintTo(const ClassifyCase& c, std::ostream* os) { *os << c.description << " / " << c.code; }

class Classify : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(Classify, FirstMatchingRowWins) {
    static const ReferenceTable table = parseOk(
        "procedure_id,name,match,device,shots,fluoro_time_s,exposure_time_s,dap_gycm2,kar_mgy\n"
        "prf-carm2,PRF on CARM2,脉冲射频|pulsed RF,CARM2,10,,,,\n"
        "code-rule,By code,^RADLEX:RPID1234$,,,,,,\n" +
        shippedTable().substr(shippedTable().find('\n') + 1));
    const auto& c = GetParam();
    StudyInfo study;
    study.studyDescription = c.description;
    study.requestedProcedure = c.requested;
    if (*c.code) study.procedureCodes = {c.code};
    DeviceInfo device;
    device.station = c.station;
    const ReferenceRow* row = table.classify({&study, &device});
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->procedureId, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    ChineseEnglishCodesDevices, Classify,
    ::testing::Values(
        ClassifyCase{"三叉神经节射频消融术", "", "", "CARM1", "trigeminal-rf"},
        ClassifyCase{"Trigeminal ganglion balloon compression", "", "", "CARM1", "trigeminal-rf"},
        ClassifyCase{"TRIGEMINAL RF", "", "", "CARM1", "trigeminal-rf"}, // case-insensitive
        ClassifyCase{"临时脊髓电刺激植入术", "", "", "CARM1", "scs-trial"},
        ClassifyCase{"SCS trial lead", "", "", "CARM1", "scs-trial"},
        ClassifyCase{"经皮脊柱内镜髓核摘除术", "", "", "CARM1", "endoscopic-discectomy"},
        ClassifyCase{"低温等离子髓核消融术+脊神经根脉冲射频术", "", "", "CARM1", "nucleoplasty-prf"}, // before root-prf
        ClassifyCase{"脊神经后支低温等离子消融术", "", "", "CARM1", "ramus-plasma"},
        ClassifyCase{"脊神经根脉冲射频术", "", "", "CARM1", "root-prf"},
        ClassifyCase{"脊神经根脉冲射频术", "", "", "CARM2", "prf-carm2"}, // device-specific row first
        ClassifyCase{"Unbekannt", "Pulsed RF L4", "", "CARM1", "root-prf"}, // requested procedure
        ClassifyCase{"Unbekannt", "", "RADLEX:RPID1234", "CARM1", "code-rule"},
        ClassifyCase{"Chest drain", "", "", "CARM1", "other"}));

TEST(ReferenceTable, UnmatchedStudyIsUnclassifiedWithoutACatchAll) {
    const ReferenceTable t = parseOk("procedure_id,match\nscs,脊髓电刺激\n");
    StudyInfo study;
    study.studyDescription = "Chest drain";
    EXPECT_EQ(t.classify({&study, nullptr}), nullptr);
}

TEST(ReferenceTable, BomAndReorderedColumnsAreAccepted) {
    const ReferenceTable t = parseOk("\xEF\xBB\xBFmatch,procedure_id,dap_gycm2\r\n\"a, b\",p1,1.5\r\n\r\n");
    ASSERT_EQ(t.rows().size(), 1u);
    EXPECT_EQ(t.rows()[0].procedureId, "p1");
    EXPECT_EQ(t.rows()[0].match, "a, b");
    EXPECT_DOUBLE_EQ(*t.rows()[0].levels[index(Metric::Dap_Gycm2)], 1.5);
    std::vector<TableProblem> problems;
    EXPECT_FALSE(ReferenceTable::parse("procedure_id,match,dap_gycm2\np1,x,\"1,5\"\n", problems));
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(describe(problems[0]), "line 2, column dap_gycm2: '1,5' is not a number (use a decimal point, e.g. 12.5)");
}

TEST(ReferenceTable, EveryProblemIsReportedWithLineColumnAndReason) {
    std::vector<TableProblem> problems;
    const auto t = ReferenceTable::parse("procedure_id,name,match,colour,shots,dap_gycm2\n"
                                         "a,A,(unclosed,,10,\n"
                                         "b,B,ok,,-3,abc\n"
                                         "a,A again,x,,,\n",
                                         problems);
    EXPECT_FALSE(t.has_value());
    std::vector<std::string> text;
    for (const auto& p : problems) text.push_back(describe(p));
    const std::vector<std::string> expected = {
        "line 1, column colour: unknown column (the columns are procedure_id, name, match, device, shots, "
        "fluoro_time_s, exposure_time_s, dap_gycm2, kar_mgy)",
        "line 2, column match: '(unclosed' is not a valid regular expression: missing ) (at character 10)",
        "line 3, column shots: '-3' is negative",
        "line 3, column dap_gycm2: 'abc' is not a number (use a decimal point, e.g. 12.5)",
        "line 4, column procedure_id: 'a' is used by an earlier row",
    };
    EXPECT_EQ(text, expected);
}

// PCRE's reasons in the reader's language, at the character a person counts (not PCRE's byte offset).
TEST(ReferenceTable, APatternsProblemIsSaidInChineseAtItsCharacter) {
    std::vector<TableProblem> problems;
    ReferenceTable::parse("procedure_id,name,match,shots\n"
                                 "a,A,脊神经(根,10\n"
                                 "b,B,*根,10\n"
                                 "c,C,[a-,10\n",
                                 problems);
    ASSERT_EQ(problems.size(), 3u);
    EXPECT_EQ(problems[0].reason.in(Language::Chinese), "“脊神经(根”不是有效的正则表达式：缺少 )（第 6 个字符）");
    EXPECT_EQ(problems[1].reason.in(Language::Chinese),
              "“*根”不是有效的正则表达式：没有可重复的内容（第 1 个字符）：*、+ 或 ? 前面需要一个字符或分组");
    EXPECT_EQ(problems[2].reason.in(Language::Chinese), "“[a-”不是有效的正则表达式：字符类缺少结尾的 ]（第 4 个字符）");
    EXPECT_EQ(problems[1].reason.english(),
              "'*根' is not a valid regular expression: nothing to repeat (at character 1): put a character or group before *, + or ?");
}

TEST(ReferenceTable, ExportReadsBackTheSame) {
    const ReferenceTable t = parseOk(shippedTable());
    const ReferenceTable again = parseOk(t.toCsv());
    ASSERT_EQ(again.rows().size(), t.rows().size());
    EXPECT_EQ(again.toCsv(), t.toCsv());
    EXPECT_EQ(t.rows().size(), 7u);
    EXPECT_EQ(t.rows()[1].name, "临时脊髓电刺激植入术 Temporary spinal cord stimulator implantation");
}

struct FlagCase {
    const char* name;
    Metric metric;
    double value;
    const char* expectedKind; // "" for none
    double expectedLevel;
};

void PrintTo(const FlagCase& c, std::ostream* os) { *os << c.name; }

class Flags : public ::testing::TestWithParam<FlagCase> {};

// Levels: shots 18, fluoro 14 s, DAP 2 Gy.cm2; investigation x2; substantial Ka,r 5 Gy, DAP 500, fluoro 60 min.
TEST_P(Flags, StrictlyAboveRaisesEqualDoesNot) {
    ReferenceRow row;
    row.levels[index(Metric::Shots)] = 18;
    row.levels[index(Metric::FluoroTime_s)] = 14;
    row.levels[index(Metric::Dap_Gycm2)] = 2;
    MetricValues values;
    values[index(GetParam().metric)] = GetParam().value;
    const auto flags = evaluate(values, &row, RuleSettings{});
    if (!*GetParam().expectedKind) {
        EXPECT_TRUE(flags.empty()) << flags.front().kind;
        return;
    }
    ASSERT_EQ(flags.size(), 1u);
    EXPECT_EQ(flags[0].kind, GetParam().expectedKind);
    EXPECT_EQ(flags[0].metric, GetParam().metric);
    EXPECT_DOUBLE_EQ(flags[0].value, GetParam().value);
    EXPECT_DOUBLE_EQ(flags[0].level, GetParam().expectedLevel);
}

INSTANTIATE_TEST_SUITE_P(
    AtBelowAbove, Flags,
    ::testing::Values(FlagCase{"ShotsBelow", Metric::Shots, 17, "", 0},
                      FlagCase{"ShotsAt", Metric::Shots, 18, "", 0},
                      FlagCase{"ShotsAbove", Metric::Shots, 19, "above-reference", 18},
                      FlagCase{"ShotsAtInvestigation", Metric::Shots, 36, "above-reference", 18},
                      FlagCase{"ShotsAboveInvestigation", Metric::Shots, 37, "investigation", 36},
                      FlagCase{"FluoroAbove", Metric::FluoroTime_s, 14.01, "above-reference", 14},
                      FlagCase{"DapAboveInvestigation", Metric::Dap_Gycm2, 4.5, "investigation", 4},
                      FlagCase{"NoLevelNoFlag", Metric::ExposureTime_s, 1e6, "", 0},
                      FlagCase{"KarBelowSubstantial", Metric::Kar_mGy, 4999, "", 0},
                      FlagCase{"KarAtSubstantial", Metric::Kar_mGy, 5000, "", 0},
                      FlagCase{"KarAboveSubstantial", Metric::Kar_mGy, 5000.5, "substantial", 5000}),
    [](const ::testing::TestParamInfo<FlagCase>& p) { return std::string(p.param.name); });

TEST(Flags, SubstantialLevelsApplyToUnclassifiedStudiesAndCountTwice) {
    MetricValues values;
    values[index(Metric::Dap_Gycm2)] = 501;
    values[index(Metric::FluoroTime_s)] = 3601;
    auto flags = evaluate(values, nullptr, RuleSettings{});
    ASSERT_EQ(flags.size(), 2u);
    EXPECT_EQ(flags[0].kind, "substantial");
    EXPECT_EQ(flags[0].metric, Metric::Dap_Gycm2);
    EXPECT_EQ(flags[1].metric, Metric::FluoroTime_s);
    RuleSettings stricter;
    stricter.substantialDap_Gycm2 = 600;
    EXPECT_EQ(evaluate(values, nullptr, stricter).size(), 1u);
}

TEST(Cumulative, WindowEdgesCountTheStudiesInside) {
    RuleSettings s;
    s.cumulativeWindowDays = 14;
    s.substantialDap_Gycm2 = 0.3; // the shared zee pair: 0.16 + 0.16 Gy.cm2
    s.substantialKar_mGy = 5.0;   // 2.52 + 2.52 mGy
    const PatientStudy earlier{"E", "2016-05-10", 0.16, 2.52}, later{"L", "2016-05-12", 0.16, 2.52};
    auto flags = cumulative(later, {earlier, later}, s);
    ASSERT_EQ(flags.size(), 2u);
    EXPECT_EQ(flags[0].metric, Metric::Kar_mGy);
    EXPECT_DOUBLE_EQ(flags[0].value, 5.04);
    EXPECT_DOUBLE_EQ(flags[1].value, 0.32);
    EXPECT_EQ(flags[1].studies, (std::vector<std::string>{"E", "L"}));
    EXPECT_TRUE(cumulative(earlier, {earlier, later}, s).empty()); // the later one is not in its window

    const PatientStudy lastDay{"X", "2016-04-27", 0.16, 2.52};  // 14th day before 05-10 counted from 05-10
    const PatientStudy outside{"Y", "2016-04-26", 0.16, 2.52}; // 15 days before 05-10
    EXPECT_EQ(cumulative(earlier, {lastDay, earlier}, s).size(), 2u);
    EXPECT_TRUE(cumulative(earlier, {outside, earlier}, s).empty());
}

TEST(Cumulative, AtJustBelowAndJustAboveTheLevel) {
    RuleSettings s; // DAP 500 Gy.cm2 over 60 days
    const PatientStudy first{"A", "2026-03-01", 300.0, std::nullopt};
    for (const auto& [second, flagged] : std::vector<std::pair<double, bool>>{{200.0, false}, {199.9, false}, {200.1, true}}) {
        const PatientStudy later{"B", "2026-03-20", second, std::nullopt};
        const auto flags = cumulative(later, {first, later}, s);
        EXPECT_EQ(flags.size(), flagged ? 1u : 0u) << "second study " << second;
        if (flagged) {
            EXPECT_EQ(flags[0].metric, Metric::Dap_Gycm2);
            EXPECT_DOUBLE_EQ(flags[0].value, 500.1);
            EXPECT_DOUBLE_EQ(flags[0].level, 500);
        }
    }
}

TEST(Statistics, PercentilesInterpolateLikeASpreadsheet) {
    // PERCENTILE.INC({1,2,3,4,10}, 0.75) = 4; median 3; {1,2,3,4}: median 2.5, p75 3.25
    EXPECT_DOUBLE_EQ(percentileInc({10, 1, 3, 2, 4}, 0.75), 4);
    EXPECT_DOUBLE_EQ(percentileInc({10, 1, 3, 2, 4}, 0.5), 3);
    EXPECT_DOUBLE_EQ(percentileInc({1, 2, 3, 4}, 0.5), 2.5);
    EXPECT_DOUBLE_EQ(percentileInc({1, 2, 3, 4}, 0.75), 3.25);
    EXPECT_DOUBLE_EQ(percentileInc({7}, 0.75), 7);
}

TEST(Statistics, SuggestedDrlNeedsTwentyCases) {
    std::vector<double> few{8, 9, 10, 12, 30};
    auto s = statisticsOf(few, 9.5);
    EXPECT_EQ(s.n, 5u);
    EXPECT_DOUBLE_EQ(s.median, 10);
    EXPECT_DOUBLE_EQ(s.p75, 12);
    EXPECT_DOUBLE_EQ(s.mean, 13.8);
    EXPECT_DOUBLE_EQ(s.max, 30);
    EXPECT_TRUE(s.medianAboveLevel);
    EXPECT_FALSE(s.suggestedDrl.has_value());
    EXPECT_EQ(s.noSuggestionBecause.english(), "only 5 case(s); a local DRL needs at least 20");
    EXPECT_EQ(s.noSuggestionBecause.in(Language::Chinese), "仅 5 例；本地 DRL 至少需要 20 例");
    std::vector<double> many;
    for (int i = 1; i <= 20; ++i) many.push_back(i);
    s = statisticsOf(many, 12);
    ASSERT_TRUE(s.suggestedDrl.has_value());
    EXPECT_DOUBLE_EQ(*s.suggestedDrl, 15.25); // rank 0.75 * 19 = 14.25 -> 15 + 0.25
    EXPECT_FALSE(s.medianAboveLevel);         // median 10.5
}

} // namespace
} // namespace fa::rules

namespace fa::rules {
namespace {

// (a+)+$ against a 40-character description used to take seconds per study and ended in an
// exception that quarantined the object; such patterns are now refused when the table is read.
TEST(ReferenceTable, APatternWithCatastrophicBacktrackingIsRefused) {
    for (const char* match : {"(a+)+$", "(a|aa)+$", "(\\w+\\s?)+$", "(1|11)+$"}) {
        std::vector<TableProblem> problems;
        EXPECT_FALSE(ReferenceTable::parse(std::string("procedure_id,match\np1,") + match + "\n", problems)) << match;
        ASSERT_EQ(problems.size(), 1u) << match;
        EXPECT_EQ(describe(problems[0]), "line 2, column match: '" + std::string(match) +
                                             "' takes too much work on long descriptions (a repetition inside a "
                                             "repetition, such as (a+)+): write it without one");
    }
    std::vector<TableProblem> problems;
    EXPECT_TRUE(ReferenceTable::parse("procedure_id,match\np1,脊神经.*射频|pulsed rf\n", problems)) << describe(problems[0]);
}

TEST(Pattern, OneSearchIsBoundedAndPlainOnesMatch) {
    const Pattern bad("(a+)+$");
    EXPECT_EQ(bad.search(std::string(40, 'a') + "!"), Pattern::Result::TooComplex);
    const Pattern good("射频|pulsed rf");
    EXPECT_EQ(good.search("脊神经根脉冲射频术"), Pattern::Result::Match);
    EXPECT_EQ(good.search("Pulsed RF L4"), Pattern::Result::Match); // case-insensitive
    EXPECT_EQ(good.search("Chest drain"), Pattern::Result::NoMatch);
    EXPECT_EQ(good.search("\xff\xfe broken"), Pattern::Result::NoMatch); // not UTF-8: no match, no crash
}

} // namespace
} // namespace fa::rules

namespace fa {
namespace {

// ICRP 135's regional DRL: the 75th percentile of the facilities' medians, from facilities with
// enough cases. By hand: medians 2, 4, 6, 8 (10 cases each) -> PERCENTILE.INC 0.75 = 6 + 0.25 x 2
// = 6.5, and the site of median 8 is above it; a fifth site of 9 cases does not count.
TEST(RegionalSurvey, TheRegionalDrlIsTheP75OfTheCountedSiteMedians) {
    std::map<std::string, std::vector<double>> values;
    for (const auto& [site, median] : std::map<std::string, double>{{"a", 2}, {"b", 4}, {"c", 6}, {"d", 8}})
        values[site] = std::vector<double>(10, median);
    values["e"] = std::vector<double>(9, 100);
    const auto r = rules::regionalStatisticsOf(values);
    EXPECT_EQ(r.sitesCounted, 4u);
    ASSERT_TRUE(r.regionalDrl);
    EXPECT_DOUBLE_EQ(*r.regionalDrl, 6.5);
    ASSERT_EQ(r.sites.size(), 5u);
    EXPECT_TRUE(r.sites[3].aboveRegionalDrl);  // d
    EXPECT_FALSE(r.sites[2].aboveRegionalDrl); // c
    EXPECT_FALSE(r.sites[4].counted);          // e: 9 cases
    EXPECT_FALSE(r.sites[4].aboveRegionalDrl);
    values.erase("a");
    values.erase("b");
    const auto two = rules::regionalStatisticsOf(values);
    EXPECT_FALSE(two.regionalDrl);
    EXPECT_EQ(two.noDrlBecause, "2 site(s) with at least 10 cases; a regional DRL needs 3");
}

} // namespace
} // namespace fa

namespace fa::rules {
namespace {

// The cumulative skin dose sums the peak skin doses of the window (an upper bound), studies
// without one left out, and needs two studies with one.
TEST(Cumulative, SkinDoseSumsThePeaksOfTheWindow) {
    RuleSettings s; // 3 Gy over 60 days
    const PatientStudy a{"A", "2026-03-01", 10.0, 100.0, 1800.0}, b{"B", "2026-03-20", 10.0, 100.0, 1300.0},
        none{"N", "2026-03-10", 10.0, 100.0, std::nullopt}, old{"O", "2025-12-01", 10.0, 100.0, 2900.0};
    const auto flag = cumulativeSkinDose(b, {old, a, none, b}, s);
    ASSERT_TRUE(flag);
    EXPECT_EQ(flag->kind, "cumulative");
    EXPECT_EQ(flag->metric, "psd_mgy");
    EXPECT_DOUBLE_EQ(flag->value, 3100.0);
    EXPECT_DOUBLE_EQ(flag->level, 3000.0);
    EXPECT_EQ(flag->studies, (std::vector<std::string>{"A", "B"}));
    const PatientStudy lower{"B", "2026-03-20", 10.0, 100.0, 1200.0};
    EXPECT_FALSE(cumulativeSkinDose(lower, {a, lower}, s)); // 3000 mGy: not above
    const PatientStudy alone{"C", "2026-03-20", 10.0, 100.0, 3500.0};
    EXPECT_FALSE(cumulativeSkinDose(alone, {alone}, s)); // one study: the substantial rule's business
    EXPECT_TRUE(substantialSkinDose(3.5, s));
    EXPECT_FALSE(substantialSkinDose(3.0, s));
    EXPECT_FALSE(substantialSkinDose(std::nullopt, s));
}

} // namespace
} // namespace fa::rules
