// The study store: every received dose object with its events, and each study's current summary.
// SQLite (a file, the default) or PostgreSQL (a server a hospital group shares), through Poco::Data
// with the same SQL (store/Database.h); one transaction per object, so a failure leaves no partial rows.
#pragma once

#include "core/DoseObject.h"
#include "core/Evaluation.h"
#include "core/SkinDose.h"
#include "core/StudySummary.h"
#include "store/DatabaseError.h"

#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fa::store {

class Database;

// True for a postgresql:// (or postgres://) URL, false for a file.
bool isServerUrl(const std::string& location);

// Where the store is: a SQLite file, or a PostgreSQL database (`postgresql://USER@HOST:PORT/DB`, any
// libpq parameter after ?, e.g. sslmode=verify-full) with its password in `passwordFile` (mode
// 0600) or where libpq looks for it (PGPASSFILE, ~/.pgpass).
struct StoreLocation {
    std::string where;
    std::string passwordFile;
    StoreLocation(std::string file) : where(std::move(file)) {} // a file
    StoreLocation(const char* file) : where(file) {}
    StoreLocation(std::string url, std::string password) : where(std::move(url)), passwordFile(std::move(password)) {}
    bool server() const { return isServerUrl(where); }
};

struct ObjectMeta {
    std::string patientKey;
    std::string filePath;   // where the object is kept for re-processing ("" if not kept)
    std::string receivedAt; // ISO 8601 UTC
    bool keepPatientIdentifiers = false;
};

enum class AddOutcome { Created, Updated, Duplicate };

struct StudyRecord {
    StudyInfo study;
    std::string site; // of the service that stored it first
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

// What statistics need of a study: its date, device, procedure and the five audited figures.
struct StudyFigures {
    std::string site;
    std::string studyDate;
    DeviceInfo device;
    std::string procedureId, procedureName;
    std::optional<long long> irradiationEvents;
    std::optional<double> fluoroTime_s, exposureTime_s, dap_Gym2, doseRp_Gy;
    std::string operators; // "; "-separated, as stored

    static StudyFigures of(const StudyRecord& study);
};

// Which of a study's figures beside its procedure and five metrics a reader needs: a year's
// statistics read a third of a million studies, where every text left out counts.
struct FigureParts {
    bool date = true, device = true, operators = true, site = true;
};

struct FlagRecord {
    std::string site; // of its study
    std::string studyUid;
    std::string studyDate;
    std::string procedureId;
    StudyFlag flag;
};

// A flag that may call for an alert mail, with what the mail says of its study.
struct FlagAlert {
    FlagRecord record;
    std::string procedureName, studyDescription, accessionNumber;
    DeviceInfo device;
};

struct FlagFilter {
    std::string site;             // of the study, "" for every site
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
    std::string site; // reference tables: "" for the group's default, else the site whose own it is
};

// StudyFilter::device of the studies of a device that names neither its station nor its model.
inline constexpr const char* kUnnamedDevice = "(unnamed)";

struct StudyFilter {
    std::string site;     // "" for every site of the group
    std::string fromDate; // YYYY-MM-DD inclusive, "" for no bound
    std::string toDate;
    std::string procedureId;  // "" for all
    std::string device;       // station name or model, exactly; kUnnamedDevice: a device with neither
    std::string operatorName; // part of the operators, case-insensitive (ASCII)
    std::string flagKind;     // studies with a flag of this kind
    std::string reviewState;  // studies with a flag in this review state
    std::string search;       // an accession number, or the beginning of a Study Instance UID
    std::string patientId;    // exactly (for roles that may see patients), or its pseudonymous key:
    std::string patientKey;   // the same patient when the store keeps keys only
    bool flaggedOnly = false;
    // Value ranges in the units people use: metric shots, fluoro_time_s, exposure_time_s,
    // dap_gycm2, kar_mgy or psd_mgy, each bound inclusive and optional.
    struct Range {
        std::string metric;
        std::optional<double> min, max;
    };
    std::vector<Range> ranges;
    // date, procedure, device, shots, fluoro_time_s, exposure_time_s, dap_gycm2, kar_mgy, psd_mgy, flags
    std::string sort = "date";
    bool descending = false;
    std::size_t limit = 0, offset = 0; // a page; limit 0 = all

    static StudyFilter between(const std::string& from, const std::string& to) {
        StudyFilter f;
        f.fromDate = from;
        f.toDate = to;
        return f;
    }
};

struct User {
    std::string username;
    std::string role; // viewer, reviewer, admin
    std::string passwordHash;
    std::string createdAt;
    bool disabled = false;
};

struct TrailEntry {
    std::int64_t id = 0;
    std::string at; // ISO 8601 UTC
    std::string username, action, detail, remote; // detail: in English
    Text text; // the detail as a catalog entry (none for entries written before migration 20)

    std::string detailIn(Language language) const { return text.id.empty() ? detail : text.in(language); }
};

struct DeviceSummary {
    std::string site;   // that received its objects
    std::string device; // station name, else model
    std::string manufacturer, model;
    std::string lastObjectAt; // ISO 8601 UTC
    std::size_t studies = 0;     // of which it is the device (the kept counts)
    std::size_t objects = 0, missingDose = 0;
};

// Studies of one device and procedure in a period, and their open (unreviewed) flags.
struct OverviewRow {
    std::string site;
    std::string device;    // station name, else model
    std::string procedureId; // "unclassified" when none
    std::size_t studies = 0, studiesWithOpenFlags = 0, openFlags = 0;
};

// What the studies of one procedure are called, and how often.
struct DescriptionCount {
    std::string description; // the study description, else the requested or performed procedure, else the protocol
    std::size_t studies = 0;
    std::string latestDate;
};

// The follow-up of a study with a substantial dose (NCRP 168): open until a physicist records what
// the patient's skin showed.
struct FollowUp {
    std::string studyUid, site, studyDate, studyDescription, procedureId, procedureName, patientKey, patientId, patientName;
    DeviceInfo device;
    std::vector<StudyFlag> reasons; // the substantial flags that opened it (now); none: withdrawn
    std::string openedAt;           // ISO 8601 UTC
    std::string dueFrom, dueTo;     // YYYY-MM-DD: two to four weeks after the study
    std::string outcome;            // "" while open; none, erythema, desquamation, ulceration, other
    std::string note, recordedBy, recordedAt;
    std::optional<double> psd_Gy, kar_Gy, dap_Gym2, fluoroTime_s;
    // open (due or not yet), overdue (open past its due date), closed, withdrawn (its figures fell
    // below the levels before an outcome was recorded) on the day `today` (YYYY-MM-DD).
    std::string state(const std::string& today) const;
};

// The outcomes a follow-up may record.
bool isFollowUpOutcome(const std::string& outcome);

// A study to send to a FHIR server, as of its last change.
struct FhirPending {
    std::string studyUid, updatedAt;
    long long revision = 0;
};

struct FlagReview {
    std::string studyUid, kind, metric, state, comment, username, at;
    std::string site; // of the study (set by the store)
};

// One run of the nightly audit (plugin/NightlyAudit.h), as recorded.
struct AuditRun {
    std::int64_t id = 0;
    std::string site;                   // whose studies it audited
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

// The file of a run's report page in `language`, written beside `reportHtml` (the page in the
// language of [report] language): "x.html" gives "x.zh.html".
inline std::string reportIn(const std::string& reportHtml, Language language) {
    const bool html = reportHtml.size() > 5 && reportHtml.compare(reportHtml.size() - 5, 5, ".html") == 0;
    return (html ? reportHtml.substr(0, reportHtml.size() - 5) : reportHtml) + "." + languageCode(language) + ".html";
}

struct AuditFinding {
    std::string kind; // missing-dose-data, retrieved, retrieve-failed, no-dose-content
    std::string studyUid, studyDate;
    std::string detail;
};

// What StudyStore::checkIntegrity found: each problem with the table it is in ("" when the
// message names none).
struct IntegrityProblem {
    std::string table;
    std::string detail;
};
struct IntegrityReport {
    std::string database; // the file or server database checked
    std::string method;   // "SQLite's quick_check", ...
    std::vector<IntegrityProblem> problems;
    std::string note;     // what was not checked, and why
    std::string whatToDo() const; // "" when there are no problems
};

// What a copy of a site's store into a group's database did (StudyStore::copyFrom).
struct CopyReport {
    std::size_t studies = 0;      // in the site's store
    std::size_t copied = 0;       // copied by this run
    std::size_t alreadyThere = 0; // copied by an earlier run (or stored by a service meanwhile)
    std::size_t auditRuns = 0;    // audit runs copied
    std::size_t tablesKept = 0;   // table versions not copied: the group has its own
    std::vector<std::string> usersKept; // users the group has under the same name already
    bool secretCopied = false;    // the site's patient-key secret became the group's
    bool secretDiffers = false;   // the group has another: this site's patient keys are not the group's
};

// How a commit reaches the disk. Full: every commit is flushed (the listener, which deletes a
// spooled object right after its commit). Normal: a commit may be lost on power failure, never
// corrupted (batch ingest, whose source files stay where they are).
enum class Durability { Full, Normal };

class StudyStore {
public:
    // Opens (creating if needed) the database at `location` and migrates it.
    explicit StudyStore(const StoreLocation& location, Durability durability = Durability::Normal);
    ~StudyStore();
    StudyStore(const StudyStore&) = delete;
    StudyStore& operator=(const StudyStore&) = delete;

    // An object is identified by its study and SOP Instance UID: the same UID received again for the
    // same study changes nothing; filed under another study (an edited or re-anonymised copy), it is
    // kept there too, with a warning.
    // The site this store writes for ([site] name): new studies, objects and audit runs carry it.
    // Rows stored before sites existed (site '') become this site's.
    void setSite(const std::string& site);
    const std::string& site() const { return site_; }
    // The group's patient-key secret, created (from `create`) by the first site that asks; the same
    // for every site of one database, and never shown.
    std::string groupSecret(const std::function<std::string()>& create);
    // Takes this site's audit lock for as long as the store is open; false when another process
    // holds it (PostgreSQL: on any host; SQLite needs none beyond the data folder's lock file).
    bool tryLockAudits();
    // Copies the SQLite store `sqliteFile` (this site's) into this PostgreSQL store: every study
    // with its objects, events, flags and reviews (one transaction each; a study already here is
    // left alone, so a copy resumes where it stopped), then audit runs, the audit trail, users and
    // tables. `patientKeySecret`: the site's, which the group takes when it has none. `progress`
    // is called every 1,000 studies and at the end.
    CopyReport copyFrom(const std::string& sqliteFile, const std::string& patientKeySecret,
                        const std::function<void(const CopyReport&)>& progress);
    // The names of the sites that use this database, sorted.
    std::vector<std::string> sites();
    // Looks at the whole database for damage (SQLite: quick_check; PostgreSQL: every table read
    // through, and amcheck where installed). Throws fa::Error when the database cannot even be read.
    IntegrityReport checkIntegrity();

    // With an evaluator, every study that changes is classified and flagged in the same transaction.
    void setEvaluator(const StudyEvaluator* evaluator) { evaluator_ = evaluator; }
    // With a skin-dose model, a study whose dose reports change is mapped in the same transaction.
    void setSkinModel(const SkinDoseModel* model) { skin_ = model; }
    // The study's skin dose as last mapped; none when it was never mapped (no dose report with
    // events, or stored before skin doses existed and not reprocessed since).
    std::optional<SkinDoseResult> skinDose(const std::string& studyUid);
    // Classifies and flags every study again (after the table or the settings changed); returns
    // how many.
    std::size_t reevaluateAll();
    // The same for the studies `filter` selects (a period, a site).
    std::size_t reevaluate(const StudyFilter& filter);

    std::vector<FlagRecord> flags(const FlagFilter& filter);
    // Flags of `kinds` on studies dated from `fromDate` (YYYY-MM-DD), first raised at or after
    // `raisedSince` (ISO 8601 UTC), for which no alert mail was sent yet.
    std::vector<FlagAlert> flagsWithoutAlert(const std::vector<std::string>& kinds, const std::string& fromDate,
                                             const std::string& raisedSince);
    // The alert mail for a flag went to `recipients`: it is not sent again.
    void recordAlertMail(const std::string& studyUid, const std::string& kind, const std::string& metric,
                         const std::string& recipients);

    // Stores `csv` as the newest version of the reference table, the group's default or (`ownSite`)
    // this site's own; returns its number (numbered across the group).
    int addReferenceTable(const std::string& csv, const std::string& source, bool ownSite = false);
    // This site's table: its own newest version when it has one, else the group's newest default.
    std::optional<ReferenceTableVersion> activeReferenceTable();
    // Another site's ("": the group's default).
    std::optional<ReferenceTableVersion> activeReferenceTable(const std::string& site);
    int activeReferenceTableVersion(); // 0 when there is none
    // The group's default versions and this site's own, oldest first.
    std::vector<ReferenceTableVersion> referenceTableHistory();
    // The sites with a reference table of their own.
    std::vector<std::string> sitesWithOwnTables();
    // The staff dose estimate's tables, kind "rates" or "profiles": every version kept, the newest active.
    int addStaffTable(const std::string& kind, const std::string& csv, const std::string& source);
    std::optional<ReferenceTableVersion> activeStaffTable(const std::string& kind);

    bool hasObject(const std::string& studyUid, const std::string& sopInstanceUid);

    // Audit runs: begin records `run` (trigger, period, PACS) as running and sets its id and start;
    // finish writes everything of `run` (by its id).
    void beginAuditRun(AuditRun& run);
    void finishAuditRun(const AuditRun& run, const std::vector<AuditFinding>& findings);
    std::vector<AuditRun> auditRuns(std::size_t limit, const std::string& site = ""); // newest first; "" every site
    // The newest scheduled run of this site for the period that finished (ok or partial).
    std::optional<AuditRun> finishedScheduledRun(const std::string& periodFrom, const std::string& periodTo);
    std::optional<AuditRun> auditRun(std::int64_t id);
    std::vector<AuditFinding> auditFindings(std::int64_t runId);
    // A run of this site still "running" whose process is gone is closed as failed with `reason`;
    // returns how many.
    std::size_t closeAbandonedAuditRuns(const std::string& reason);

    // Local users of the web UI (store/Access.cpp).
    std::optional<User> user(const std::string& username);
    std::vector<User> users();
    void addUser(const User& user); // throws fa::Error when the name is taken
    void updateUser(const User& user);
    // Who did what, for admins: logins, reviews, table changes, exports.
    void addTrail(const std::string& username, const std::string& action, const Text& detail,
                  const std::string& remote);
    std::vector<TrailEntry> trail(std::size_t limit, std::size_t offset);
    // Sets the review state of the study's (kind, metric) flag and records it in its history;
    // false when the study has no such flag.
    bool reviewFlag(const FlagReview& review);
    // Follow-ups of this site (every site for ""): state open (with the overdue), overdue, closed,
    // withdrawn or "" for all, as of `today`; the oldest due first.
    std::vector<FollowUp> followUps(const std::string& state, const std::string& today, const std::string& site = "");
    std::optional<FollowUp> followUp(const std::string& studyUid);
    // Records the outcome (isFollowUpOutcome) with a note and who recorded it; false when the study
    // has no follow-up. An outcome may be corrected (the caller writes each to the audit trail).
    bool recordFollowUp(const std::string& studyUid, const std::string& outcome, const std::string& note,
                        const std::string& username);
    // Studies of this site to send to a FHIR server: never sent, or changed since they were sent
    // (sent = accepted or refused for good), dated from `since` (YYYY-MM-DD, "" for all); the oldest
    // change first, at most `limit`.
    std::vector<FhirPending> fhirPending(const std::string& since, std::size_t limit);
    // What became of `studies` (as fhirPending gave them): accepted (`refusal` "") or refused for
    // good with the server's reason; a refused study is sent again once it changes.
    void recordFhirSent(const std::vector<FhirPending>& studies, const std::string& refusal);
    // How many of this site's studies are waiting to be sent, and how many were refused.
    std::pair<std::size_t, std::size_t> fhirCounts(const std::string& since);
    std::vector<FlagReview> reviews(const std::string& studyUid);
    // Counts for metrics: flags by kind.
    std::vector<std::pair<std::string, std::size_t>> flagCounts();
    // Every device that sent something: last object, counts, studies lacking dose data.
    // Each site's devices ("": of every site), by site and device.
    std::vector<DeviceSummary> devices(const std::string& site = "");

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
    // What statistics need of the filter's studies, from one query; unpaged, in no particular order.
    std::vector<StudyFigures> figures(const StudyFilter& filter, const FigureParts& parts = {});
    std::size_t countStudies(const StudyFilter& filter); // ignoring limit and offset
    // Every study of `filter` (its limit and offset aside) in its order, a page at a time and all in
    // one snapshot: a listing of any length in little memory that no concurrent commit can tear.
    // Returns how many.
    std::size_t eachStudy(const StudyFilter& filter, const std::function<void(const StudyRecord&)>& visit);
    // Per device and procedure, the studies of the filter and their open flags (one grouped query).
    std::vector<OverviewRow> overview(const StudyFilter& filter);
    // What the studies of a procedure ("unclassified": of none) are called, most frequent first.
    std::vector<DescriptionCount> descriptionsOf(const std::string& procedureId, std::size_t limit);
    std::optional<StudyRecord> study(const std::string& studyUid);
    // The study's objects in order of arrival, with their events, planes and warnings.
    std::vector<DoseObject> objectsOf(const std::string& studyUid);

private:
    // Runs `f`; an exception of the database library becomes a DatabaseError naming the file and
    // what to do (store/Guard.h).
    template <class F>
    auto guarded(F&& f) -> decltype(f());
    // Runs `read` in one snapshot of the database (a read transaction, unless one is open): a
    // result made of several queries sees no commit of another process between them.
    template <class F>
    auto snapshot(F&& read) -> decltype(read());
    // Rethrows the exception being handled: fa::Error as it is, anything else as a DatabaseError
    // that starts with `doing` (when given).
    [[noreturn]] void failed(const std::string& doing) const;
    AddOutcome addOnce(const DoseObject& object, const ObjectMeta& meta);
    // Opens the connection again when a transient failure (a full disk) may have left it unusable.
    void recover();

    std::unique_ptr<Database> db_;
    std::string site_;
    mutable bool reopen_ = false;
    const StudyEvaluator* evaluator_ = nullptr;
    const SkinDoseModel* skin_ = nullptr;
    void mapSkin(const std::string& studyUid, const std::vector<const DoseObject*>& objects, const StudySummary& summary,
                 const std::string& at);
};

} // namespace fa::store
