// The nightly audit without a PACS (through the real pipeline and store), its report and its
// schedule arithmetic.
#include "audit/AuditReport.h"
#include "present/Csv.h"
#include "audit/AuditScheduler.h"
#include "audit/NightlyAudit.h"
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace fa {
namespace {

std::chrono::system_clock::time_point localTime(int y, int mo, int d, int h, int mi, int s = 0) {
    std::tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_sec = s;
    t.tm_isdst = -1;
    return std::chrono::system_clock::from_time_t(std::mktime(&t));
}

class InTimeZone : public ::testing::Test {
protected:
    void SetUp() override {
        const char* tz = std::getenv("TZ");
        saved_ = tz ? tz : "";
        hadTz_ = tz != nullptr;
        ::setenv("TZ", "Asia/Shanghai", 1);
        ::tzset();
    }
    void TearDown() override {
        if (hadTz_) ::setenv("TZ", saved_.c_str(), 1);
        else ::unsetenv("TZ");
        ::tzset();
    }

private:
    std::string saved_;
    bool hadTz_ = false;
};

TEST_F(InTimeZone, TheScheduleIsTheNextLocalTimeAndAuditsThePreviousDay) {
    EXPECT_EQ(nextLocalTime(localTime(2026, 11, 22, 1, 59), 2, 0), localTime(2026, 11, 22, 2, 0));
    EXPECT_EQ(nextLocalTime(localTime(2026, 11, 22, 2, 0), 2, 0), localTime(2026, 11, 22, 2, 0));
    EXPECT_EQ(nextLocalTime(localTime(2026, 11, 22, 2, 0, 1), 2, 0), localTime(2026, 11, 23, 2, 0));
    EXPECT_EQ(nextLocalTime(localTime(2026, 12, 31, 23, 0), 2, 30), localTime(2027, 1, 1, 2, 30));
    EXPECT_EQ(previousLocalDay(localTime(2026, 3, 1, 2, 0)), "2026-02-28");
    EXPECT_EQ(previousLocalDay(localTime(2028, 3, 1, 0, 5)), "2028-02-29");
    EXPECT_EQ(previousLocalDay(localTime(2027, 1, 1, 2, 0)), "2026-12-31");
}

TEST(AuditReport, TextIsEscapedForHtmlAndCsvCellsCannotBecomeFormulas) {
    EXPECT_EQ(htmlEscape("<script>alert('x')</script> & \"q\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    EXPECT_EQ(present::csvCell("plain"), "plain");
    EXPECT_EQ(present::csvCell("a,b"), "\"a,b\"");
    EXPECT_EQ(present::csvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(present::csvCell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(present::csvCell("+1"), "'+1");
    EXPECT_EQ(present::csvCell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(present::csvCell("三叉神经"), "三叉神经");
}

TEST(AuditReport, TheHtmlHasTheFiguresTheDrlTableAndAChartOnARoundAxis) {
    AuditReportData d;
    d.run.id = 4;
    d.run.periodFrom = d.run.periodTo = "2026-11-21";
    d.run.outcome = "partial";
    d.run.errors = {"reconciliation skipped: the PACS <PACS>@10.0.0.5:104 did not answer"};
    d.tableVersion = 2;
    DrlRow row;
    row.procedureId = "root-prf";
    row.procedureName = "脊神经根脉冲射频术 <b>RF</b>";
    row.metric = rules::Metric::Dap_Gycm2;
    row.values = {0.1, 0.2, 0.3, 0.9};
    row.statistics = rules::statisticsOf(row.values, 1.0);
    d.drl = {row};
    store::AuditFinding missing{"missing-dose-data", "1.2.3", "2026-11-21", "images only, no dose report"};
    d.findings = {missing};
    const std::string html = renderHtml(d);
    EXPECT_NE(html.find("<span class=\"outcome partial\">partial</span>"), std::string::npos);
    EXPECT_NE(html.find("the PACS &lt;PACS&gt;@10.0.0.5:104 did not answer"), std::string::npos);
    EXPECT_NE(html.find("脊神经根脉冲射频术 &lt;b&gt;RF&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<b>RF</b>"), std::string::npos);
    // median 0.25, 75th percentile 0.45, level 1, 4 cases: no suggestion
    EXPECT_NE(html.find("<td class=\"n\">0.25</td><td class=\"n\">0.45</td><td class=\"n\">1</td>"), std::string::npos)
        << html;
    EXPECT_NE(html.find("only 4 case(s)"), std::string::npos);
    // Axis up to the level (1.0): steps of 0.5.
    EXPECT_NE(html.find("class=\"ax\">0.5</text>"), std::string::npos);
    EXPECT_NE(html.find("class=\"ax\">1</text>"), std::string::npos);
    EXPECT_EQ(html.find("class=\"ax\">1.5</text>"), std::string::npos);
    EXPECT_NE(html.find("<title>reference level 1</title>"), std::string::npos);
    EXPECT_NE(html.find("id=\"fig-missing-dose\"><b>0</b>"), std::string::npos); // the run's count, not the list
    EXPECT_NE(html.find("images only, no dose report"), std::string::npos);

    // The DRL audit comes first; flags after it.
    EXPECT_LT(html.find("<h2 id=\"drl\">"), html.find("<h2 id=\"new-flags\">"));

    const std::string csv = drlCsv(d);
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBF" "procedure_id,", 0), 0u);
    EXPECT_NE(csv.find("root-prf,脊神经根脉冲射频术 <b>RF</b>,dap_gycm2,4,0.25,0.45,0.375,0.9,1,no,,only 4 case(s)"),
              std::string::npos)
        << csv;
}

// Where no level is set the table says so; new flags say how many are reviewed already, the open
// flags are counted, and each study links to its page when the web UI's address is known.
TEST(AuditReport, NoLevelIsSaidOpenFlagsAreCountedAndStudiesLinkToTheirPage) {
    AuditReportData d;
    d.run.id = 5;
    d.run.periodFrom = d.run.periodTo = "2026-11-21";
    DrlRow row;
    row.procedureId = "root-prf";
    row.metric = rules::Metric::Dap_Gycm2;
    row.values = {0.1, 0.2};
    row.statistics = rules::statisticsOf(row.values, std::nullopt);
    d.drl = {row};
    store::FlagRecord open, reviewed;
    open.studyUid = "1.2.826.0.1.3680043.10.1234.2026112101";
    open.studyDate = "2026-11-21";
    open.flag.kind = "investigation";
    open.flag.metric = "shots";
    reviewed = open;
    reviewed.studyUid = "1.2.3";
    reviewed.flag.reviewState = "acknowledged";
    d.newFlags = {open, reviewed};
    d.openFlags = 7;
    d.studyLinkBase = "https://dose.hospital.example/";
    const std::string html = renderHtml(d);
    EXPECT_NE(html.find("<td class=\"n\">no level</td><td>—</td>"), std::string::npos) << html;
    EXPECT_NE(html.find("id=\"fig-open-flags\"><b>7</b>"), std::string::npos);
    EXPECT_NE(html.find(": 2, of which 1 reviewed already. Open flags in all: 7."), std::string::npos);
    EXPECT_NE(html.find("<a href=\"https://dose.hospital.example/#/study/1.2.826.0.1.3680043.10.1234.2026112101\" "
                        "title=\"1.2.826.0.1.3680043.10.1234.2026112101\">…3.10.1234.2026112101</a>"),
              std::string::npos)
        << html;
    d.studyLinkBase.clear();
    EXPECT_EQ(renderHtml(d).find("<a href="), std::string::npos);
}

// [report] language = zh: every heading, label, flag kind, review state, metric and procedure name
// in Simplified Chinese; nothing English is left outside data, units and acronyms.
TEST(AuditReport, InChineseTheWholeReportIsChinese) {
    AuditReportData d;
    d.language = Language::Chinese;
    d.run.id = 6;
    d.run.trigger = "schedule";
    d.run.outcome = "ok";
    d.run.pacs = "PACS@10.0.0.5:104";
    d.run.periodFrom = d.run.periodTo = "2026-11-21";
    d.procedureNames = {{"root-prf", "脊神经根脉冲射频术 Spinal nerve root pulsed RF"}};
    DrlRow dap, shots;
    dap.procedureId = shots.procedureId = "root-prf";
    dap.procedureName = shots.procedureName = "脊神经根脉冲射频术 Spinal nerve root pulsed RF";
    dap.metric = rules::Metric::Dap_Gycm2;
    dap.values = {0.1, 0.2};
    dap.statistics = rules::statisticsOf(dap.values, std::nullopt);
    shots.metric = rules::Metric::Shots;
    shots.values = {10, 30};
    shots.statistics = rules::statisticsOf(shots.values, 18.0);
    d.drl = {dap, shots};
    store::FlagRecord flag;
    flag.studyUid = "1.2.3";
    flag.studyDate = "2026-11-21";
    flag.procedureId = "root-prf";
    flag.flag.kind = "above-reference";
    flag.flag.metric = "shots";
    flag.flag.value = 30;
    flag.flag.level = 18;
    d.newFlags = d.staleFlags = {flag};
    d.openFlags = 1;
    d.staffYear = 2026;
    rules::OperatorYear named, unnamed;
    named.operatorName = "王丽";
    named.total_uSv = 25000; // above the 20 mSv level
    named.studies[10] = 3;
    unnamed.total_uSv = 12.5;
    unnamed.studies[10] = 1;
    unnamed.withoutEstimate = 1;
    d.staffOperators = {named, unnamed};
    store::FollowUp followUp;
    followUp.studyUid = "1.2.3";
    followUp.studyDate = "2026-10-20";
    followUp.procedureId = "root-prf";
    StudyFlag psd;
    psd.kind = "substantial";
    psd.metric = "psd_mgy";
    psd.value = 4446;
    psd.level = 3000;
    followUp.reasons = {psd};
    followUp.dueFrom = "2026-11-03";
    followUp.dueTo = "2026-11-17";
    d.followUps = {followUp};
    d.today = "2026-11-22";
    const std::string html = renderHtml(d);
    EXPECT_NE(html.find("<h2 id=\"follow-ups\">高剂量患者随访</h2>"), std::string::npos);
    EXPECT_NE(html.find("1 项待随访，其中 1 项已逾期"), std::string::npos);
    EXPECT_NE(html.find("<td>2026-10-20</td><td>1.2.3</td><td>脊神经根脉冲射频术</td><td>峰值皮肤剂量（mGy） 4446</td>"
                        "<td>2026-11-03 – 2026-11-17</td><td>已逾期</td>"),
              std::string::npos) << html.substr(html.find("follow-ups"), 800);
    EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
    EXPECT_NE(html.find("<h2 id=\"staff\">工作人员剂量估算（2026 年至今）</h2>"), std::string::npos);
    EXPECT_NE(html.find("<td>王丽</td><td class=\"n\">3</td><td class=\"n\">25000</td><td class=\"n\">125 %</td><td>是</td><td class=\"n\">0</td>"),
              std::string::npos) << html.substr(html.find("id=\"staff\""), 1500);
    EXPECT_NE(html.find("<td>（未署名）</td><td class=\"n\">1</td><td class=\"n\">12.5</td><td class=\"n\">0.0625 %</td><td>否</td><td class=\"n\">1</td>"),
              std::string::npos);
    EXPECT_NE(html.find("<h1>透视剂量审计：2026-11-21</h1>"), std::string::npos) << html;
    EXPECT_NE(html.find("<h2 id=\"drl\">本期间的 DRL 审核（ICRP 135）</h2>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"outcome ok\">成功</span>"), std::string::npos);
    EXPECT_NE(html.find("<td>root-prf</td><td>脊神经根脉冲射频术</td><td>DAP（Gy·cm²）</td>"), std::string::npos) << html;
    EXPECT_NE(html.find("<td class=\"n\">未设水平</td><td>—</td><td>— (仅 2 例；本地 DRL 至少需要 20 例)</td>"), std::string::npos);
    EXPECT_NE(html.find("<td class=\"n\">18</td><td>是</td>"), std::string::npos);
    EXPECT_NE(html.find("<td>脊神经根脉冲射频术</td><td>超过参考水平</td><td>曝光次数</td>"), std::string::npos);
    EXPECT_NE(html.find("<td>未审核</td>"), std::string::npos);
    EXPECT_NE(html.find("本期间检查的标记：1 个，其中 0 个已审核。全部未审核标记：1 个。"), std::string::npos);
    EXPECT_NE(html.find("第 6 次运行（定时）"), std::string::npos);
    // The text a reader sees (tags, the style sheet and the run's own data taken out): no English.
    std::string visible = html.substr(html.find("<body>"));
    visible = std::regex_replace(visible, std::regex("<[^>]*>|&[a-z]+;|&#[0-9]+;"), " ");
    for (const char* data : {"PACS@10.0.0.5:104", "root-prf", "1.2.3", "fluoroaudit"})
        for (std::size_t at; (at = visible.find(data)) != std::string::npos;) visible.erase(at, std::string(data).size());
    static const std::set<std::string> allowed{"DRL", "ICRP", "DAP", "Ka", "r", "n", "Gy", "cm", "mGy", "PACS", "UID", "Sv", "mSv"};
    static const std::regex word("[A-Za-z]+");
    std::vector<std::string> english;
    for (auto it = std::sregex_iterator(visible.begin(), visible.end(), word); it != std::sregex_iterator(); ++it)
        if (!allowed.count(it->str())) english.push_back(it->str());
    EXPECT_TRUE(english.empty()) << ::testing::PrintToString(english);
}

synth::Report shotsReport(const std::string& date, int shots) {
    synth::Report r;
    r.studyDate = date;
    r.studyDescription = "Spinal nerve root pulsed RF";
    for (int i = 0; i < shots; ++i) {
        synth::Event e;
        e.uid = synth::newUid();
        e.duration_s = 0.75;
        r.events.push_back(e);
    }
    return r;
}

TEST(NightlyAuditWithoutPacs, NewFlagsAreThoseRaisedSinceThePreviousRun) {
    test::TempDir dir;
    Settings settings;
    settings.dataDir = dir.file("data");
    test::placeStore(settings.store, dir);
    {
        Pipeline pipeline(settings);
        synth::save(*synth::buildReport(shotsReport("20261121", 30)), dir.file("high.dcm")); // level 18 shots
        synth::save(*synth::buildReport(shotsReport("20261121", 5)), dir.file("low.dcm"));
        pipeline.ingestFile(dir.file("high.dcm"));
        pipeline.ingestFile(dir.file("low.dcm"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // timestamps have whole seconds
    AuditRequest request;
    request.from = request.to = "2026-11-21";
    std::vector<std::string> progress;
    request.progress = [&](const std::string& line) { progress.push_back(line); };
    const auto first = runNightlyAudit(settings, request);
    EXPECT_EQ(first.outcome, "ok");
    EXPECT_EQ(first.studies, 2);
    EXPECT_EQ(first.newFlags, 3); // shots, fluoroscopy time, exposure time of the 30-shot study
    EXPECT_EQ(first.missingDose, 0);
    ASSERT_FALSE(progress.empty());
    EXPECT_EQ(progress.front(), "audit run 1: studies dated 2026-11-21");

    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // timestamps have whole seconds
    const auto second = runNightlyAudit(settings, request);
    EXPECT_EQ(second.newFlags, 0);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    {
        Pipeline pipeline(settings);
        synth::save(*synth::buildReport(shotsReport("20261120", 25)), dir.file("late.dcm")); // an earlier day, late
        synth::Image image;
        image.studyDate = "20261121";
        image.totalExposures = 4;
        synth::save(*synth::buildImage(image), dir.file("image.dcm"));
        pipeline.ingestFile(dir.file("late.dcm"));
        pipeline.ingestFile(dir.file("image.dcm"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const auto third = runNightlyAudit(settings, request);
    EXPECT_EQ(third.newFlags, 3) << "the late report's flags are new although its study is from another day";
    EXPECT_EQ(third.studies, 3);
    EXPECT_EQ(third.missingDose, 1);

    Pipeline pipeline(settings);
    const auto runs = pipeline.store().auditRuns(10);
    ASSERT_EQ(runs.size(), 3u);
    EXPECT_EQ(runs[0].id, 3);
    EXPECT_EQ(runs[2].id, 1);
    const auto findings = pipeline.store().auditFindings(3);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].kind, "missing-dose-data");
    EXPECT_EQ(findings[0].studyDate, "2026-11-21");
    EXPECT_NE(findings[0].detail.find("images only, no dose report"), std::string::npos) << findings[0].detail;

    std::ifstream csv(third.reportCsv);
    std::stringstream text;
    text << csv.rdbuf();
    EXPECT_NE(text.str().find(",yes,"), std::string::npos); // the image-only study: missing dose data
}

TEST(NightlyAuditWithoutPacs, ARunLeftRunningByADeadProcessIsClosedAsFailed) {
    test::TempDir dir;
    Settings settings;
    settings.dataDir = dir.file("data");
    test::placeStore(settings.store, dir);
    {
        Pipeline pipeline(settings);
        store::AuditRun left;
        left.trigger = "schedule";
        left.periodFrom = left.periodTo = "2026-11-20";
        pipeline.store().beginAuditRun(left);
        ASSERT_EQ(left.id, 1);
    }
    AuditRequest request;
    request.from = request.to = "2026-11-21";
    const auto run = runNightlyAudit(settings, request);
    EXPECT_EQ(run.id, 2);
    Pipeline pipeline(settings);
    const auto abandoned = pipeline.store().auditRun(1);
    ASSERT_TRUE(abandoned);
    EXPECT_EQ(abandoned->outcome, "failed");
    ASSERT_EQ(abandoned->errors.size(), 1u);
    EXPECT_EQ(abandoned->errors[0], "the run stopped before it finished (its process ended)");
    EXPECT_FALSE(abandoned->finishedAt.empty());
}

} // namespace
} // namespace fa
