// The skin dose as filing keeps it: a generated Siemens Artis report whose peak skin dose is
// computed here by hand, `reprocess` for studies stored before the skin dose existed, and what a
// study without beam geometry gets.
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace fa {
namespace {

class SkinPipeline : public ::testing::Test {
protected:
    void SetUp() override {
        settings_.dataDir = data_.path().string();
        test::placeStore(settings_.store, data_);
        pipeline_ = std::make_unique<Pipeline>(settings_);
    }
    std::string file(const synth::Report& r, const std::string& name) {
        const std::string path = data_.file(name);
        EXPECT_TRUE(synth::buildReport(r)->saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        return path;
    }
    // Behind the store's back, as a store written before skin doses existed looks.
    void forgetSkinDoses() {
        const std::string sql = "DELETE FROM skin_doses; UPDATE studies SET psd_gy = NULL";
        if (test::onPostgres()) {
            test::runOnPostgres(test::storeIn(data_), sql);
            return;
        }
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((settings_.dataDir + "/fluoroaudit.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    test::TempDir data_;
    Settings settings_;
    std::unique_ptr<Pipeline> pipeline_;
};

// Two posterior beams of 1 mGy each, 10 x 10 cm at the reference point (DAP 0.1 Gy.cm2), the table
// top 150 mm below the isocentre: the back lies at the reference point (785 - 150 = 635 mm from the
// source). At 72.5 kV and 0.1 mm Cu: backscatter 1.377 + 0.25 x (1.392 - 1.377) = 1.38075 (10 cm),
// water/air 1.021 + 0.25 x 0.004 = 1.022, Artis table and mattress 0.73 + 0.625 x 0.02 = 0.7425;
// the cell centres nearest the axis are 0.5 cm off it each way (inverse square 0.99988).
synth::Report artisReport(const std::string& study) {
    synth::Report r = synth::skinReport(2, 1e-3);
    r.studyUid = study;
    r.patientSize_m = 1.786;
    r.patientWeight_kg = 73.2;
    for (auto& e : r.events) e.geometry->copper_mm = 0.1;
    return r;
}

TEST_F(SkinPipeline, AFiledReportHasTheHandComputedPeakSkinDoseAndItsMap) {
    const std::string study = synth::newUid();
    pipeline_->ingestFile(file(artisReport(study), "artis.dcm"));
    const auto record = pipeline_->store().study(study);
    ASSERT_TRUE(record && record->summary.psd_Gy);
    const double byHand = 2e-3 * 1.38075 * 1.022 * 0.7425 * (63.5 * 63.5) / (63.5 * 63.5 + 0.5);
    EXPECT_NEAR(*record->summary.psd_Gy, byHand, byHand * 1e-3);
    EXPECT_NEAR(byHand, 2.0953e-3, 1e-7);
    const auto skin = pipeline_->store().skinDose(study);
    ASSERT_TRUE(skin);
    EXPECT_DOUBLE_EQ(*skin->psd_Gy, *record->summary.psd_Gy);
    EXPECT_EQ(skin->region, "back, middle third");
    EXPECT_EQ(skin->normalisation, "Siemens Artis/AXIOM");
    EXPECT_EQ(skin->phantom, "body 178.6 cm, 73.2 kg");
    EXPECT_EQ(skin->events, 2u);
    EXPECT_EQ(skin->around, 92);
    EXPECT_EQ(skin->along, 70);
    const auto map = skin::decodeMap(skin->map, 92 * 70);
    EXPECT_NEAR(*std::max_element(map.begin(), map.end()), *skin->psd_Gy, *skin->psd_Gy / 65535);
    // A 10 cm field: 10 x 10 cells of 1 cm on the back (the flat back's cells are 0.996 cm wide).
    EXPECT_EQ(std::count_if(map.begin(), map.end(), [](double d) { return d > 0; }), 100);
    EXPECT_TRUE(skin->assumptions.empty() || skin->assumptions.size() == 1u); // Siemens' table axes, said once
}

TEST_F(SkinPipeline, ReprocessMapsStudiesStoredBeforeSkinDosesExisted) {
    const std::string study = synth::newUid();
    pipeline_->ingestFile(file(artisReport(study), "artis.dcm"));
    const double psd = *pipeline_->store().study(study)->summary.psd_Gy;
    forgetSkinDoses();
    EXPECT_FALSE(pipeline_->store().study(study)->summary.psd_Gy);
    EXPECT_FALSE(pipeline_->store().skinDose(study));
    for (const auto& kept : pipeline_->store().keptFiles()) pipeline_->reprocess(kept);
    ASSERT_TRUE(pipeline_->store().study(study)->summary.psd_Gy);
    EXPECT_DOUBLE_EQ(*pipeline_->store().study(study)->summary.psd_Gy, psd);
}

TEST_F(SkinPipeline, AReportWithoutAnglesIsMappedAsMissingAndImagesAreNotMapped) {
    synth::Report noAngles;
    noAngles.events.push_back(synth::Event{});
    pipeline_->ingestFile(file(noAngles, "plain.dcm"));
    const auto skin = pipeline_->store().skinDose(noAngles.studyUid);
    ASSERT_TRUE(skin);
    EXPECT_FALSE(skin->psd_Gy);
    EXPECT_EQ(skin->missing.code, "no-angles");
    EXPECT_EQ(skin->missing.params, (std::vector<std::pair<std::string, std::string>>{{"events", "1"}, {"object", noAngles.sopUid}}));
    EXPECT_EQ(skin->missing.text, "Positioner Primary Angle not given (or 'value unknown') in any of the 1 irradiation events of " +
                                 noAngles.sopUid);
    EXPECT_FALSE(pipeline_->store().study(noAngles.studyUid)->summary.psd_Gy);

    synth::Image image;
    const std::string path = data_.file("image.dcm");
    ASSERT_TRUE(synth::buildImage(image)->saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
    pipeline_->ingestFile(path);
    EXPECT_FALSE(pipeline_->store().skinDose(image.studyUid));
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// 40 shots of 0.1 Gy on the same back: a peak skin dose far above NCRP 168's 3 Gy raises a
// substantial flag of its own (metric psd_mgy), beside Ka,r's (4 Gy is below 5 Gy: none).
TEST_F(SkinPipeline, APeakSkinDoseAboveThreeGrayIsASubstantialFlag) {
    synth::Report r = artisReport(synth::newUid());
    r.events.resize(1);
    r.events[0].dose_Gy = 0.1;
    r.events[0].dap_Gym2 = 1e-3;
    const synth::Event shot = r.events[0];
    r.events.clear();
    for (int i = 0; i < 40; ++i) {
        r.events.push_back(shot);
        r.events.back().uid = synth::newUid();
    }
    pipeline_->ingestFile(file(r, "heavy.dcm"));
    const auto record = pipeline_->store().study(r.studyUid);
    ASSERT_TRUE(record->summary.psd_Gy);
    const double psd_mGy = *record->summary.psd_Gy * 1e3; // 4 Gy x 1.38 x 1.02 x 0.74: about 4.2 Gy
    EXPECT_GT(psd_mGy, 3000);
    // (The procedure's reference levels flag its shots, DAP and Ka,r too.)
    std::vector<StudyFlag> substantial;
    for (const auto& f : record->flags)
        if (f.kind == "substantial") substantial.push_back(f);
    ASSERT_EQ(substantial.size(), 1u);
    EXPECT_EQ(substantial[0].metric, "psd_mgy");
    EXPECT_DOUBLE_EQ(substantial[0].value, psd_mGy);
    EXPECT_DOUBLE_EQ(substantial[0].level, 3000);
    EXPECT_FALSE(substantial[0].tableVersion);
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// Two procedures of one patient nine days apart, each with a peak skin dose of about 2.1 Gy (below
// 3 Gy): their sum, an upper bound of the cumulative skin dose, raises a cumulative flag on the later.
TEST_F(SkinPipeline, PeakSkinDosesOfAPatientsWindowAddUpToACumulativeFlag) {
    auto procedure = [&](const std::string& date) {
        synth::Report r = artisReport(synth::newUid());
        r.studyDate = date;
        const synth::Event shot = r.events[0];
        r.events.clear();
        for (int i = 0; i < 20; ++i) {
            r.events.push_back(shot);
            r.events.back().uid = synth::newUid();
            r.events.back().dose_Gy = 0.1;
            r.events.back().dap_Gym2 = 1e-3;
        }
        pipeline_->ingestFile(file(r, r.studyUid + ".dcm"));
        return r.studyUid;
    };
    const std::string first = procedure("20260301"), second = procedure("20260310");
    const auto a = pipeline_->store().study(first), b = pipeline_->store().study(second);
    ASSERT_TRUE(a->summary.psd_Gy && b->summary.psd_Gy);
    EXPECT_LT(*a->summary.psd_Gy, 3.0);
    EXPECT_LT(*b->summary.psd_Gy, 3.0);
    auto psdFlags = [](const store::StudyRecord& r) {
        std::vector<StudyFlag> out;
        for (const auto& f : r.flags)
            if (f.metric == "psd_mgy") out.push_back(f);
        return out;
    };
    EXPECT_TRUE(psdFlags(*a).empty());
    const auto flags = psdFlags(*b);
    ASSERT_EQ(flags.size(), 1u);
    EXPECT_EQ(flags[0].kind, "cumulative");
    EXPECT_NEAR(flags[0].value, (*a->summary.psd_Gy + *b->summary.psd_Gy) * 1e3, 1e-6);
    EXPECT_DOUBLE_EQ(flags[0].level, 3000);
    EXPECT_EQ(flags[0].studies, (std::vector<std::string>{first, second}));
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// A substantial dose opens a follow-up due two to four weeks after the study; it is open, then
// overdue, until a physicist records the outcome (in the audit trail); its figures falling below
// the levels before that withdraw it.
TEST_F(SkinPipeline, ASubstantialDoseOpensAFollowUpThatTheOutcomeCloses) {
    synth::Report r = artisReport(synth::newUid()); // 2026-03-01
    const synth::Event shot = r.events[0];
    r.events.clear();
    for (int i = 0; i < 40; ++i) {
        r.events.push_back(shot);
        r.events.back().uid = synth::newUid();
        r.events.back().dose_Gy = 0.1;
        r.events.back().dap_Gym2 = 1e-3;
    }
    EXPECT_FALSE(pipeline_->store().followUp(r.studyUid));
    pipeline_->ingestFile(file(r, "heavy.dcm"));
    auto f = pipeline_->store().followUp(r.studyUid);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->dueFrom, "2026-03-15");
    EXPECT_EQ(f->dueTo, "2026-03-29");
    ASSERT_EQ(f->reasons.size(), 1u);
    EXPECT_EQ(f->reasons[0].metric, "psd_mgy");
    EXPECT_DOUBLE_EQ(f->reasons[0].value, *f->psd_Gy * 1e3);
    EXPECT_EQ(f->state("2026-03-20"), "open");
    EXPECT_EQ(f->state("2026-03-30"), "overdue");
    EXPECT_EQ(pipeline_->store().followUps("open", "2026-03-20").size(), 1u);
    EXPECT_EQ(pipeline_->store().followUps("overdue", "2026-03-20").size(), 0u);
    EXPECT_EQ(pipeline_->store().followUps("overdue", "2026-03-30").size(), 1u);

    EXPECT_THROW(pipeline_->store().recordFollowUp(r.studyUid, "burn", "", "pat"), Error);
    EXPECT_FALSE(pipeline_->store().recordFollowUp("1.2.3", "none", "", "pat"));
    ASSERT_TRUE(pipeline_->store().recordFollowUp(r.studyUid, "erythema", "faint, 6 x 8 cm, day 16", "pat"));
    f = pipeline_->store().followUp(r.studyUid);
    EXPECT_EQ(f->outcome, "erythema");
    EXPECT_EQ(f->note, "faint, 6 x 8 cm, day 16");
    EXPECT_EQ(f->recordedBy, "pat");
    EXPECT_EQ(f->state("2026-04-30"), "closed");
    EXPECT_TRUE(pipeline_->store().followUps("open", "2026-03-20").empty());

    // Another study, then its levels raised above its dose: the open follow-up is withdrawn.
    synth::Report other = artisReport(synth::newUid());
    other.events = r.events;
    for (auto& e : other.events) e.uid = synth::newUid();
    pipeline_->ingestFile(file(other, "other.dcm"));
    ASSERT_EQ(pipeline_->store().followUp(other.studyUid)->state("2026-03-20"), "open");
    settings_.rules.substantialPsd_mGy = 1e6;
    pipeline_ = std::make_unique<Pipeline>(settings_);
    pipeline_->store().reevaluateAll();
    EXPECT_EQ(pipeline_->store().followUp(other.studyUid)->state("2026-03-20"), "withdrawn");
    EXPECT_EQ(pipeline_->store().followUp(r.studyUid)->outcome, "erythema"); // what was recorded stays
}

} // namespace
} // namespace fa
