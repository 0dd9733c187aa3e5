// Query/retrieve against a PACS (study root): C-FIND at study, series and instance level, and
// C-MOVE to an AE the PACS knows. For the nightly reconciliation (IHE REM: Dose Information Consumer).
#pragma once

#include "dicom/Tls.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

class DcmDataset;

namespace fa::dicom {

struct PacsAddress {
    std::string aeTitle;
    std::string host;
    std::uint16_t port = 104;
    std::string callingAeTitle = "FLUOROAUDIT";
    int timeout_s = 30;
    std::optional<TlsFiles> tls; // DICOM over TLS, the PACS's certificate verified

    std::string describe() const; // "PACS@10.0.0.5:104", "PACS@10.0.0.5:2762 (TLS)"
};

struct StudyHit {
    std::string studyUid;
    std::string studyDate; // YYYYMMDD as the PACS answers
    std::vector<std::string> modalities;
    std::string description;
};

struct SeriesHit {
    std::string seriesUid;
    std::string modality;
};

struct InstanceHit {
    std::string sopInstanceUid;
    std::string sopClassUid;
};

struct MoveResult {
    int completed = 0;
    int failed = 0;
    int warnings = 0;
    std::vector<std::string> errors; // C-GET: why received objects were refused
};

class PacsClient {
public:
    explicit PacsClient(PacsAddress pacs);

    // Studies dated fromDate..toDate (YYYYMMDD) whose Modalities in Study include one of
    // `modalities` (an empty list: all). Throws fa::Error naming the PACS when it refuses, does not
    // answer in time or fails the query.
    std::vector<StudyHit> findStudies(const std::string& fromDate, const std::string& toDate,
                                      const std::vector<std::string>& modalities);
    std::vector<SeriesHit> findSeries(const std::string& studyUid);
    std::vector<InstanceHit> findInstances(const std::string& studyUid, const std::string& seriesUid);

    // Asks the PACS to send one instance to `destinationAe`.
    MoveResult moveInstance(const std::string& studyUid, const std::string& seriesUid, const std::string& sopInstanceUid,
                            const std::string& destinationAe);
    // Asks the PACS to send a whole series (images for their headers).
    MoveResult moveSeries(const std::string& studyUid, const std::string& seriesUid, const std::string& destinationAe);
    // C-GET of one instance (or of a series when `sopInstanceUid` is ""), received on this
    // association: `sopClasses` are offered for the objects, each handed to `onObject`, which
    // returns "" when it took the object or why not (the PACS is then told it was refused).
    MoveResult get(const std::string& studyUid, const std::string& seriesUid, const std::string& sopInstanceUid,
                   const std::vector<std::string>& sopClasses, const std::function<std::string(DcmDataset&)>& onObject);

private:
    PacsAddress pacs_;
};

} // namespace fa::dicom
