// The nightly audit: reconciles the store with the PACS (query/retrieve of dose objects the store
// lacks), finds studies without dose data, re-evaluates the period, writes the HTML and CSV
// report, mails it, and records the run. Runs inside `serve` and the Orthanc plugin on its
// schedule and as `fluoroaudit audit nightly`.
#pragma once

#include "pipeline/Settings.h"
#include "store/StudyStore.h"

#include <functional>
#include <memory>
#include <string>

namespace fa {

class PacsGateway;

struct AuditRequest {
    std::string from, to;          // YYYY-MM-DD, inclusive
    std::string trigger = "command"; // command or schedule
    bool mail = true;              // send to [mail] to (when any)
    // Progress lines for the operator ("querying PACS ...", "retrieved 3 of 5").
    std::function<void(const std::string&)> progress;
    // Asked between steps: true ends reconciliation early (the service is stopping); the run is
    // then recorded as partial.
    std::function<bool()> cancelled;
    // Run by the service itself: its own listener receives what is moved (no check of status.json,
    // which the service may not have written yet when it makes up a missed run at start).
    bool insideService = false;
    // The PACS to reconcile with; unset: [pacs] over DICOM when it is configured. Inside Orthanc:
    // Orthanc itself, or a modality of its DicomModalities through it.
    std::function<std::unique_ptr<PacsGateway>()> pacs;
};

// Runs one audit. Failures of the PACS, a retrieve or the mail are recorded in the run (outcome
// "partial") and the rest still runs; throws fa::Error only when the run cannot even be recorded
// (store unusable) or another audit of the same data folder is running.
store::AuditRun runNightlyAudit(const Settings& settings, const AuditRequest& request);

} // namespace fa
