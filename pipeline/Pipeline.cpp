#include "pipeline/Pipeline.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "dicom/ObjectExtractor.h"
#include "pipeline/Files.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace fa {

namespace {

const std::string& ensureDataDir(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw Error("cannot create the data folder " + dir + ": " + (ec ? ec.message() : "not a folder") +
                    " (choose another with --data DIR)");
    return dir;
}

} // namespace

Pipeline::Pipeline(const Settings& settings, bool durable)
    : settings_(settings), keyer_(ensureDataDir(settings.dataDir) + "/site-secret"),
      store_(settings.dataDir + "/fluoroaudit.db", durable ? store::Durability::Full : store::Durability::Normal) {
    loadReferenceTable();
}

void Pipeline::useTable(const std::string& csv, int version) {
    std::vector<rules::TableProblem> problems;
    auto table = rules::ReferenceTable::parse(csv, problems);
    if (!table) throw Error("reference table version " + std::to_string(version) + " in the store is not valid: " +
                            rules::describe(problems.front()));
    evaluator_ = std::make_unique<rules::LevelEvaluator>(std::move(*table), version, settings_.rules);
    store_.setEvaluator(evaluator_.get());
}

// The active table is the newest version in the store. On first use that is the built-in example;
// a configured file that differs from it becomes a new version (if it is valid).
void Pipeline::loadReferenceTable() {
    auto active = store_.activeReferenceTable();
    if (!active) {
        store_.addReferenceTable(rules::builtInReferenceTable(), "built-in example table");
        active = store_.activeReferenceTable();
    }
    useTable(active->csv, active->version);
    if (settings_.levelsFile.empty()) return;
    std::ifstream in(settings_.levelsFile, std::ios::binary);
    if (!in) {
        notices_.push_back("[levels] file " + settings_.levelsFile + " cannot be read; table version " +
                           std::to_string(active->version) + " stays active");
        return;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (text.str() == active->csv) return;
    const auto problems = activateReferenceTable(text.str(), "file " + settings_.levelsFile);
    if (problems.empty()) {
        notices_.push_back("activated " + settings_.levelsFile + " as reference table version " +
                           std::to_string(evaluator_->tableVersion()));
        return;
    }
    std::string why = settings_.levelsFile + " has " + std::to_string(problems.size()) +
                      " problem(s); table version " + std::to_string(active->version) + " stays active:";
    for (const auto& p : problems) why += "\n  " + rules::describe(p);
    notices_.push_back(why);
}

std::vector<rules::TableProblem> Pipeline::activateReferenceTable(const std::string& csv, const std::string& source) {
    std::vector<rules::TableProblem> problems;
    if (!rules::ReferenceTable::parse(csv, problems)) return problems;
    useTable(csv, store_.addReferenceTable(csv, source));
    store_.reevaluateAll();
    return {};
}

std::string Pipeline::archive(const DoseObject& o, const std::string& path, bool move) {
    // Dose reports are small and are what `reprocess` needs; image headers point at their source,
    // and a consumed image is not kept at all (its pixel data is of no use here).
    if (o.kind == SourceKind::ImageHeaders) return move ? std::string() : fs::absolute(path).string();
    const std::string day = o.study.studyDate.empty() ? "undated" : o.study.studyDate;
    // One folder per day (a folder per study would cost a directory per object received).
    const fs::path dir = fs::path(settings_.dataDir) / "archive" / day;
    const std::string name = o.study.studyUid + "_" + o.sopInstanceUid + ".dcm";
    const fs::path target = dir / name;
    const fs::path partial = dir / (name + ".partial");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (move) { // the spool file is removed only after the commit: see store()
        if (!ec) linkOrCopy(path, target.string(), ec);
        if (ec) throw Error(path + ": cannot keep it in " + dir.string() + ": " + ec.message());
        return target.string();
    }
    if (!ec) fs::copy_file(path, partial, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(partial, target, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw Error(path + ": cannot keep a copy in " + dir.string() + ": " + ec.message());
    }
    return target.string();
}

dicom::ExtractOptions Pipeline::extractOptions(const IngestOptions& options) const {
    dicom::ExtractOptions extraction = settings_.extraction;
    if (!options.defaultCharacterSet.empty()) extraction.defaultCharacterSet = options.defaultCharacterSet;
    return extraction;
}

IngestResult Pipeline::ingestFile(const std::string& path, const IngestOptions& options) {
    return store(dicom::extractFile(path, extractOptions(options)), path, options);
}

IngestResult Pipeline::ingestDataset(DcmDataset& dataset, const std::string& path, const IngestOptions& options) {
    try {
        return store(dicom::extractDataset(dataset, extractOptions(options)), path, options);
    } catch (const store::DatabaseError&) {
        throw;
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind(path, 0) == 0) throw;
        throw Error(path + ": " + what);
    }
}

void Pipeline::reprocess(const store::StudyStore::KeptFile& kept) {
    if (!fs::is_regular_file(kept.filePath))
        throw Error(kept.filePath + ": the kept file of " + kept.sopInstanceUid + " is missing");
    dicom::Extraction x = dicom::extractFile(kept.filePath, settings_.extraction);
    if (!x.hasDoseContent) throw Error(kept.filePath + ": no dose content any more (" + x.whyNot + ")");
    // Filed under the study it was stored for (the same SOP Instance UID may be in another study).
    x.object.study.studyUid = kept.studyUid;
    if (!store_.replace(x.object)) throw Error(kept.filePath + ": " + kept.sopInstanceUid + " is no longer stored");
}

void Pipeline::refreshReferenceTable() {
    const int version = store_.activeReferenceTableVersion();
    if (version == evaluator_->tableVersion()) return;
    if (auto active = store_.activeReferenceTable()) useTable(active->csv, active->version);
}

IngestResult Pipeline::store(dicom::Extraction x, const std::string& path, const IngestOptions& options) {
    refreshReferenceTable();
    IngestResult result;
    result.studyUid = x.object.study.studyUid;
    auto consumed = [&] {
        std::error_code ec;
        if (options.consume) fs::remove(path, ec);
    };
    if (!x.hasDoseContent) {
        result.detail = x.whyNot;
        consumed();
        return result;
    }
    const DoseObject& o = x.object;
    if (store_.hasObject(o.study.studyUid, o.sopInstanceUid)) {
        result.outcome = IngestOutcome::Duplicate;
        consumed();
        return result;
    }
    store::ObjectMeta meta;
    meta.patientKey = keyer_.keyFor(o.study.patientId, o.study.issuerOfPatientId);
    meta.receivedAt = nowUtc();
    meta.keepPatientIdentifiers = settings_.storePatientIdentifiers;
    meta.filePath = archive(o, path, options.consume);
    try {
        switch (store_.add(o, meta)) {
        case store::AddOutcome::Created: result.outcome = IngestOutcome::Created; break;
        case store::AddOutcome::Updated: result.outcome = IngestOutcome::Updated; break;
        case store::AddOutcome::Duplicate: result.outcome = IngestOutcome::Duplicate; break;
        }
    } catch (const Error& e) {
        std::error_code ec;
        if (o.kind != SourceKind::ImageHeaders) fs::remove(meta.filePath, ec);
        if (dynamic_cast<const store::DatabaseError*>(&e)) throw;
        throw Error(path + ": " + e.what());
    }
    // Only now, with the object committed and archived, may the spooled file go: a stop at any
    // earlier point leaves it in the spool to be stored again (or found a duplicate) at restart.
    consumed();
    return result;
}

} // namespace fa
