// GE DL angiography without an RDSR: the study's running totals in private group 0015 of every
// image and of the dose screen (dicom/GeDlStudyTotals.h), through extraction, store and summary.
// The images are synthetic, written as the device writes them (tests/synth).
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include <gtest/gtest.h>

namespace fa {
namespace {

class GeDlStudyTotals : public ::testing::Test {
protected:
    GeDlStudyTotals() {
        Settings s;
        s.dataDir = data_.path().string();
        test::placeStore(s.store, data_);
        pipeline_ = std::make_unique<Pipeline>(s);
    }

    // Run `n` of a coronary study: its own DAP (dGy·cm²) and the device's totals after it.
    synth::Image run(int n, double dap_dGycm2, double totalDap_cGycm2, double kar_mGy, double fluoro_s) {
        synth::Image im;
        im.studyUid = study_;
        im.sopClass = "xa";
        im.manufacturer = "GE MEDICAL SYSTEMS";
        im.model = "Innova 2100-IQ";
        im.station = "CATHLAB1";
        im.frames = 30 + n;
        im.frameTime_ms = 66.7;
        im.dap_dGycm2 = dap_dGycm2;
        synth::GeTotals t;
        t.kar_mGy = kar_mGy;
        t.dap_cGycm2 = totalDap_cGycm2;
        t.fluoroTime_s = fluoro_s;
        t.fluoroDap_cGycm2 = totalDap_cGycm2 * 0.6;
        t.recordDap_cGycm2 = totalDap_cGycm2 * 0.4;
        t.recordTime_s = 2.0 * n;
        im.ge = t;
        return im;
    }

    IngestResult ingest(const synth::Image& im) {
        const std::string path = input_.file(im.sopUid + ".dcm");
        synth::save(*synth::buildImage(im), path);
        return pipeline_->ingestFile(path);
    }

    StudySummary summary() { return pipeline_->store().study(study_).value().summary; }
    std::vector<Warning> warnings() { return pipeline_->store().study(study_).value().warnings; }

    test::TempDir data_, input_;
    std::unique_ptr<Pipeline> pipeline_;
    std::string study_ = synth::newUid();
};

bool hasWarning(const std::vector<Warning>& warnings, const std::string& code) {
    for (const auto& w : warnings)
        if (w.code == code) return true;
    return false;
}

// Every run received: the device's totals, the latest of them, give the study's figures; the
// images' own DAP agrees (its increments are a tenth of the totals' in their units).
TEST_F(GeDlStudyTotals, TheLatestTotalsOfTheRunsGiveTheStudy) {
    ingest(run(1, 10.0, 100.0, 10.0, 60.0));
    ingest(run(3, 20.0, 400.0, 40.0, 200.0)); // arrives before run 2: the highest totals win
    ingest(run(2, 10.0, 200.0, 20.0, 120.0));
    const StudySummary s = summary();
    EXPECT_EQ(s.source, SourceKind::VendorSummary);
    EXPECT_EQ(s.irradiationEvents, 3);
    EXPECT_NEAR(*s.dap_Gym2 * 1e4, 4.0, 1e-9);     // 400 cGy·cm² = 4 Gy·cm²
    EXPECT_NEAR(*s.doseRp_Gy * 1e3, 40.0, 1e-9);    // mGy
    EXPECT_NEAR(*s.fluoroTime_s, 200.0, 1e-9);
    EXPECT_NEAR(*s.acquisitionTime_s, 6.0, 1e-9);   // record time of the latest
    EXPECT_NEAR(*s.exposureTime_s, 206.0, 1e-9);
    EXPECT_FALSE(hasWarning(warnings(), "image-sums-differ"));
}

// The example of the issue: 2 of 11 runs received. Their own DAP adds up to 0.108 Gy·cm², the
// device's totals say 15.1 Gy·cm², 164.6 mGy and 584 s of fluoroscopy: those count, with a warning.
TEST_F(GeDlStudyTotals, MissingRunsAreSaidAndTheTotalsCount) {
    ingest(run(4, 0.54, 700.0, 80.0, 300.0));
    ingest(run(11, 0.54, 1510.0, 164.6, 584.0));
    const StudySummary s = summary();
    EXPECT_EQ(s.source, SourceKind::VendorSummary);
    EXPECT_EQ(s.irradiationEvents, 2);
    EXPECT_NEAR(*s.dap_Gym2 * 1e4, 15.1, 1e-9);
    EXPECT_NEAR(*s.doseRp_Gy * 1e3, 164.6, 1e-9);
    EXPECT_NEAR(*s.fluoroTime_s, 584.0, 1e-9);
    ASSERT_TRUE(hasWarning(warnings(), "image-sums-differ"));
    for (const auto& w : warnings()) {
        if (w.code != "image-sums-differ") continue;
        EXPECT_EQ(w.message, "the images received add up to 0.108 Gy·cm² of the 15.1 Gy·cm² the device totals: runs "
                                 "of the study are missing here; the device's totals are used");
    }
}

// The dose screen alone (a Secondary Capture with Modality XA), its totals in FL values under a
// block other than 0x10: the study's figures, and no shot counted for a screen.
TEST_F(GeDlStudyTotals, TheDoseScreenAloneInAnotherBlockGivesTheTotals) {
    synth::Image screen = run(11, 0, 1510.0, 164.6, 584.0);
    screen.sopClass = "sc";
    screen.dap_dGycm2.reset();
    screen.frames.reset();
    screen.frameTime_ms.reset();
    screen.ge->block = 0x23;
    screen.ge->binary = true;
    EXPECT_EQ(ingest(screen).outcome, IngestOutcome::Created);
    const StudySummary s = summary();
    EXPECT_EQ(s.source, SourceKind::VendorSummary);
    EXPECT_FALSE(s.irradiationEvents.has_value());
    EXPECT_NEAR(*s.dap_Gym2 * 1e4, 15.1, 1e-5);
    EXPECT_NEAR(*s.doseRp_Gy * 1e3, 164.6, 1e-4);
    EXPECT_NEAR(*s.fluoroTime_s, 584.0, 1e-3);

    // A screen capture of another modality, or without the totals, carries no dose content.
    synth::Image plain;
    plain.sopClass = "sc";
    const std::string path = input_.file("plain.dcm");
    synth::save(*synth::buildImage(plain), path);
    const auto skipped = pipeline_->ingestFile(path);
    EXPECT_EQ(skipped.outcome, IngestOutcome::NoDoseContent);
    EXPECT_EQ(skipped.detail, "SecondaryCaptureImageStorage without a C-arm's dose totals");
}

// An RDSR of the study that arrives later takes over from the totals.
TEST_F(GeDlStudyTotals, AnRdsrArrivingLaterTakesOver) {
    ingest(run(1, 10.0, 100.0, 10.0, 60.0));
    synth::Report r;
    r.studyUid = study_;
    r.manufacturer = "GE MEDICAL SYSTEMS";
    synth::Event e;
    e.uid = synth::newUid();
    e.dap_Gym2 = 3e-4;
    e.duration_s = 1.5;
    r.events = {e};
    const std::string path = input_.file("rdsr.dcm");
    synth::save(*synth::buildReport(r), path);
    EXPECT_EQ(pipeline_->ingestFile(path).outcome, IngestOutcome::Updated);
    const StudySummary s = summary();
    EXPECT_EQ(s.source, SourceKind::Rdsr);
    EXPECT_EQ(s.irradiationEvents, 1);
    EXPECT_NEAR(*s.dap_Gym2, 3e-4, 1e-12);
}

} // namespace
} // namespace fa
