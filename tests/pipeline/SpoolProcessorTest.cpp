// Datasets handed over by the associations wait for processing within a bound over all of them:
// a burst of objects cannot make the service hold their trees without limit.
#include "dicom/Spool.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SpoolProcessor.h"
#include "tests/support/TempDir.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdatset.h"

#include <Poco/Logger.h>

#include <gtest/gtest.h>

namespace fa {
namespace {

TEST(SpoolProcessor, HeldDatasetsStayWithinTheirBudgetAndGiveItBackWhenTaken) {
    test::TempDir dir;
    Settings settings;
    settings.dataDir = dir.path().string();
    Pipeline pipeline(settings);
    dicom::Spool spool(dir.file("spool"));
    SpoolProcessor processor(pipeline, spool, settings, Poco::Logger::get("test"));
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

} // namespace
} // namespace fa
