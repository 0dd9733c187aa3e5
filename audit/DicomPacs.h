// The PACS of [pacs] over DICOM: C-FIND, then C-MOVE to a receiver of this data folder (or
// [pacs] move_destination), or C-GET on the same association with [pacs] retrieve = get.
#pragma once

#include "audit/PacsGateway.h"
#include "pipeline/Settings.h"

namespace fa {

dicom::PacsAddress pacsAddressOf(const Settings& settings);
// Where C-MOVE sends: [pacs] move_destination, else this data folder's own AE title.
std::string moveDestinationOf(const Settings& settings);

class DicomPacs : public PacsGateway {
public:
    explicit DicomPacs(const Settings& settings) : settings_(settings), client_(pacsAddressOf(settings)) {}

    std::string describe() const override { return pacsAddressOf(settings_).describe(); }
    std::vector<dicom::StudyHit> findStudies(const std::string& fromDate, const std::string& toDate,
                                             const std::vector<std::string>& modalities) override {
        return client_.findStudies(fromDate, toDate, modalities);
    }
    std::vector<dicom::SeriesHit> findSeries(const std::string& studyUid) override { return client_.findSeries(studyUid); }
    std::vector<dicom::InstanceHit> findInstances(const std::string& studyUid, const std::string& seriesUid) override {
        return client_.findInstances(studyUid, seriesUid);
    }
    bool filesWhatItRetrieves() const override { return settings_.pacs.retrieve == "get"; }
    dicom::MoveResult retrieve(const Retrieval& r, Pipeline& pipeline) override;

private:
    dicom::MoveResult getInto(const Retrieval& r, Pipeline& pipeline);

    const Settings& settings_;
    dicom::PacsClient client_;
    int received_ = 0;
};

} // namespace fa
