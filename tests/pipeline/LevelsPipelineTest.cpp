// Reference levels through the whole pipeline: the shared Siemens zee pair as a cumulative case,
// the generated pain department reproducing the study's per-procedure means, and table changes.
#include "pipeline/Pipeline.h"
#include "rules/Metric.h"
#include "tests/support/SharedData.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <numeric>

namespace fa {
namespace {

store::FlagFilter cumulativeOnly() {
    store::FlagFilter f;
    f.kind = "cumulative";
    return f;
}

TEST(LevelsPipeline, ZeePairCumulativeOverATwoWeekWindow) {
    FA_REQUIRE_SHARED_DICOM(dir);
    test::TempDir data;
    Settings settings;
    settings.dataDir = data.path().string();
    test::placeStore(settings.store, data);
    settings.rules.cumulativeWindowDays = 14;
    settings.rules.substantialDap_Gycm2 = 0.3; // so that the pair (0.16 + 0.16 Gy.cm2) is above it
    settings.rules.substantialKar_mGy = 5.0;   // and 2.52 + 2.52 mGy
    Pipeline pipeline(settings);
    // The later study (2016-05-12) arrives first: the earlier one must still be summed into it.
    pipeline.ingestFile(dir + "/rdsr/RF-RDSR-Siemens-Zee.dcm");
    pipeline.ingestFile(dir + "/rdsr/RF-RDSR-Siemens-Zee_adjusted.dcm");
    const std::string later = "1.3.6.1.4.1.5962.99.1.3248661973.865054762.1480717444565.3.0";
    const std::string earlier = "1.3.6.1.4.1.5962.99.1.3248661973.865054762.1480717444566.3.0";
    const auto flags = pipeline.store().study(later)->flags;
    std::map<std::string, StudyFlag> cumulative;
    for (const auto& f : flags)
        if (f.kind == "cumulative") cumulative[f.metric] = f;
    ASSERT_EQ(cumulative.size(), 2u);
    EXPECT_NEAR(cumulative["dap_gycm2"].value, 0.32, 1e-9);
    EXPECT_NEAR(cumulative["kar_mgy"].value, 5.04, 1e-9);
    EXPECT_EQ(cumulative["dap_gycm2"].studies, (std::vector<std::string>{earlier, later}));
    const auto earlierStudy = pipeline.store().study(earlier);
    for (const auto& f : earlierStudy->flags) EXPECT_NE(f.kind, "cumulative");

    // The two studies are 2 days apart: a 2-day window (05-11 and 05-12) holds only the later one.
    settings.rules.cumulativeWindowDays = 2;
    Pipeline twoDays(settings);
    twoDays.store().reevaluateAll();
    EXPECT_EQ(twoDays.store().flags(cumulativeOnly()).size(), 0u);
    settings.rules.cumulativeWindowDays = 3; // 05-10 .. 05-12
    Pipeline threeDays(settings);
    threeDays.store().reevaluateAll();
    EXPECT_EQ(threeDays.store().flags(cumulativeOnly()).size(), 2u);
}

// The study of domain.md: mean shots per procedure (53.9 for spinal-cord stimulator trials, 8.7
// for plasma ablation of the posterior ramus, and the generator's four others) and 0.75 s per shot.
TEST(LevelsPipeline, GeneratedDepartmentReproducesTheStudysMeans) {
    test::TempDir data, input;
    const auto written = synth::writeDepartment(input.path().string(), 140, 20210601u);
    Settings settings;
    settings.dataDir = data.path().string();
    test::placeStore(settings.store, data);
    Pipeline pipeline(settings);
    for (const auto& entry : std::filesystem::directory_iterator(input.path())) pipeline.ingestFile(entry.path().string());
    std::map<std::string, std::vector<double>> shots, exposure;
    for (const auto& s : pipeline.store().studies({})) {
        shots[s.procedureId].push_back(static_cast<double>(*s.summary.irradiationEvents));
        exposure[s.procedureId].push_back(*s.summary.exposureTime_s);
    }
    const std::map<std::string, std::pair<std::size_t, double>> expected = {
        {"trigeminal-rf", {11, 21.0}}, {"scs-trial", {29, 53.9}},       {"endoscopic-discectomy", {10, 31.0}},
        {"nucleoplasty-prf", {17, 16.0}}, {"ramus-plasma", {38, 8.7}}, {"root-prf", {35, 12.0}}};
    ASSERT_EQ(shots.size(), expected.size());
    for (const auto& [id, e] : expected) {
        SCOPED_TRACE(id);
        ASSERT_EQ(shots[id].size(), e.first);
        const double n = static_cast<double>(e.first);
        const double meanShots = std::accumulate(shots[id].begin(), shots[id].end(), 0.0) / n;
        const double meanExposure = std::accumulate(exposure[id].begin(), exposure[id].end(), 0.0) / n;
        EXPECT_NEAR(meanShots, e.second, 0.5 / n); // whole shots: the total is the mean x n, rounded
        EXPECT_NEAR(meanExposure, meanShots * 0.75, 1e-9);
    }
}

TEST(LevelsPipeline, ImportingATableReEvaluatesAndAnInvalidOneChangesNothing) {
    test::TempDir data, input;
    synth::Report r;
    r.studyDescription = "脊神经根脉冲射频术";
    for (int i = 0; i < 20; ++i) {
        synth::Event e;
        e.uid = synth::newUid();
        e.duration_s = 0.75;
        r.events.push_back(e);
    }
    synth::save(*synth::buildReport(r), input.file("r.dcm"));
    Settings settings;
    settings.dataDir = data.path().string();
    test::placeStore(settings.store, data);
    Pipeline pipeline(settings);
    pipeline.ingestFile(input.file("r.dcm"));
    auto study = pipeline.store().study(r.studyUid);
    EXPECT_EQ(study->procedureId, "root-prf");
    ASSERT_EQ(study->flags.size(), 3u); // 20 shots > 18, 15 s > 14 s fluoroscopy and exposure time
    EXPECT_EQ(study->flags[0].kind, "above-reference");
    EXPECT_EQ(study->flags[0].tableVersion, 1);

    const auto bad = pipeline.activateReferenceTable("procedure_id,match,shots\nprf,脉冲射频,-1\n", "test");
    ASSERT_EQ(bad.problems.size(), 1u);
    EXPECT_EQ(pipeline.levels().tableVersion(), 1);

    const auto activated = pipeline.activateReferenceTable("procedure_id,name,match,shots\nprf,PRF,脉冲射频,9\n", "test");
    EXPECT_TRUE(activated.problems.empty());
    EXPECT_FALSE(activated.unchanged);
    EXPECT_EQ(activated.version, 2);
    EXPECT_EQ(pipeline.levels().tableVersion(), 2);
    // The same table again (CRLF line endings, a trailing blank line) is no new version.
    const auto again = pipeline.activateReferenceTable("procedure_id,name,match,shots\r\nprf,PRF,脉冲射频,9\r\n\r\n", "test");
    EXPECT_TRUE(again.problems.empty());
    EXPECT_TRUE(again.unchanged);
    EXPECT_EQ(again.version, 2);
    EXPECT_EQ(pipeline.store().referenceTableHistory().size(), 2u);
    study = pipeline.store().study(r.studyUid);
    EXPECT_EQ(study->procedureId, "prf");
    ASSERT_EQ(study->flags.size(), 1u);
    EXPECT_EQ(study->flags[0].kind, "investigation"); // 20 > 2 x 9
    EXPECT_EQ(study->flags[0].tableVersion, 2);
    EXPECT_EQ(pipeline.store().referenceTableHistory().size(), 2u);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// The numbers of domain.md: 53.9 shots x 0.75 s x 448 uSv/h = 5.03 uSv; 8.7 x 0.75 x 448 = 0.81 uSv.
TEST(DeviceProfile, EstimatedDoseOfTheStudy) {
    const rules::DeviceProfile arcadis{"arcadis", "CARM1", 0.75, 448};
    EXPECT_NEAR(*rules::estimatePatientDose(DeviceInfo{}, 53.9 * 0.75, &arcadis).dose_uSv, 5.0, 0.05);
    EXPECT_NEAR(*rules::estimatePatientDose(DeviceInfo{}, 53.9 * 0.75, &arcadis).dose_uSv, 5.0307, 1e-4);
    EXPECT_NEAR(*rules::estimatePatientDose(DeviceInfo{}, 8.7 * 0.75, &arcadis).dose_uSv, 0.812, 1e-3);
}

// Image-only studies without exposure times get shots x seconds per shot, and flags see it.
TEST(DeviceProfile, ImageOnlyStudyWithoutExposureTimes) {
    test::TempDir data, input;
    const std::string study = synth::newUid();
    for (int i = 0; i < 20; ++i) {
        synth::Image im;
        im.studyUid = study;
        im.station = "CARM1";
        im.studyDescription = "脊神经根脉冲射频术";
        synth::save(*synth::buildImage(im), input.file(std::to_string(i) + ".dcm"));
    }
    Settings settings;
    settings.dataDir = data.path().string();
    test::placeStore(settings.store, data);
    settings.rules.deviceProfiles = {{"arcadis", "carm1", 0.75, 448}};
    Pipeline pipeline(settings);
    for (int i = 0; i < 20; ++i) pipeline.ingestFile(input.file(std::to_string(i) + ".dcm"));
    const auto s = pipeline.store().study(study);
    ASSERT_TRUE(s->summary.exposureTime_s.has_value());
    EXPECT_DOUBLE_EQ(*s->summary.exposureTime_s, 15.0);
    EXPECT_TRUE(s->summary.exposureTimeEstimated);
    EXPECT_NEAR(*s->summary.estimatedDose_uSv, 15.0 * 448 / 3600, 1e-9);
    bool exposureFlag = false; // root-prf: 14 s
    for (const auto& f : s->flags) exposureFlag = exposureFlag || (f.metric == "exposure_time_s" && f.value == 15.0);
    EXPECT_TRUE(exposureFlag);

    Settings without = settings; // no profile: nothing is estimated
    without.rules.deviceProfiles.clear();
    Pipeline plain(without);
    plain.store().reevaluateAll();
    const auto again = plain.store().study(study);
    EXPECT_FALSE(again->summary.exposureTime_s.has_value());
    EXPECT_FALSE(again->summary.estimatedDose_uSv.has_value());
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// Sites sharing one database: a site's own reference table over the group's default. A spinal-cord
// stimulator trial of 30 shots at each site; the default's level is 80 shots, north's own 10.
TEST(LevelsPipeline, ASitesOwnTableGoesBeforeTheGroupsDefault) {
    test::TempDir data, input;
    auto settingsOf = [&](const std::string& site) {
        Settings s;
        s.dataDir = (data.path() / site).string();
        test::placeStore(s.store, data);
        s.site = site;
        return s;
    };
    Settings north = settingsOf("north"), south = settingsOf("south");
    if (!test::onPostgres()) north.dataDir = south.dataDir = data.path().string(); // one SQLite file
    auto report = [&](const std::string& name) {
        synth::Report r;
        r.studyDescription = "Temporary spinal cord stimulator implantation";
        r.patientId = name;
        for (int i = 0; i < 30; ++i) {
            synth::Event e;
            e.uid = synth::newUid();
            r.events.push_back(e);
        }
        const std::string file = (input.path() / (name + ".dcm")).string();
        synth::save(*synth::buildReport(r), file);
        return std::make_pair(r.studyUid, file);
    };
    // Flags of the shots above the level (or above twice it: investigation).
    auto aboveReference = [](Pipeline& p, const std::string& uid) {
        const auto s = p.store().study(uid);
        return std::count_if(s->flags.begin(), s->flags.end(), [](const StudyFlag& f) {
            return (f.kind == "above-reference" || f.kind == "investigation") && f.metric == "shots";
        });
    };
    std::string own = rules::builtInReferenceTable();
    const std::string defaultLevel = "\\bSCS\\b,,80,";
    ASSERT_NE(own.find(defaultLevel), std::string::npos);
    std::string lower = own;
    lower.replace(own.find(defaultLevel), defaultLevel.size(), "\\bSCS\\b,,10,");

    Pipeline a(north);
    EXPECT_FALSE(a.activateReferenceTable(lower, "north's own", true).unchanged);
    const auto [northStudy, northFile] = report("N1");
    a.ingestFile(northFile);
    Pipeline b(south);
    const auto [southStudy, southFile] = report("S1");
    b.ingestFile(southFile);
    // What a table would do counts the studies it would apply to: north's own, north's study only;
    // a new default, the studies of the sites that follow it (south's, not north's).
    const auto northPreview = a.previewReferenceTable(own, true);
    EXPECT_EQ(northPreview.studies, 1u);
    EXPECT_EQ(northPreview.loseFlags, 1u); // 30 shots are below 80
    std::string one = own;
    one.replace(own.find(defaultLevel), defaultLevel.size(), "\\bSCS\\b,,1,");
    const auto defaultPreview = a.previewReferenceTable(one);
    EXPECT_EQ(defaultPreview.studies, 1u);
    EXPECT_EQ(defaultPreview.gainFlags, 1u); // south's 30 shots above 1
    // North's own table activated again as the group's default is a change (the default differs).
    EXPECT_TRUE(a.previewReferenceTable(lower, true).unchanged);
    EXPECT_FALSE(a.previewReferenceTable(lower).unchanged);
    EXPECT_EQ(aboveReference(a, northStudy), 1); // 30 > 10 (north's own)
    EXPECT_EQ(aboveReference(b, southStudy), 0); // 30 < 80 (the group's)
    EXPECT_EQ(a.store().activeReferenceTable()->site, "north");
    EXPECT_EQ(b.store().activeReferenceTable()->site, "");

    // A new group default (20 shots) re-evaluates the sites that follow it, and not north.
    std::string twenty = own;
    twenty.replace(own.find(defaultLevel), defaultLevel.size(), "\\bSCS\\b,,20,");
    b.activateReferenceTable(twenty, "the group's new default");
    EXPECT_EQ(aboveReference(b, southStudy), 1);
    Pipeline again(north);
    EXPECT_EQ(again.levels().tableVersion(), a.store().activeReferenceTable()->version);
    EXPECT_EQ(again.store().activeReferenceTable()->source, "north's own");
    const auto history = again.store().referenceTableHistory();
    ASSERT_EQ(history.size(), 3u); // the built-in default, north's own, the new default
    EXPECT_EQ(history[1].site, "north");
    EXPECT_EQ(history[2].site, "");
}

} // namespace
} // namespace fa
