// The study store: every received dose object with its events, and each study's current summary.
// SQLite through Poco::Data (PostgreSQL later with the same SQL); one transaction per object, so a
// failure leaves no partial rows.
#pragma once

#include "core/DoseObject.h"
#include "core/Evaluation.h"
#include "core/StudySummary.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Data {
class Session;
}

namespace fa::store {

struct ObjectMeta {
    std::string patientKey;
    std::string filePath;   // where the object is kept for re-processing ("" if not kept)
    std::string receivedAt; // ISO 8601 UTC
    bool keepPatientIdentifiers = false;
};

enum class AddOutcome { Created, Updated, Duplicate };

struct StudyRecord {
    StudyInfo study;
    std::string patientKey;
    DeviceInfo device; // of the first counted object
    StudySummary summary;
    std::vector<Warning> warnings; // the counted objects' and the study's own
    int objectCount = 0;
    std::string createdAt;
    std::string updatedAt;
    std::string procedureId; // "" until evaluated
    std::string procedureName;
    std::vector<StudyFlag> flags;
};

struct FlagRecord {
    std::string studyUid;
    std::string studyDate;
    std::string procedureId;
    StudyFlag flag;
};

struct FlagFilter {
    std::string fromDate, toDate; // of the study, inclusive
    std::string kind;             // "" for all
    std::string reviewState;      // "" for all
    std::string raisedSince;      // first raised at or after (ISO 8601 UTC), "" for no bound
    std::string raisedBefore;     // first raised before, "" for no bound
};

struct ReferenceTableVersion {
    int version = 0;
    std::string activatedAt;
    std::string source;
    std::string csv;
};

struct StudyFilter {
    std::string fromDate; // YYYY-MM-DD inclusive, "" for no bound
    std::string toDate;
};

// One run of the nightly audit (plugin/NightlyAudit.h), as recorded.
struct AuditRun {
    std::int64_t id = 0;
    std::string trigger;                // schedule, command
    std::string periodFrom, periodTo;   // YYYY-MM-DD
    std::string startedAt, finishedAt;  // ISO 8601 UTC; finishedAt "" while running
    std::string outcome = "running";    // running, ok, partial (something failed, the rest ran), failed
    std::string pacs;                   // the PACS reconciled with, "" for none
    int pacsStudies = 0, pacsDoseObjects = 0, retrieved = 0, retrieveFailed = 0;
    int studies = 0, missingDose = 0, newFlags = 0;
    std::vector<std::string> errors;
    std::string reportHtml, reportCsv, mailedTo;
};

struct AuditFinding {
    std::string kind; // missing-dose-data, retrieved, retrieve-failed, no-dose-content
    std::string studyUid, studyDate;
    std::string detail;
};

// How a commit reaches the disk. Full: every commit is flushed (the listener, which deletes a
// spooled object right after its commit). Normal: a commit may be lost on power failure, never
// corrupted (batch ingest, whose source files stay where they are).
enum class Durability { Full, Normal };

class StudyStore {
public:
    // Opens (creating if needed) the SQLite database at `path` and migrates it.
    explicit StudyStore(const std::string& path, Durability durability = Durability::Normal);
    ~StudyStore();
    StudyStore(const StudyStore&) = delete;
    StudyStore& operator=(const StudyStore&) = delete;

    // An object is identified by its study and SOP Instance UID: the same UID received again for the
    // same study changes nothing; filed under another study (an edited or re-anonymised copy), it is
    // kept there too, with a warning.
    // With an evaluator, every study that changes is classified and flagged in the same transaction.
    void setEvaluator(const StudyEvaluator* evaluator) { evaluator_ = evaluator; }
    // Classifies and flags every study again (after the table or the settings changed); returns
    // how many.
    std::size_t reevaluateAll();
    // The same for the studies dated within `filter`.
    std::size_t reevaluate(const StudyFilter& filter);

    std::vector<FlagRecord> flags(const FlagFilter& filter);

    // Stores `csv` as the newest (active) version of the reference table; returns its number.
    int addReferenceTable(const std::string& csv, const std::string& source);
    std::optional<ReferenceTableVersion> activeReferenceTable();
    std::vector<ReferenceTableVersion> referenceTableHistory();

    bool hasObject(const std::string& studyUid, const std::string& sopInstanceUid);

    // Audit runs: begin returns the new run's id; finish writes everything of `run` (by its id).
    std::int64_t beginAuditRun(const std::string& trigger, const std::string& from, const std::string& to,
                            const std::string& pacs);
    void finishAuditRun(const AuditRun& run, const std::vector<AuditFinding>& findings);
    std::vector<AuditRun> auditRuns(std::size_t limit); // newest first
    std::optional<AuditRun> auditRun(std::int64_t id);
    std::vector<AuditFinding> auditFindings(std::int64_t runId);
    // A run still "running" whose process is gone is closed as failed with `reason`; returns how many.
    std::size_t closeAbandonedAuditRuns(const std::string& reason);

    // Objects reconciliation retrieved that turned out to carry no dose content: not retrieved again.
    void addReconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid, const std::string& reason);
    bool reconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid);
    AddOutcome add(const DoseObject& object, const ObjectMeta& meta);
    // Replaces a stored object's extracted content (events, planes, warnings, device, totals) with
    // `object`'s and recomputes its study, in one transaction; false when it is not stored.
    bool replace(const DoseObject& object);

    struct KeptFile {
        std::string studyUid, sopInstanceUid, filePath;
    };
    // Objects whose file is kept (archive or source path), in order of arrival.
    std::vector<KeptFile> keptFiles();

    std::vector<StudyRecord> studies(const StudyFilter& filter);
    std::optional<StudyRecord> study(const std::string& studyUid);
    // The study's objects in order of arrival, with their events, planes and warnings.
    std::vector<DoseObject> objectsOf(const std::string& studyUid);

private:
    std::unique_ptr<Poco::Data::Session> session_;
    const StudyEvaluator* evaluator_ = nullptr;
};

} // namespace fa::store
