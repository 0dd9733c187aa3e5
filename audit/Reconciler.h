// Reconciliation with the PACS (IHE REM Dose Information Consumer): a C-FIND walk of the period's
// studies (series by series where the PACS ignores Modalities in Study), then the dose objects
// the store lacks, retrieved by C-MOVE to a receiver of this data folder or by C-GET; with
// [pacs] retrieve_image_headers, the images of studies that have no dose object anywhere.
#pragma once

#include "audit/RunJournal.h"
#include "dicom/PacsClient.h"
#include "pipeline/Pipeline.h"
#include "pipeline/Receiver.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fa {

dicom::PacsAddress pacsAddressOf(const Settings& settings);

class Reconciler {
public:
    Reconciler(const Settings& settings, const AuditRequest& request, Pipeline& pipeline, RunJournal& journal)
        : settings_(settings), request_(request), pipeline_(pipeline), journal_(journal) {}

    void reconcile();
    // Stops the receiver the retrieve needed (if it started one).
    void finish();
    // Studies with XA/RF images and no dose object on the PACS: study UID -> date (YYYY-MM-DD).
    const std::map<std::string, std::string>& noDoseOnPacs() const { return noDoseOnPacs_; }

private:
    struct Retrieval {
        std::string studyUid, studyDate, seriesUid, sopInstanceUid;
    };

    void examineStudy(dicom::PacsClient& pacs, const dicom::StudyHit& study, std::vector<Retrieval>& wanted);
    void ensureReceiver();
    std::string moveDestination() const;
    void retrieve(dicom::PacsClient& pacs, const std::vector<Retrieval>& wanted);
    dicom::MoveResult getInto(dicom::PacsClient& pacs, const Retrieval& r);
    void waitUntilStored(const std::vector<Retrieval>& sent);
    bool movesToUs() const;
    bool waitForReceiver(const std::function<bool()>& done);
    void countRetrieved(const std::vector<Retrieval>& sent, const std::vector<Retrieval>& missing);
    void retrieveImageHeaders(dicom::PacsClient& pacs);

    const Settings& settings_;
    const AuditRequest& request_;
    Pipeline& pipeline_;
    RunJournal& journal_;
    std::unique_ptr<Receiver> receiver_;
    bool receiverChecked_ = false;
    std::map<std::string, std::string> noDoseOnPacs_;
    std::vector<Retrieval> imageSeries_;
    int received_ = 0;
};

} // namespace fa
