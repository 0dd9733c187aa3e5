#include "audit/Reconciler.h"

#include "audit/DicomPacs.h"

#include "core/Error.h"
#include "dicom/DoseSopClasses.h"
#include "dicom/Spool.h"
#include "pipeline/ReceiverStatus.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace fa {

namespace {

std::string compact(const std::string& isoDate) { // YYYY-MM-DD -> YYYYMMDD
    std::string out;
    for (char c : isoDate)
        if (c != '-') out += c;
    return out;
}

std::string iso(const std::string& dicomDate) { // YYYYMMDD -> YYYY-MM-DD
    if (dicomDate.size() != 8) return dicomDate;
    return dicomDate.substr(0, 4) + "-" + dicomDate.substr(4, 2) + "-" + dicomDate.substr(6, 2);
}

bool isImageModality(const std::string& m) { return m == "XA" || m == "RF"; }

} // namespace

void Reconciler::finish() {
    if (!receiver_) return;
    receiver_->stop();
    receiver_.reset();
}

void Reconciler::reconcile() {
    const std::string from = compact(journal_.run.periodFrom), to = compact(journal_.run.periodTo);
    std::vector<dicom::StudyHit> studies;
    try {
        journal_.say("querying " + journal_.run.pacs + " for studies with XA, RF or SR dated " + journal_.period());
        studies = pacs_.findStudies(from, to, {"XA", "RF", "SR"});
    } catch (const Error& e) {
        journal_.error(std::string("reconciliation skipped: ") + e.what());
        return;
    }
    // A PACS that ignores Modalities in Study answers every study of the period, without the
    // key or with other modalities: those studies are looked at series by series.
    std::size_t ignored = 0;
    for (const auto& s : studies)
        if (s.modalities.empty() || std::none_of(s.modalities.begin(), s.modalities.end(), [](const std::string& m) {
                return isImageModality(m) || m == "SR";
            }))
            ++ignored;
    if (ignored)
        journal_.say(journal_.run.pacs + " did not match Modalities in Study for " + std::to_string(ignored) +
            " stud" + (ignored == 1 ? "y" : "ies") + ": checking their series");
    journal_.run.pacsStudies = 0;
    std::vector<Retrieval> wanted;
    std::size_t done = 0;
    for (const auto& study : studies) {
        if (journal_.cancelled()) return;
        ++done;
        try {
            examineStudy(study, wanted);
        } catch (const Error& e) {
            journal_.error("study " + study.studyUid + ": " + e.what());
        }
        if (done % 50 == 0 || done == studies.size())
            journal_.say("examined " + std::to_string(done) + " of " + std::to_string(studies.size()) + " stud" +
                (studies.size() == 1 ? "y" : "ies") + " on the PACS");
    }
    journal_.say(std::to_string(journal_.run.pacsStudies) + " fluoroscopy stud" + (journal_.run.pacsStudies == 1 ? "y" : "ies") + ", " +
        std::to_string(journal_.run.pacsDoseObjects) + " dose object(s) on the PACS; " + std::to_string(wanted.size()) +
        " to retrieve");
    if (!wanted.empty()) retrieve(wanted);
    if (!imageSeries_.empty()) retrieveImageHeaders();
}

void Reconciler::examineStudy(const dicom::StudyHit& study, std::vector<Retrieval>& wanted) {
    const auto series = pacs_.findSeries(study.studyUid);
    bool hasImages = false, hasDose = false;
    std::vector<std::string> imageSeries;
    for (const auto& s : series) {
        if (isImageModality(s.modality)) {
            hasImages = true;
            imageSeries.push_back(s.seriesUid);
        }
    }
    bool relevant = hasImages;
    auto& store = pipeline_.store();
    for (const auto& s : series) {
        if (s.modality != "SR") continue;
        for (const auto& instance : pacs_.findInstances(study.studyUid, s.seriesUid)) {
            if (!dicom::isDoseReportSopClass(instance.sopClassUid)) continue;
            relevant = true;
            if (store.hasObject(study.studyUid, instance.sopInstanceUid)) {
                hasDose = true;
                ++journal_.run.pacsDoseObjects;
                continue;
            }
            if (store.reconcileSkipped(study.studyUid, instance.sopInstanceUid)) continue; // no dose content
            ++journal_.run.pacsDoseObjects;
            wanted.push_back({study.studyUid, iso(study.studyDate), s.seriesUid, instance.sopInstanceUid});
            hasDose = true; // to be retrieved; checked again after retrieval
        }
    }
    if (!relevant) return;
    ++journal_.run.pacsStudies;
    if (hasImages && !hasDose) {
        noDoseOnPacs_[study.studyUid] = iso(study.studyDate);
        if (settings_.pacs.retrieveImageHeaders) {
            const auto stored = store.study(study.studyUid);
            if (!stored) // nothing of it stored yet: its image headers give shots and times
                for (const auto& uid : imageSeries) imageSeries_.push_back({study.studyUid, iso(study.studyDate), uid, ""});
        }
    }
}

// Where moved objects arrive: the running service of this data folder, or a listener of our own.
void Reconciler::ensureReceiver() {
    if (receiverChecked_) return;
    receiverChecked_ = true;
    if (!movesToUs()) {
        journal_.say("retrieving to " + settings_.pacs.moveDestination + " ([pacs] move_destination)");
        return;
    }
    if (request_.insideService) {
        journal_.say("retrieving into this service (" + settings_.listener.aeTitle + ")");
        return;
    }
    const ServiceStatus status = readStatus(settings_);
    if (status.running) {
        journal_.say("retrieving into the running service (" + settings_.listener.aeTitle + ", pid " +
            std::to_string(status.pid) + ")");
        return;
    }
    journal_.say("no service running on this data folder: receiving as " + settings_.listener.aeTitle + " on port " +
        std::to_string(settings_.listener.port) + " for the retrieve");
    receiver_ = std::make_unique<Receiver>(settings_);
    receiver_->start();
}

void Reconciler::retrieve(const std::vector<Retrieval>& wanted) {
    if (!pacs_.filesWhatItRetrieves()) {
        try {
            ensureReceiver();
        } catch (const Error& e) {
            journal_.error(std::string("cannot receive retrieved objects: ") + e.what());
            return;
        }
    }
    std::vector<Retrieval> sent;
    std::size_t n = 0;
    for (const auto& r : wanted) {
        if (journal_.cancelled()) break;
        ++n;
        try {
            const auto result = pacs_.retrieve(r, pipeline_);
            if (result.completed > 0) sent.push_back(r);
            else {
                ++journal_.run.retrieveFailed;
                std::string why = result.errors.empty() ? "the PACS sent nothing" : result.errors.front();
                journal_.finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": " + why);
                journal_.error("retrieve of " + r.sopInstanceUid + " (study " + r.studyUid + ") failed: " + why);
            }
        } catch (const Error& e) {
            ++journal_.run.retrieveFailed;
            journal_.finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": " + e.what());
            journal_.error("retrieve of " + r.sopInstanceUid + " (study " + r.studyUid + ") failed: " + e.what());
        }
        if (n % 20 == 0 || n == wanted.size())
            journal_.say("retrieved " + std::to_string(n) + " of " + std::to_string(wanted.size()) + " object(s)");
    }
    waitUntilStored(sent);
}

// Moved objects reach the store through the receiving service's spool: wait until each is
// stored, or our spool has nothing left to process (then what is missing had no dose content).
// A gateway that files what it retrieves (C-GET, Orthanc) stored them before it returned.
void Reconciler::waitUntilStored(const std::vector<Retrieval>& sent) {
    auto& store = pipeline_.store();
    std::vector<Retrieval> missing = sent;
    auto dropStored = [&] {
        missing.erase(std::remove_if(missing.begin(), missing.end(),
                                     [&](const Retrieval& r) { return store.hasObject(r.studyUid, r.sopInstanceUid); }),
                      missing.end());
    };
    dropStored();
    if (!pacs_.filesWhatItRetrieves() && !missing.empty() && !waitForReceiver([&] {
            dropStored();
            return missing.empty();
        })) {
        journal_.error(std::to_string(missing.size()) + " retrieved object(s) not stored " +
              std::to_string(settings_.pacs.waitForRetrieved_s) + " s after the retrieve (is " + moveDestinationOf(settings_) +
              " processing? see its log)");
        for (const auto& r : missing)
            journal_.finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": not stored in time");
        journal_.run.retrieveFailed += static_cast<int>(missing.size());
        countRetrieved(sent, missing);
        return;
    }
    for (const auto& r : missing) {
        store.addReconcileSkipped(r.studyUid, r.sopInstanceUid, "retrieved; carries no dose content");
        journal_.finding("no-dose-content", r.studyUid, r.studyDate, r.sopInstanceUid + ": retrieved, but it carries no dose content");
    }
    countRetrieved(sent, missing);
}

bool Reconciler::movesToUs() const {
    return settings_.pacs.moveDestination.empty() || settings_.pacs.moveDestination == settings_.listener.aeTitle;
}

// Waits until `done` or, when moved objects come to our own AE, until our spool is empty (looked
// at twice: the last object may be committed between two checks). False when the wait timed out
// or the run was cancelled.
bool Reconciler::waitForReceiver(const std::function<bool()>& done) {
    const bool ourSpool = movesToUs();
    dicom::Spool spool(settings_.spoolDir());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(settings_.pacs.waitForRetrieved_s);
    while (!done()) {
        if (ourSpool && spool.pending().empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            if (spool.pending().empty()) {
                done();
                return true;
            }
        }
        if (std::chrono::steady_clock::now() > deadline || journal_.cancelled()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
}

void Reconciler::countRetrieved(const std::vector<Retrieval>& sent, const std::vector<Retrieval>& missing) {
    for (const auto& r : sent) {
        const bool lost = std::any_of(missing.begin(), missing.end(),
                                      [&](const Retrieval& m) { return m.sopInstanceUid == r.sopInstanceUid; });
        if (lost) continue;
        ++journal_.run.retrieved;
        journal_.finding("retrieved", r.studyUid, r.studyDate, r.sopInstanceUid);
    }
}

void Reconciler::retrieveImageHeaders() {
    journal_.say("retrieving the images of " + std::to_string(imageSeries_.size()) +
        " series without dose object for their headers ([pacs] retrieve_image_headers)");
    const bool files = pacs_.filesWhatItRetrieves();
    for (const auto& s : imageSeries_) {
        if (journal_.cancelled()) return;
        try {
            if (!files) ensureReceiver();
            pacs_.retrieve(s, pipeline_);
        } catch (const Error& e) {
            journal_.error("retrieve of the images of study " + s.studyUid + " failed: " + e.what());
        }
    }
    // The receiving side works through them (how many there are, only the PACS knows).
    if (!files && movesToUs() && !waitForReceiver([] { return false; }))
        journal_.error("the retrieved images were not all processed " + std::to_string(settings_.pacs.waitForRetrieved_s) +
              " s after the retrieve");
}

} // namespace fa
