// Modality Performed Procedure Step SCP (1.2.840.10008.3.1.2.3.3): the instances a modality
// creates (N-CREATE, IN PROGRESS) and updates (N-SET, up to COMPLETED or DISCONTINUED), each kept
// durably in a folder of the data folder as it stands. A step that becomes COMPLETED is handed
// on (to the spool) as an object to process, once.
//
// What a modality sends is received into a file, unparsed, and looked at (dicom/Prescan.h) before
// DCMTK builds any of it: an object beyond the limits is refused. Top-level sequences larger than
// 64 KB (an Exposure Dose Sequence of many exposures) are never built as a DCMTK tree: they are
// carried over from the received file to the stored step as bytes, in the encoding they came in,
// so that memory and time stay in proportion to the object's size.
#pragma once

#include "dicom/Prescan.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctypes.h"

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
constexpr Uint16 kMppsClassInstanceConflict = 0x0119;
constexpr Uint16 kMppsSopClassNotSupported = 0x0122;
constexpr Uint16 kMppsResourceLimitation = 0x0213;
constexpr Uint16 kMppsNoLongerUpdatable = 0xC310;

struct MppsOutcome {
    Uint16 status = kMppsSuccess;
    std::string why;       // for the log, when not success
    std::string completed; // N-SET to COMPLETED: the file of the whole step, with its SOP UIDs
};

class MppsInstances {
public:
    // `folder` is created as needed; `limits` are those of every received object.
    explicit MppsInstances(std::string folder, PrescanLimits limits = {});
    // `received`: the N-CREATE attributes or N-SET modification list as received, a Part 10 file
    // in the transfer syntax it came in. It is only read.
    MppsOutcome create(const std::string& sopInstanceUid, const std::string& received);
    MppsOutcome set(const std::string& sopInstanceUid, const std::string& received);

private:
    std::string pathOf(const std::string& sopInstanceUid) const;

    std::string folder_;
    PrescanLimits limits_;
    std::mutex mutex_;
};

} // namespace fa::dicom
