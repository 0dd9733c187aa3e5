// libFuzzer: an object's bytes through the pre-scan, DCMTK's parser, every extractor (RDSR, vendor
// summary, image headers), the value bounds and the study summary.
#include "core/Error.h"
#include "core/StudySummary.h"
#include "dicom/DcmtkLog.h"
#include "dicom/ObjectExtractor.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool quiet = (fa::dicom::quietDcmtkLog(), true);
    (void)quiet;
    try {
        auto x = fa::dicom::extractBuffer(data, size, "fuzz input", {});
        if (x.hasDoseContent) fa::summarize({x.object});
    } catch (const fa::Error&) {
        // Refused with a reason: what is expected of most inputs.
    }
    return 0;
}
