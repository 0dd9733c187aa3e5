// The pipeline any host drives (this CLI now; the listener and an Orthanc plugin later):
// a received object is extracted, kept for re-processing, and stored with its study's summary.
#pragma once

#include "pipeline/Settings.h"
#include "rules/LevelEvaluator.h"
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

struct IngestOptions {
    // The file is the pipeline's to consume (a spooled object): a dose report is moved into the
    // archive, anything else is deleted once stored. Otherwise dose reports are copied.
    bool consume = false;
    // Character set for objects that leave Specific Character Set empty (the sending peer's), or "".
    std::string defaultCharacterSet;
};

class Pipeline {
public:
    // Creates the data folder, its site secret and database as needed. `durable`: every commit is
    // flushed to disk (for a host that deletes what it received once it is committed).
    explicit Pipeline(const Settings& settings, bool durable = false);

    // Throws fa::Error naming the file and what is wrong with it; nothing is stored then.
    IngestResult ingestFile(const std::string& path, const IngestOptions& options = {});
    // The same for a dataset already read from `path` (the listener's, still in memory).
    IngestResult ingestDataset(DcmDataset& dataset, const std::string& path, const IngestOptions& options = {});

    // Extracts a kept file again (after an upgrade) and replaces what the store holds for it.
    // Throws fa::Error when the file is missing or no longer readable.
    void reprocess(const store::StudyStore::KeptFile& kept);

    // Validates `csv` and, when it has no problem, activates it as the newest table version and
    // re-evaluates every study. Returns the problems (nothing changes then) or none.
    std::vector<rules::TableProblem> activateReferenceTable(const std::string& csv, const std::string& source);
    const rules::LevelEvaluator& levels() const { return *evaluator_; }
    // Takes up a table version another process (or another Pipeline) activated since; cheap when
    // there is none. Every ingest does this first.
    void refreshReferenceTable();
    // What the host should tell its operator about the tables (e.g. a configured file that is invalid).
    const std::vector<std::string>& notices() const { return notices_; }

    store::StudyStore& store() { return store_; }
    const Settings& settings() const { return settings_; }

private:
    std::string archive(const DoseObject& object, const std::string& path, bool move);
    IngestResult store(dicom::Extraction extraction, const std::string& path, const IngestOptions& options);
    dicom::ExtractOptions extractOptions(const IngestOptions& options) const;

    void loadReferenceTable();
    void useTable(const std::string& csv, int version);

    Settings settings_;
    store::PatientKeyer keyer_;
    store::StudyStore store_;
    std::unique_ptr<rules::LevelEvaluator> evaluator_;
    std::vector<std::string> notices_;
};

} // namespace fa
