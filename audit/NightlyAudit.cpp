#include "audit/NightlyAudit.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "dicom/DoseSopClasses.h"
#include "dicom/PacsClient.h"
#include "dicom/Spool.h"
#include "audit/AuditReport.h"
#include "present/DrlAudit.h"
#include "audit/Mailer.h"
#include "pipeline/Pipeline.h"
#include "pipeline/Receiver.h"
#include "service/Service.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcuid.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

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

// One audit at a time per data folder: an exclusive lock held for the run.
class RunLock {
public:
    explicit RunLock(const std::string& path) {
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw Error("another audit of this data folder is running (it holds " + path + "); try again when it ends");
        }
    }
    ~RunLock() {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }

private:
    int fd_ = -1;
};

struct Retrieval {
    std::string studyUid, studyDate, seriesUid, sopInstanceUid;
};

class Audit {
public:
    Audit(const Settings& settings, const AuditRequest& request)
        : settings_(settings), request_(request), log_(Poco::Logger::get("audit")) {}

    store::AuditRun run() {
        fs::create_directories(settings_.dataDir);
        RunLock lock(settings_.dataDir + "/audit.lock");
        pipeline_ = std::make_unique<Pipeline>(settings_);
        auto& store = pipeline_->store();
        if (const auto n = store.closeAbandonedAuditRuns("the run stopped before it finished (its process ended)"))
            log_.warning("closed %?d audit run(s) left running by a process that ended", n);
        const auto previous = store.auditRuns(1);
        run_.trigger = request_.trigger;
        run_.periodFrom = request_.from;
        run_.periodTo = request_.to;
        run_.pacs = settings_.pacs.configured() ? pacsAddress().describe() : "";
        store.beginAuditRun(run_);
        say("audit run " + std::to_string(run_.id) + ": studies dated " + period());
        try {
            if (settings_.pacs.configured()) reconcile();
            else say("no PACS configured ([pacs] ae_title): reporting on what the store has");
            findMissingDoseInStore();
            const auto n = store.reevaluate(store::StudyFilter::between(run_.periodFrom, run_.periodTo));
            say("re-evaluated " + std::to_string(n) + " stud" + (n == 1 ? "y" : "ies") + " of the period");
            // New flags: first raised since the previous run ended (at the same second: in both reports).
            std::string since;
            if (!previous.empty()) since = previous.front().finishedAt.empty() ? previous.front().startedAt
                                                                               : previous.front().finishedAt;
            report(since);
            run_.outcome = run_.errors.empty() ? "ok" : "partial";
        } catch (const std::exception& e) {
            run_.errors.push_back(e.what());
            run_.outcome = "failed";
        }
        run_.finishedAt = nowUtc();
        store.finishAuditRun(run_, findings_);
        (run_.outcome == "ok" ? log_.information("audit run %?d: %s", run_.id, run_.outcome)
                              : log_.warning("audit run %?d: %s (%s)", run_.id, run_.outcome, run_.errors.front()));
        return run_;
    }

private:
    std::string period() const {
        return run_.periodFrom == run_.periodTo ? run_.periodFrom : run_.periodFrom + " to " + run_.periodTo;
    }

    // Once asked and true, records why the run ends early.
    bool cancelled() {
        if (!cancelled_ && request_.cancelled && request_.cancelled()) {
            cancelled_ = true;
            error("the service is stopping: reconciliation ended early");
        }
        return cancelled_;
    }

    void say(const std::string& line) {
        log_.information(line);
        if (request_.progress) request_.progress(line);
    }

    void error(const std::string& what) {
        log_.error(what);
        if (request_.progress) request_.progress("error: " + what);
        run_.errors.push_back(what);
    }

    dicom::PacsAddress pacsAddress() const {
        dicom::PacsAddress a;
        a.aeTitle = settings_.pacs.aeTitle;
        a.host = settings_.pacs.host;
        a.port = settings_.pacs.port;
        a.callingAeTitle = settings_.listener.aeTitle;
        a.timeout_s = settings_.pacs.timeout_s;
        return a;
    }

    void finding(const std::string& kind, const std::string& studyUid, const std::string& studyDate,
                 const std::string& detail) {
        findings_.push_back({kind, studyUid, studyDate, detail});
    }

    // -- reconciliation --------------------------------------------------------------------------

    void reconcile() {
        dicom::PacsClient pacs(pacsAddress());
        const std::string from = compact(run_.periodFrom), to = compact(run_.periodTo);
        std::vector<dicom::StudyHit> studies;
        try {
            say("querying " + run_.pacs + " for studies with XA, RF or SR dated " + period());
            studies = pacs.findStudies(from, to, {"XA", "RF", "SR"});
        } catch (const Error& e) {
            error(std::string("reconciliation skipped: ") + e.what());
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
            say(run_.pacs + " did not match Modalities in Study for " + std::to_string(ignored) +
                " stud" + (ignored == 1 ? "y" : "ies") + ": checking their series");
        run_.pacsStudies = 0;
        std::vector<Retrieval> wanted;
        std::size_t done = 0;
        for (const auto& study : studies) {
            if (cancelled()) return;
            ++done;
            try {
                examineStudy(pacs, study, wanted);
            } catch (const Error& e) {
                error("study " + study.studyUid + ": " + e.what());
            }
            if (done % 50 == 0 || done == studies.size())
                say("examined " + std::to_string(done) + " of " + std::to_string(studies.size()) + " stud" +
                    (studies.size() == 1 ? "y" : "ies") + " on the PACS");
        }
        say(std::to_string(run_.pacsStudies) + " fluoroscopy stud" + (run_.pacsStudies == 1 ? "y" : "ies") + ", " +
            std::to_string(run_.pacsDoseObjects) + " dose object(s) on the PACS; " + std::to_string(wanted.size()) +
            " to retrieve");
        if (!wanted.empty()) retrieve(pacs, wanted);
        if (!imageSeries_.empty()) retrieveImageHeaders(pacs);
    }

    void examineStudy(dicom::PacsClient& pacs, const dicom::StudyHit& study, std::vector<Retrieval>& wanted) {
        const auto series = pacs.findSeries(study.studyUid);
        bool hasImages = false, hasDose = false;
        std::vector<std::string> imageSeries;
        for (const auto& s : series) {
            if (isImageModality(s.modality)) {
                hasImages = true;
                imageSeries.push_back(s.seriesUid);
            }
        }
        bool relevant = hasImages;
        auto& store = pipeline_->store();
        for (const auto& s : series) {
            if (s.modality != "SR") continue;
            for (const auto& instance : pacs.findInstances(study.studyUid, s.seriesUid)) {
                if (!dicom::isDoseReportSopClass(instance.sopClassUid)) continue;
                relevant = true;
                if (store.hasObject(study.studyUid, instance.sopInstanceUid)) {
                    hasDose = true;
                    ++run_.pacsDoseObjects;
                    continue;
                }
                if (store.reconcileSkipped(study.studyUid, instance.sopInstanceUid)) continue; // no dose content
                ++run_.pacsDoseObjects;
                wanted.push_back({study.studyUid, iso(study.studyDate), s.seriesUid, instance.sopInstanceUid});
                hasDose = true; // to be retrieved; checked again after retrieval
            }
        }
        if (!relevant) return;
        ++run_.pacsStudies;
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
    void ensureReceiver() {
        if (receiverChecked_) return;
        receiverChecked_ = true;
        if (!movesToUs()) {
            say("retrieving to " + settings_.pacs.moveDestination + " ([pacs] move_destination)");
            return;
        }
        if (request_.insideService) {
            say("retrieving into this service (" + settings_.listener.aeTitle + ")");
            return;
        }
        const ServiceStatus status = readStatus(settings_);
        if (status.running) {
            say("retrieving into the running service (" + settings_.listener.aeTitle + ", pid " +
                std::to_string(status.pid) + ")");
            return;
        }
        say("no service running on this data folder: receiving as " + settings_.listener.aeTitle + " on port " +
            std::to_string(settings_.listener.port) + " for the retrieve");
        receiver_ = std::make_unique<Receiver>(settings_);
        receiver_->start();
    }

    std::string moveDestination() const {
        return settings_.pacs.moveDestination.empty() ? settings_.listener.aeTitle : settings_.pacs.moveDestination;
    }

    void retrieve(dicom::PacsClient& pacs, const std::vector<Retrieval>& wanted) {
        const bool get = settings_.pacs.retrieve == "get";
        if (!get) {
            try {
                ensureReceiver();
            } catch (const Error& e) {
                error(std::string("cannot receive retrieved objects: ") + e.what());
                return;
            }
        }
        std::vector<Retrieval> sent;
        std::size_t n = 0;
        for (const auto& r : wanted) {
            if (cancelled()) break;
            ++n;
            try {
                const auto result = get ? getInto(pacs, r) : pacs.moveInstance(r.studyUid, r.seriesUid, r.sopInstanceUid,
                                                                                moveDestination());
                if (result.completed > 0) sent.push_back(r);
                else {
                    ++run_.retrieveFailed;
                    std::string why = result.errors.empty() ? "the PACS sent nothing" : result.errors.front();
                    finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": " + why);
                    error("retrieve of " + r.sopInstanceUid + " (study " + r.studyUid + ") failed: " + why);
                }
            } catch (const Error& e) {
                ++run_.retrieveFailed;
                finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": " + e.what());
                error("retrieve of " + r.sopInstanceUid + " (study " + r.studyUid + ") failed: " + e.what());
            }
            if (n % 20 == 0 || n == wanted.size())
                say("retrieved " + std::to_string(n) + " of " + std::to_string(wanted.size()) + " object(s)");
        }
        waitUntilStored(sent);
    }

    dicom::MoveResult getInto(dicom::PacsClient& pacs, const Retrieval& r) {
        const std::vector<std::string> classes = dicom::doseSopClassUids();
        const std::string folder = settings_.dataDir + "/retrieve";
        fs::create_directories(folder);
        return pacs.get(r.studyUid, r.seriesUid, r.sopInstanceUid, classes, [&](DcmDataset& dataset) -> std::string {
            const std::string path = folder + "/" + std::to_string(::getpid()) + "-" + std::to_string(++received_) + ".dcm";
            DcmFileFormat file(&dataset);
            if (file.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) return "cannot write " + path;
            try {
                IngestOptions options;
                options.consume = true;
                pipeline_->ingestFile(path, options);
            } catch (const Error& e) {
                std::error_code ec;
                fs::remove(path, ec);
                return e.what();
            }
            std::error_code ec;
            fs::remove(path, ec); // an object without dose content is left where it was written
            return {};
        });
    }

    // Moved objects reach the store through the receiving service's spool: wait until each is
    // stored, or our spool has nothing left to process (then what is missing had no dose content).
    // C-GET stored them before it returned.
    void waitUntilStored(const std::vector<Retrieval>& sent) {
        auto& store = pipeline_->store();
        std::vector<Retrieval> missing = sent;
        auto dropStored = [&] {
            missing.erase(std::remove_if(missing.begin(), missing.end(),
                                         [&](const Retrieval& r) { return store.hasObject(r.studyUid, r.sopInstanceUid); }),
                          missing.end());
        };
        dropStored();
        if (settings_.pacs.retrieve != "get" && !missing.empty() && !waitForReceiver([&] {
                dropStored();
                return missing.empty();
            })) {
            error(std::to_string(missing.size()) + " retrieved object(s) not stored " +
                  std::to_string(settings_.pacs.waitForRetrieved_s) + " s after the retrieve (is " + moveDestination() +
                  " processing? see its log)");
            for (const auto& r : missing)
                finding("retrieve-failed", r.studyUid, r.studyDate, r.sopInstanceUid + ": not stored in time");
            run_.retrieveFailed += static_cast<int>(missing.size());
            countRetrieved(sent, missing);
            return;
        }
        for (const auto& r : missing) {
            store.addReconcileSkipped(r.studyUid, r.sopInstanceUid, "retrieved; carries no dose content");
            finding("no-dose-content", r.studyUid, r.studyDate, r.sopInstanceUid + ": retrieved, but it carries no dose content");
        }
        countRetrieved(sent, missing);
    }

    bool movesToUs() const {
        return settings_.pacs.moveDestination.empty() || settings_.pacs.moveDestination == settings_.listener.aeTitle;
    }

    // Waits until `done` or, when moved objects come to our own AE, until our spool is empty (looked
    // at twice: the last object may be committed between two checks). False when the wait timed out
    // or the run was cancelled.
    bool waitForReceiver(const std::function<bool()>& done) {
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
            if (std::chrono::steady_clock::now() > deadline || cancelled()) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return true;
    }

    void countRetrieved(const std::vector<Retrieval>& sent, const std::vector<Retrieval>& missing) {
        for (const auto& r : sent) {
            const bool lost = std::any_of(missing.begin(), missing.end(),
                                          [&](const Retrieval& m) { return m.sopInstanceUid == r.sopInstanceUid; });
            if (lost) continue;
            ++run_.retrieved;
            finding("retrieved", r.studyUid, r.studyDate, r.sopInstanceUid);
        }
    }

    void retrieveImageHeaders(dicom::PacsClient& pacs) {
        say("retrieving the images of " + std::to_string(imageSeries_.size()) +
            " series without dose object for their headers ([pacs] retrieve_image_headers)");
        const bool get = settings_.pacs.retrieve == "get";
        for (const auto& s : imageSeries_) {
            if (cancelled()) return;
            try {
                if (get) getInto(pacs, s);
                else {
                    ensureReceiver();
                    pacs.moveSeries(s.studyUid, s.seriesUid, moveDestination());
                }
            } catch (const Error& e) {
                error("retrieve of the images of study " + s.studyUid + " failed: " + e.what());
            }
        }
        // The receiving side works through them (how many there are, only the PACS knows).
        if (!get && movesToUs() && !waitForReceiver([] { return false; }))
            error("the retrieved images were not all processed " + std::to_string(settings_.pacs.waitForRetrieved_s) +
                  " s after the retrieve");
    }

    // -- store side ------------------------------------------------------------------------------

    // Studies of the period with images but no dose object: from the PACS (above) and from the store.
    void findMissingDoseInStore() {
        if (receiver_) {
            receiver_->stop();
            receiver_.reset();
        }
        auto& store = pipeline_->store();
        std::set<std::string> reported;
        for (const auto& s : store.studies(store::StudyFilter::between(run_.periodFrom, run_.periodTo))) {
            if (s.summary.source != SourceKind::ImageHeaders) continue;
            reported.insert(s.study.studyUid);
            std::string detail = "images only, no dose report";
            if (s.summary.irradiationEvents)
                detail += " (image headers: " + std::to_string(*s.summary.irradiationEvents) + " shot(s))";
            if (noDoseOnPacs_.count(s.study.studyUid)) detail += "; none on the PACS either";
            finding("missing-dose-data", s.study.studyUid, s.study.studyDate, detail);
        }
        for (const auto& [uid, date] : noDoseOnPacs_) {
            if (reported.count(uid)) continue;
            if (auto stored = store.study(uid); stored && stored->summary.source != SourceKind::ImageHeaders) continue;
            finding("missing-dose-data", uid, date, "XA/RF images on the PACS, no dose object anywhere");
        }
        run_.missingDose = static_cast<int>(std::count_if(findings_.begin(), findings_.end(), [](const store::AuditFinding& f) {
            return f.kind == "missing-dose-data";
        }));
        if (run_.missingDose)
            say(std::to_string(run_.missingDose) + " stud" + (run_.missingDose == 1 ? "y" : "ies") +
                " without dose data");
    }

    // -- report ----------------------------------------------------------------------------------

    void report(const std::string& newSince) {
        auto& store = pipeline_->store();
        AuditReportData data;
        data.studies = store.studies(store::StudyFilter::between(run_.periodFrom, run_.periodTo));
        run_.studies = static_cast<int>(data.studies.size());
        store::FlagFilter fresh;
        if (newSince.empty()) {
            fresh.fromDate = run_.periodFrom;
            fresh.toDate = run_.periodTo;
        } else {
            fresh.raisedSince = newSince;
        }
        data.newFlags = store.flags(fresh);
        data.newFlagsSince = newSince;
        run_.newFlags = static_cast<int>(data.newFlags.size());
        store::FlagFilter stale;
        stale.reviewState = "unreviewed";
        stale.raisedBefore = Poco::DateTimeFormatter::format(
            Poco::DateTime() - Poco::Timespan(settings_.audit.unreviewedDays, 0, 0, 0, 0),
            Poco::DateTimeFormat::ISO8601_FORMAT);
        data.staleFlags = store.flags(stale);
        data.unreviewedDays = settings_.audit.unreviewedDays;
        data.drl = drlAudit(data.studies, pipeline_->levels(), false);
        data.tableVersion = pipeline_->levels().tableVersion();
        data.findings = findings_;

        const std::string folder = settings_.reportsDir();
        fs::create_directories(folder);
        const std::string stem = folder + "/fluoroaudit-audit-" +
                                 (run_.periodFrom == run_.periodTo ? run_.periodFrom : run_.periodFrom + "_" + run_.periodTo) +
                                 "-run" + std::to_string(run_.id);
        run_.reportHtml = stem + ".html";
        run_.reportCsv = stem + ".csv";
        // The run as it stands when the report is written (the mail's outcome comes after).
        run_.outcome = run_.errors.empty() ? "ok" : "partial";
        data.run = run_;
        writeFile(run_.reportCsv, studiesCsv(data));
        writeFile(stem + "-drl.csv", drlCsv(data));
        const std::string html = renderHtml(data);
        writeFile(run_.reportHtml, html);
        say("report written to " + run_.reportHtml);

        if (!request_.mail || settings_.mail.to.empty()) return;
        try {
            MailMessageContent mail;
            mail.subject = "fluoroaudit audit " + period() + ": " + std::to_string(run_.studies) + " studies, " +
                           std::to_string(run_.newFlags) + " new flag(s)" + (run_.errors.empty() ? "" : ", with errors");
            mail.html = html;
            mail.attachments.push_back({fs::path(run_.reportCsv).filename().string(), studiesCsv(data), "text/csv"});
            mail.attachments.push_back({fs::path(stem + "-drl.csv").filename().string(), drlCsv(data), "text/csv"});
            sendMail(settings_.mail, mail);
            for (const auto& to : settings_.mail.to) run_.mailedTo += (run_.mailedTo.empty() ? "" : ", ") + to;
            say("report mailed to " + run_.mailedTo);
        } catch (const Error& e) {
            error(std::string("the report was not mailed: ") + e.what());
        }
    }

    static void writeFile(const std::string& path, const std::string& content) {
        const std::string tmp = path + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << content;
            if (!out) throw Error("cannot write " + tmp);
        }
        fs::rename(tmp, path);
    }

    const Settings& settings_;
    const AuditRequest& request_;
    Poco::Logger& log_;
    std::unique_ptr<Pipeline> pipeline_;
    std::unique_ptr<Receiver> receiver_;
    bool receiverChecked_ = false;
    store::AuditRun run_;
    std::vector<store::AuditFinding> findings_;
    std::map<std::string, std::string> noDoseOnPacs_; // study uid -> date: images, no dose object on the PACS
    std::vector<Retrieval> imageSeries_;
    int received_ = 0;
    bool cancelled_ = false;
};

} // namespace


store::AuditRun runNightlyAudit(const Settings& settings, const AuditRequest& request) {
    Audit audit(settings, request);
    return audit.run();
}

} // namespace fa
