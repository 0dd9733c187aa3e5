// What the reconciliation asks of the PACS, whichever way it is reached: over DICOM from `serve`
// and the command line (audit/DicomPacs), through Orthanc's REST API from inside Orthanc
// (plugin/OrthancPacs: Orthanc itself, or a modality of its DicomModalities).
#pragma once

#include "dicom/PacsClient.h"

#include <string>
#include <vector>

namespace fa {

class Pipeline;

// One dose object to bring into the store, or a series of images when sopInstanceUid is "".
struct Retrieval {
    std::string studyUid, studyDate, seriesUid, sopInstanceUid;
};

class PacsGateway {
public:
    virtual ~PacsGateway() = default;

    // How the run names the PACS, e.g. "PACS@10.0.0.5:104" or "Orthanc ORTHANC (this server)".
    virtual std::string describe() const = 0;
    // Studies dated fromDate..toDate (YYYYMMDD) with one of `modalities` (the PACS may ignore the
    // key and answer every study); throws fa::Error naming the PACS when the query fails.
    virtual std::vector<dicom::StudyHit> findStudies(const std::string& fromDate, const std::string& toDate,
                                                     const std::vector<std::string>& modalities) = 0;
    virtual std::vector<dicom::SeriesHit> findSeries(const std::string& studyUid) = 0;
    virtual std::vector<dicom::InstanceHit> findInstances(const std::string& studyUid, const std::string& seriesUid) = 0;

    // Whether retrieve() has filed what it brought before it returns (C-GET; Orthanc). Otherwise
    // it only asked the PACS to send (C-MOVE) and the reconciliation waits for the receiver.
    virtual bool filesWhatItRetrieves() const = 0;
    // Retrieves one object, or a series; `pipeline` files it when filesWhatItRetrieves(). errors
    // of the result say why objects were refused; throws fa::Error when the PACS fails.
    virtual dicom::MoveResult retrieve(const Retrieval& r, Pipeline& pipeline) = 0;
};

} // namespace fa
