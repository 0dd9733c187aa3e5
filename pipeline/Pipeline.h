// The pipeline any host drives (this CLI now; the listener and an Orthanc plugin later):
// a received object is extracted, kept for re-processing, and stored with its study's summary.
#pragma once

#include "pipeline/Settings.h"
#include "rules/LevelEvaluator.h"
#include "rules/PatientDose.h"
#include "rules/StaffDose.h"
#include "skin/SkinModel.h"
#include "store/PatientKey.h"
#include "store/StudyStore.h"

#include <string>

class DcmDataset;

namespace fa {

enum class IngestOutcome { Created, Updated, Duplicate, NoDoseContent };

struct IngestResult {
    IngestOutcome outcome = IngestOutcome::NoDoseContent;
    std::string studyUid;
    std::string detail; // why an object without dose content was skipped
};

// How a dose report is kept for re-processing (image headers are never kept: a file's path is
// recorded, and nothing for a buffer).
enum class ArchivePolicy {
    CopyFile,   // the host's file stays where it is (ingest): a dose report is copied into the archive
    MoveFile,   // the file is the pipeline's to consume (a spooled object): moved in, or deleted once stored
    WriteBytes, // the object came as bytes (a plugin's host holds the original): they are written
};

// Where an object comes from: what every host tells the pipeline about it.
struct ObjectSource {
    std::string origin; // for messages: the file's path, or how the host names the object
    // Character set for objects that leave Specific Character Set empty (the sending peer's), or "".
    std::string characterSetHint;
    ArchivePolicy archive = ArchivePolicy::CopyFile;
};

class Pipeline {
public:
    // Creates the data folder, its site secret and database as needed. `durable`: every commit is
    // flushed to disk (for a host that deletes what it received once it is committed).
    explicit Pipeline(const Settings& settings, bool durable = false);

    // Extract, summarize, evaluate and store as one unit. Throws fa::Error naming the object and
    // what is wrong with it; nothing is stored then (store::DatabaseError when the database itself
    // failed: no object is to blame).
    // A file; `source.origin` is its path, taken from `path` when empty.
    IngestResult ingestFile(const std::string& path, ObjectSource source = {});
    // A dataset already read from the file `path` (the listener's, still in memory).
    IngestResult ingestDataset(DcmDataset& dataset, const std::string& path, const ObjectSource& source);
    // A Part 10 object (or a bare dataset, explicit VR little endian) in memory, with no file on
    // disk: how a PACS hands a plugin what it stores.
    IngestResult ingestBuffer(const void* data, std::size_t size, const ObjectSource& source);

    // Extracts a kept file again (after an upgrade) and replaces what the store holds for it.
    // Throws fa::Error when the file is missing or no longer readable.
    void reprocess(const store::StudyStore::KeptFile& kept);

    // Validates `csv` and, when it has no problem, activates it as the newest table version and
    // re-evaluates every study. Nothing changes when it has problems, or when it is the active
    // table again (line endings and trailing blank lines aside): no new version then.
    struct TableActivation {
        std::vector<rules::TableProblem> problems;
        bool unchanged = false; // identical to the active version
        int version = 0;        // the active version afterwards
    };
    // `ownSite`: this site's own table (sites sharing a database), else the group's default;
    // "unchanged" when it is the table it would replace (the site's active one, or the default).
    TableActivation activateReferenceTable(const std::string& csv, const std::string& source, bool ownSite = false);
    // Classifies and flags again the studies of every site, each with its own table (`defaultOnly`:
    // of the sites that follow the group's default table only); returns how many.
    std::size_t reevaluateSites(bool defaultOnly = false);
    // What activating `csv` would do to the stored studies, without activating it: how many would
    // gain a flag they do not have, lose one they have, or change procedure.
    struct TablePreview {
        std::vector<rules::TableProblem> problems;
        bool unchanged = false; // identical to the active version
        std::size_t studies = 0, gainFlags = 0, loseFlags = 0, reclassified = 0;
    };
    // `ownSite` as for activateReferenceTable: this site's studies, else those of the sites that
    // follow the group's default.
    TablePreview previewReferenceTable(const std::string& csv, bool ownSite = false);
    const rules::LevelEvaluator& levels() const { return *evaluator_; }
    // Takes up a table version another process (or another Pipeline) activated since; cheap when
    // there is none. Every ingest does this first.
    void refreshReferenceTable();
    // The staff dose estimate's tables: the newest stored version of each, else the shipped one
    // (version 0). See rules/StaffDose.h.
    struct StaffTables {
        rules::StaffRates rates;
        rules::OperatorProfiles profiles;
        store::ReferenceTableVersion ratesVersion, profilesVersion; // version 0: shipped
    };
    StaffTables staffTables();
    // Validates `csv` as the rates ("rates") or operator profiles ("profiles") and, when it has no
    // problem and differs from the active one, stores it as the newest version.
    TableActivation activateStaffTable(const std::string& kind, const std::string& csv, const std::string& source);
    // With `tables` (staffTables()): each operator's estimated doses over the studies dated in `year`
    // (up to `upTo`, YYYY-MM-DD, when given), highest total first, and per procedure.
    rules::StaffYear staffYear(const StaffTables& tables, int year, const std::string& upTo = "");
    // The estimate of each operator of a stored study.
    std::vector<rules::StaffEstimate> staffEstimates(const store::StudyRecord& study);
    // The patient's estimate of a study: its exposure time x the table-surface rate for its device
    // (rules/PatientDose.h); the figure stored with the study (estimated_dose_usv), with its inputs.
    rules::PatientEstimate patientEstimate(const store::StudyRecord& study) const;

    // What the host should tell its operator about the tables (e.g. a configured file that is invalid).
    const std::vector<std::string>& notices() const { return notices_; }

    store::StudyStore& store() { return store_; }
    // The pseudonymous key of a patient ID (without issuer), to find the patient's studies.
    std::string patientKeyFor(const std::string& patientId) const { return keyer_.keyFor(patientId, ""); }
    const Settings& settings() const { return settings_; }

private:
    // The table an activation replaces: this site's active one (`ownSite`), or the group's default.
    std::optional<store::ReferenceTableVersion> replacedTable(bool ownSite);
    // The object's bytes: a file, or a buffer.
    struct Content {
        std::string path;              // "" for a buffer
        const void* data = nullptr;    // a buffer's bytes
        std::size_t size = 0;
    };
    std::string archive(const DoseObject& object, const Content& content, ArchivePolicy policy);
    IngestResult store(dicom::Extraction extraction, const Content& content, const ObjectSource& source);
    IngestOutcome commit(const DoseObject& object, const Content& content, const ObjectSource& source);
    dicom::ExtractOptions extractOptions(const ObjectSource& source) const;

    void loadReferenceTable();
    void useTable(const std::string& csv, int version);

    Settings settings_;
    skin::Model skin_;
    store::StudyStore store_;
    store::PatientKeyer keyer_;
    std::unique_ptr<rules::LevelEvaluator> evaluator_;
    std::vector<std::string> notices_;
};

} // namespace fa
