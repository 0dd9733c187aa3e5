// Datasets handed over by the associations wait for processing within a bound over all of them:
// a burst of objects cannot make the service hold their trees without limit.
#include "dicom/Spool.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SpoolProcessor.h"
#include "tests/support/Run.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestStore.h"
#include "tests/synth/Synth.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdatset.h"

#include <Poco/Logger.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace fa {
namespace {

// A spool processor over a pipeline and spool of their own.
struct Processing {
    Processing() {
        settings.dataDir = dir.path().string();
        test::placeStore(settings.store, dir);
        pipeline = std::make_unique<Pipeline>(settings);
        spool = std::make_unique<dicom::Spool>(dir.file("spool"));
        processor = std::make_unique<SpoolProcessor>(*pipeline, *spool, settings, Poco::Logger::get("test"));
    }
    test::TempDir dir;
    Settings settings;
    std::unique_ptr<Pipeline> pipeline;
    std::unique_ptr<dicom::Spool> spool;
    std::unique_ptr<SpoolProcessor> processor;
};

TEST(SpoolProcessor, HeldDatasetsStayWithinTheirBudgetAndGiveItBackWhenTaken) {
    Processing p;
    SpoolProcessor& processor = *p.processor;
    const std::size_t third = SpoolProcessor::kMaxHeldBytes / 3;
    processor.offer("a.dcm", std::make_unique<DcmDataset>(), third);
    processor.offer("b.dcm", std::make_unique<DcmDataset>(), third);
    processor.offer("c.dcm", std::make_unique<DcmDataset>(), third);
    EXPECT_EQ(processor.heldBytes(), 3 * third);
    processor.offer("d.dcm", std::make_unique<DcmDataset>(), third); // beyond the budget: read from disk later
    EXPECT_EQ(processor.heldBytes(), 3 * third);
    processor.withdraw("b.dcm");
    EXPECT_EQ(processor.heldBytes(), 2 * third);
    processor.offer("d.dcm", std::make_unique<DcmDataset>(), third);
    EXPECT_EQ(processor.heldBytes(), 3 * third);
    processor.offer("e.dcm", std::make_unique<DcmDataset>(), SpoolProcessor::kMaxHeldBytes + 1);
    EXPECT_EQ(processor.heldBytes(), 3 * third);
}

// Spooled reports of `studies` new studies, as the listener leaves them.
void spoolReports(dicom::Spool& spool, int studies) {
    for (int i = 0; i < studies; ++i) {
        synth::Report r;
        synth::Event e;
        e.uid = synth::newUid();
        r.events.push_back(e);
        const std::string partial = spool.reserve();
        synth::save(*synth::buildReport(r), partial);
        spool.commit(partial, "CARM1");
    }
}

// While objects arrive (durable in the spool), filing waits, so that receiving has the machine to
// itself; it files them at the end of each window while receiving goes on, and at once when it stops.
TEST(SpoolProcessor, FilingWaitsWhileObjectsArriveForAWindowAndFilesAtOnceWhenTheyStop) {
    Processing p;
    SpoolProcessor& processor = *p.processor;
    dicom::Spool& spool = *p.spool;
    Pipeline& pipeline = *p.pipeline;
    std::atomic<bool> receiving{true};
    constexpr auto kWindow = std::chrono::milliseconds(1500);
    processor.deferWhile([&] { return receiving.load(); }, kWindow);
    spoolReports(spool, 3);
    const auto start = std::chrono::steady_clock::now();
    std::thread run([&] { processor.runUntilStopped(); });
    EXPECT_TRUE(test::waitFor([&] { return !processor.wouldHold(100); }, 10)) << "datasets are not parsed for a filing that waits";
    ASSERT_TRUE(test::waitFor([&] { return spool.pending().empty(); }, 30));
    EXPECT_GE(std::chrono::steady_clock::now() - start, kWindow) << "filed before the window ended";
    EXPECT_EQ(pipeline.store().countStudies({}), 3u);

    receiving = false;
    spoolReports(spool, 2);
    processor.notify();
    ASSERT_TRUE(test::waitFor([&] { return spool.pending().empty(); }, 30));
    EXPECT_EQ(pipeline.store().countStudies({}), 5u);
    EXPECT_TRUE(processor.wouldHold(100));
    processor.stop();
    run.join();
}

// Commits from many associations at once (made durable in shared flushes) each end up in the
// spool whole, under their own name, with nothing left in incoming/.
TEST(Spool, ConcurrentCommitsAreEachKeptWholeUnderTheirOwnName) {
    test::TempDir dir;
    dicom::Spool spool(dir.file("spool"));
    constexpr int kThreads = 8, kEach = 40;
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::map<std::string, std::pair<std::string, std::string>> committed; // spooled name -> (content, AE)
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                const std::string partial = spool.reserve();
                const std::string content = "object " + std::to_string(t) + "/" + std::to_string(i);
                std::ofstream(partial) << content;
                const std::string ae = "CARM-" + std::to_string(t);
                const std::string spooled = spool.commit(partial, ae);
                std::lock_guard<std::mutex> lock(mutex);
                committed[spooled] = {content, ae};
            }
        });
    for (auto& t : threads) t.join();
    ASSERT_EQ(committed.size(), static_cast<std::size_t>(kThreads * kEach));
    EXPECT_EQ(spool.pending().size(), committed.size());
    for (const auto& [spooled, written] : committed) {
        std::ifstream in(spooled);
        std::string read((std::istreambuf_iterator<char>(in)), {});
        EXPECT_EQ(read, written.first) << spooled;
        EXPECT_EQ(dicom::Spool::callingAeOf(spooled), written.second) << spooled;
    }
    EXPECT_EQ(spool.clearIncoming(), 0u);
}

} // namespace
} // namespace fa
