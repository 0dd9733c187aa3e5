// Reconciliation with the PACS (IHE REM Dose Information Consumer): a query of the period's
// studies (series by series where the PACS ignores Modalities in Study), then the dose objects
// the store lacks, retrieved (C-MOVE to a receiver of this data folder, C-GET, or through
// Orthanc); with [pacs] retrieve_image_headers, the images of studies that have no dose object
// anywhere. The PACS is reached through a PacsGateway.
#pragma once

#include "audit/PacsGateway.h"
#include "audit/RunJournal.h"
#include "pipeline/Pipeline.h"
#include "pipeline/Receiver.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fa {

class Reconciler {
public:
    Reconciler(const Settings& settings, const AuditRequest& request, PacsGateway& pacs, Pipeline& pipeline,
               RunJournal& journal)
        : settings_(settings), request_(request), pacs_(pacs), pipeline_(pipeline), journal_(journal) {}

    void reconcile();
    // Stops the receiver the retrieve needed (if it started one).
    void finish();
    // Studies with XA/RF images and no dose object on the PACS: study UID -> date (YYYY-MM-DD).
    const std::map<std::string, std::string>& noDoseOnPacs() const { return noDoseOnPacs_; }

private:
    void examineStudy(const dicom::StudyHit& study, std::vector<Retrieval>& wanted);
    void ensureReceiver();
    void retrieve(const std::vector<Retrieval>& wanted);
    void waitUntilStored(const std::vector<Retrieval>& sent);
    bool movesToUs() const;
    bool waitForReceiver(const std::function<bool()>& done);
    void countRetrieved(const std::vector<Retrieval>& sent, const std::vector<Retrieval>& missing);
    void retrieveImageHeaders();

    const Settings& settings_;
    const AuditRequest& request_;
    PacsGateway& pacs_;
    Pipeline& pipeline_;
    RunJournal& journal_;
    std::unique_ptr<Receiver> receiver_;
    bool receiverChecked_ = false;
    std::map<std::string, std::string> noDoseOnPacs_;
    std::vector<Retrieval> imageSeries_;
};

} // namespace fa
