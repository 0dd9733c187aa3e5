// Modality Performed Procedure Step SCP (1.2.840.10008.3.1.2.3.3): the instances a modality
// creates (N-CREATE, IN PROGRESS) and updates (N-SET, up to COMPLETED or DISCONTINUED), each kept
// durably in a folder of the data folder as it stands. A step that becomes COMPLETED is handed
// on (to the spool) as an object to process, once.
#pragma once

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcdatset.h"

#include <memory>
#include <mutex>
#include <string>

namespace fa::dicom {

// DIMSE status codes of the N-services (PS3.7 Annex C; PS3.4 F.7.2).
constexpr Uint16 kMppsSuccess = 0x0000;
constexpr Uint16 kMppsProcessingFailure = 0x0110;
constexpr Uint16 kMppsDuplicateInstance = 0x0111;
constexpr Uint16 kMppsNoSuchInstance = 0x0112;
constexpr Uint16 kMppsInvalidAttributeValue = 0x0106;
constexpr Uint16 kMppsMissingAttribute = 0x0120;
constexpr Uint16 kMppsNoLongerUpdatable = 0xC310;

struct MppsOutcome {
    Uint16 status = kMppsSuccess;
    std::string why;                      // for the log, when not success
    std::unique_ptr<DcmDataset> completed; // N-SET to COMPLETED: the whole step, with its SOP UIDs
};

class MppsInstances {
public:
    explicit MppsInstances(std::string folder); // created as needed
    MppsOutcome create(const std::string& sopInstanceUid, const DcmDataset& attributes);
    MppsOutcome set(const std::string& sopInstanceUid, const DcmDataset& modifications);

private:
    std::string pathOf(const std::string& sopInstanceUid) const;
    // Writes the step durably (flushed file renamed into place); false with `why` when it cannot.
    bool keep(const std::string& sopInstanceUid, DcmDataset& step, std::string& why) const;

    std::string folder_;
    std::mutex mutex_;
};

} // namespace fa::dicom
