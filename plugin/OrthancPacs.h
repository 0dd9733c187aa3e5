// The PACS of the nightly audit inside Orthanc, through Orthanc's REST API: Orthanc itself (what
// it holds: studies with XA/RF images and no dose object, dose objects the store lacks), or a
// modality of its DicomModalities ("FluoroAudit": {"PacsModality": NAME}), queried by Orthanc's
// C-FIND and moved into Orthanc. Either way what it retrieves is read back from Orthanc and filed
// before retrieve() returns.
#pragma once

#include "audit/PacsGateway.h"

#include <map>
#include <string>

struct _OrthancPluginContext_t;

namespace fa::plugin {

class OrthancPacs : public PacsGateway {
public:
    // `modality`: a name of Orthanc's DicomModalities, or "" for Orthanc itself.
    OrthancPacs(_OrthancPluginContext_t* context, std::string modality);

    std::string describe() const override { return description_; }
    std::vector<dicom::StudyHit> findStudies(const std::string& fromDate, const std::string& toDate,
                                             const std::vector<std::string>& modalities) override;
    std::vector<dicom::SeriesHit> findSeries(const std::string& studyUid) override;
    std::vector<dicom::InstanceHit> findInstances(const std::string& studyUid, const std::string& seriesUid) override;
    bool filesWhatItRetrieves() const override { return true; }
    dicom::MoveResult retrieve(const Retrieval& r, Pipeline& pipeline) override;

private:
    std::string get(const std::string& uri) const;
    std::string post(const std::string& uri, const std::string& body) const;
    // A C-FIND of the modality through Orthanc: the answers, each as tag name -> value.
    std::vector<std::map<std::string, std::string>> query(const std::string& level,
                                                          const std::map<std::string, std::string>& keys) const;
    // The series of a study Orthanc holds (its Orthanc ID).
    std::vector<dicom::SeriesHit> seriesOfStudy(const std::string& orthancId) const;
    // The Orthanc ID of the resource with that DICOM UID, "" when Orthanc does not hold it.
    std::string lookup(const std::string& uid, const std::string& type) const;
    // Files the instances of Orthanc (IDs) into the store.
    dicom::MoveResult file(const std::vector<std::string>& instanceIds, Pipeline& pipeline) const;

    _OrthancPluginContext_t* context_;
    std::string modality_;
    std::string ownAet_;
    std::string description_;
    std::map<std::string, std::vector<dicom::SeriesHit>> series_; // Orthanc itself: by study UID, from findStudies
};

} // namespace fa::plugin
