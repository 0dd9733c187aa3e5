// Re-sends of generated DICOM reports through the whole pipeline: extraction, archive and store.
#include "core/Error.h"
#include "pipeline/Pipeline.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcostrmb.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fa {
namespace {

class PipelineResend : public ::testing::Test {
protected:
    PipelineResend() {
        Settings s;
        s.dataDir = data_.path().string();
        test::placeStore(s.store, data_);
        pipeline_ = std::make_unique<Pipeline>(s);
        study_ = synth::newUid();
        for (const char* name : {"a", "b", "c", "d"}) uids_[name] = synth::newUid();
    }

    // A report of `study_` listing the named events, written to its own file.
    std::string report(const std::vector<std::string>& events, const std::string& sopUid = synth::newUid()) {
        synth::Report r;
        r.studyUid = study_;
        r.sopUid = sopUid;
        for (const auto& name : events) {
            synth::Event e;
            e.uid = uids_.at(name);
            e.duration_s = 0.75;
            e.dap_Gym2 = 1e-5;
            r.events.push_back(e);
        }
        const std::string path = input_.file(sopUid + ".dcm");
        synth::save(*synth::buildReport(r), path);
        return path;
    }

    StudySummary summary() { return pipeline_->store().study(study_).value().summary; }

    test::TempDir data_, input_;
    std::unique_ptr<Pipeline> pipeline_;
    std::string study_;
    std::map<std::string, std::string> uids_;
};

TEST_F(PipelineResend, CumulativeRestartedAndIdenticalResends) {
    EXPECT_EQ(pipeline_->ingestFile(report({"a", "b"})).outcome, IngestOutcome::Created);
    EXPECT_EQ(summary().irradiationEvents, 2);

    EXPECT_EQ(pipeline_->ingestFile(report({"a", "b", "c"})).outcome, IngestOutcome::Updated); // cumulative
    EXPECT_EQ(summary().irradiationEvents, 3);
    EXPECT_DOUBLE_EQ(*summary().fluoroTime_s, 2.25);

    const std::string restarted = report({"d"}, "1.2.826.0.1.3680043.10.777.1");
    pipeline_->ingestFile(restarted); // a restarted session: disjoint
    EXPECT_EQ(summary().irradiationEvents, 4);
    EXPECT_DOUBLE_EQ(*summary().fluoroTime_s, 3.0);
    EXPECT_NEAR(*summary().dap_Gym2, 4e-5, 1e-15);

    pipeline_->ingestFile(report({"d"})); // the same content under a new SOP Instance UID
    EXPECT_EQ(summary().irradiationEvents, 4);
    EXPECT_DOUBLE_EQ(*summary().fluoroTime_s, 3.0);

    EXPECT_EQ(pipeline_->ingestFile(restarted).outcome, IngestOutcome::Duplicate); // the same file again
    EXPECT_EQ(pipeline_->store().study(study_)->objectCount, 4); // the duplicate is not stored again
    EXPECT_EQ(summary().countedObjects.size(), 2u); // the superset and the newer copy of the restart
}

TEST_F(PipelineResend, DoseReportsAreKeptForReprocessing) {
    const std::string path = report({"a"}, "1.2.826.0.1.3680043.10.777.2");
    pipeline_->ingestFile(path);
    const auto kept = data_.path() / "archive" / "2026-03-01" / (study_ + "_1.2.826.0.1.3680043.10.777.2.dcm");
    EXPECT_TRUE(std::filesystem::exists(kept));
    EXPECT_EQ(std::filesystem::file_size(kept), std::filesystem::file_size(path));
}

TEST_F(PipelineResend, AFileThatFailsLeavesNothing) {
    const std::string path = report({"a"});
    std::filesystem::resize_file(path, 300);
    EXPECT_THROW(pipeline_->ingestFile(path), Error);
    EXPECT_FALSE(pipeline_->store().study(study_).has_value());
    EXPECT_FALSE(std::filesystem::exists(data_.path() / "archive"));
}

// A report as bytes in memory, as a PACS hands its plugin what it stores: no file is ever written.
std::string inMemory(DcmFileFormat& file) {
    file.validateMetaInfo(EXS_LittleEndianExplicit);
    std::string bytes(4 << 20, '\0');
    DcmOutputBufferStream out(bytes.data(), static_cast<offile_off_t>(bytes.size()));
    file.transferInit();
    EXPECT_TRUE(file.write(out, EXS_LittleEndianExplicit, EET_ExplicitLength, nullptr).good());
    file.transferEnd();
    void* written = nullptr;
    offile_off_t length = 0;
    out.flushBuffer(written, length);
    bytes.resize(static_cast<std::size_t>(length));
    return bytes;
}

TEST_F(PipelineResend, ABufferIsIngestedWithNoFileOnDisk) {
    synth::Report r;
    r.studyUid = study_;
    r.sopUid = "1.2.826.0.1.3680043.10.777.3";
    for (const char* name : {"a", "b"}) {
        synth::Event e;
        e.uid = uids_.at(name);
        e.duration_s = 0.75;
        e.dap_Gym2 = 1e-5;
        r.events.push_back(e);
    }
    const std::string bytes = inMemory(*synth::buildReport(r));
    ObjectSource source;
    source.origin = "instance 42 of the PACS";
    const auto result = pipeline_->ingestBuffer(bytes.data(), bytes.size(), source);
    EXPECT_EQ(result.outcome, IngestOutcome::Created);
    EXPECT_EQ(result.studyUid, study_);
    EXPECT_EQ(summary().irradiationEvents, 2);
    EXPECT_DOUBLE_EQ(*summary().fluoroTime_s, 1.5);
    EXPECT_NEAR(*summary().dap_Gym2, 2e-5, 1e-15);
    // The bytes are what is kept for re-processing, and re-processing reads them back.
    const auto kept = data_.path() / "archive" / "2026-03-01" / (study_ + "_" + r.sopUid + ".dcm");
    ASSERT_TRUE(std::filesystem::exists(kept));
    EXPECT_EQ(std::filesystem::file_size(kept), bytes.size());
    const auto files = pipeline_->store().keptFiles();
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].filePath, kept.string());
    pipeline_->reprocess(files[0]);
    EXPECT_EQ(summary().irradiationEvents, 2);
    EXPECT_EQ(pipeline_->ingestBuffer(bytes.data(), bytes.size(), source).outcome, IngestOutcome::Duplicate);
}

TEST_F(PipelineResend, ABufferThatIsNoDicomIsRefusedWithItsOrigin) {
    const std::string garbage(1000, 'x');
    ObjectSource source;
    source.origin = "instance 43 of the PACS";
    try {
        pipeline_->ingestBuffer(garbage.data(), garbage.size(), source);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("instance 43 of the PACS: not a readable DICOM object", 0), 0u) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(data_.path() / "archive"));
}

} // namespace
} // namespace fa

namespace fa {
namespace {

// What an older extractor stored for a report (no events, wrong totals) is replaced from the kept
// file, and the study recomputed.
TEST(PipelineReprocess, ReExtractsKeptFilesAndRecomputesTheirStudies) {
    test::TempDir data, input;
    Settings settings;
    settings.dataDir = data.path().string();
    test::placeStore(settings.store, data);
    Pipeline pipeline(settings);
    synth::Report r;
    for (int i = 0; i < 3; ++i) {
        synth::Event e;
        e.uid = synth::newUid();
        e.duration_s = 0.75;
        r.events.push_back(e);
    }
    const std::string path = input.file("report.dcm");
    synth::save(*synth::buildReport(r), path);

    DoseObject old;
    old.sopInstanceUid = r.sopUid;
    old.sopClassUid = "1.2.840.10008.5.1.4.1.1.88.67";
    old.study.studyUid = r.studyUid;
    PlaneTotals wrong;
    wrong.fluoroTime_s = 99;
    old.planes = {wrong};
    pipeline.store().add(old, store::ObjectMeta{"", path, "2026-01-01T00:00:00Z", false});
    ASSERT_DOUBLE_EQ(*pipeline.store().study(r.studyUid)->summary.fluoroTime_s, 99);

    const auto kept = pipeline.store().keptFiles();
    ASSERT_EQ(kept.size(), 1u);
    pipeline.reprocess(kept[0]);
    const auto study = pipeline.store().study(r.studyUid);
    EXPECT_EQ(study->summary.irradiationEvents, 3);
    EXPECT_DOUBLE_EQ(*study->summary.fluoroTime_s, 2.25);
    EXPECT_EQ(pipeline.store().objectsOf(r.studyUid).at(0).events.size(), 3u);
    EXPECT_EQ(study->device.station, "CARM1");

    std::filesystem::remove(path);
    EXPECT_THROW(pipeline.reprocess(kept[0]), Error);
    EXPECT_EQ(pipeline.store().study(r.studyUid)->summary.irradiationEvents, 3); // unchanged
}

} // namespace
} // namespace fa
