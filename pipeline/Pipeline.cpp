#include "pipeline/Pipeline.h"

#include "core/Clock.h"
#include "core/Error.h"
#include "dicom/ObjectExtractor.h"
#include "dicom/Spool.h"
#include "pipeline/Files.h"


#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <malloc.h>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace fa {

namespace {

const std::string& ensureDataDir(const std::string& dir) {
    std::error_code ec;
    // A new data folder is its owner's alone, whatever the host's umask (Orthanc's, for the plugin).
    if (fs::create_directories(dir, ec))
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec || !fs::is_directory(dir))
        throw Error("cannot create the data folder " + dir + ": " + (ec ? ec.message() : "not a folder") +
                    " (choose another with --data DIR)");
    return dir;
}

// The site's own secret in its data folder; a group's database keeps one for all of its sites, so
// that a patient has the same key at each (and cumulative dose spans them).
store::PatientKeyer patientKeyer(const Settings& settings, store::StudyStore& store) {
    if (settings.store.url.empty()) return store::PatientKeyer(settings.dataDir + "/site-secret");
    return store::PatientKeyer::withSecret(store.groupSecret([] { return store::PatientKeyer::newSecret(); }));
}

} // namespace

Pipeline::Pipeline(const Settings& settings, bool durable)
    : settings_(settings),
      store_((ensureDataDir(settings.dataDir), settings.storeLocation()),
             durable ? store::Durability::Full : store::Durability::Normal),
      keyer_(patientKeyer(settings, store_)) {
    store_.setSite(settings.siteName());
    store_.setSkinModel(&skin_);
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
    const auto activation = activateReferenceTable(text.str(), "file " + settings_.levelsFile);
    if (activation.unchanged) return;
    const auto& problems = activation.problems;
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

namespace {
// A table's text as compared with the active one: LF line endings, no trailing blank lines.
std::string comparable(const std::string& csv) {
    std::string out;
    out.reserve(csv.size());
    for (char c : csv)
        if (c != '\r') out += c;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) out.pop_back();
    return out;
}
} // namespace

std::size_t Pipeline::reevaluateSites(bool defaultOnly) {
    auto sites = store_.sites();
    if (sites.empty()) sites.push_back(store_.site());
    std::size_t n = 0;
    for (const auto& site : sites) {
        const auto table = store_.activeReferenceTable(site);
        if (!table || (defaultOnly && !table->site.empty())) continue;
        auto filter = store::StudyFilter{};
        filter.site = site;
        if (site == store_.site()) {
            n += store_.reevaluate(filter);
            continue;
        }
        // Another site's studies with that site's table.
        std::vector<rules::TableProblem> problems;
        auto parsed = rules::ReferenceTable::parse(table->csv, problems);
        if (!parsed) continue;
        const rules::LevelEvaluator theirs(std::move(*parsed), table->version, settings_.rules);
        store_.setEvaluator(&theirs);
        try {
            n += store_.reevaluate(filter);
        } catch (...) {
            store_.setEvaluator(evaluator_.get());
            throw;
        }
        store_.setEvaluator(evaluator_.get());
    }
    return n;
}

Pipeline::TableActivation Pipeline::activateReferenceTable(const std::string& csv, const std::string& source,
                                                          bool ownSite) {
    TableActivation a;
    refreshReferenceTable();
    a.version = evaluator_->tableVersion();
    if (!rules::ReferenceTable::parse(csv, a.problems)) return a;
    if (const auto active = replacedTable(ownSite); active && comparable(active->csv) == comparable(csv)) {
        a.unchanged = true;
        return a;
    }
    const int version = store_.addReferenceTable(csv, source, ownSite);
    refreshReferenceTable(); // this site's table, which the new version may or may not be
    if (ownSite) {
        store::StudyFilter mine;
        mine.site = store_.site();
        store_.reevaluate(mine);
    } else {
        reevaluateSites(true);
    }
    a.version = version;
    return a;
}

std::optional<store::ReferenceTableVersion> Pipeline::replacedTable(bool ownSite) {
    // The site's own when it has one, else the group's; the group's default (site ''), for it.
    return ownSite ? store_.activeReferenceTable() : store_.activeReferenceTable("");
}

Pipeline::TablePreview Pipeline::previewReferenceTable(const std::string& csv, bool ownSite) {
    TablePreview p;
    refreshReferenceTable();
    auto table = rules::ReferenceTable::parse(csv, p.problems);
    if (!table) return p;
    if (const auto active = replacedTable(ownSite); active && comparable(active->csv) == comparable(csv)) {
        p.unchanged = true;
        return p;
    }
    const rules::LevelEvaluator candidate(std::move(*table), evaluator_->tableVersion() + 1, settings_.rules);
    // A study's own flags by kind and metric; cumulative ones do not depend on the table.
    auto own = [](const std::vector<StudyFlag>& flags) {
        std::set<std::pair<std::string, std::string>> out;
        for (const auto& f : flags)
            if (f.kind != "cumulative") out.insert({f.kind, f.metric});
        return out;
    };
    // The studies it would apply to: this site's, or those of the sites that follow the default.
    store::StudyFilter applies;
    if (ownSite) applies.site = store_.site();
    const auto ownTables = ownSite ? std::vector<std::string>{} : store_.sitesWithOwnTables();
    for (const auto& s : store_.studies(applies)) {
        if (std::find(ownTables.begin(), ownTables.end(), s.site) != ownTables.end()) continue;
        ++p.studies;
        const StudyEvaluation next = candidate.evaluate(s.study, s.device, s.summary);
        const auto before = own(s.flags), after = own(next.flags);
        if (std::any_of(after.begin(), after.end(), [&](const auto& f) { return !before.count(f); })) ++p.gainFlags;
        if (std::any_of(before.begin(), before.end(), [&](const auto& f) { return !after.count(f); })) ++p.loseFlags;
        if (next.procedureId != (s.procedureId.empty() ? std::string(rules::kUnclassified) : s.procedureId)) ++p.reclassified;
    }
    return p;
}

namespace {

// Writes `data` to `target` through a flushed partial file, so that `target` is whole or absent.
void writeFlushed(const fs::path& target, const void* data, std::size_t size, std::error_code& ec) {
    const fs::path partial = partialName(target.string());
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
        out.flush();
        if (!out) ec = std::make_error_code(std::errc::io_error);
    }
    if (!ec) restrictToOwner(partial.string(), ec); // whatever the host's umask (Orthanc's)
    if (!ec && !dicom::syncPath(partial.string())) ec = std::error_code(errno, std::generic_category());
    if (!ec) fs::rename(partial, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
    }
}

void copyFile(const std::string& from, const fs::path& target, std::error_code& ec) {
    const fs::path partial = partialName(target.string());
    fs::copy_file(from, partial, fs::copy_options::overwrite_existing, ec);
    if (!ec) restrictToOwner(partial.string(), ec); // copy_file keeps the mode of the user's file
    if (!ec) fs::rename(partial, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(partial, ignored);
    }
}

} // namespace

std::string Pipeline::archive(const DoseObject& o, const Content& content, ArchivePolicy policy) {
    // Dose reports are small and are what `reprocess` needs; image headers point at their source
    // file, and a consumed image or a buffer is not kept at all (its pixel data is of no use here).
    if (o.kind == SourceKind::ImageHeaders)
        return policy == ArchivePolicy::CopyFile ? fs::absolute(content.path).string() : std::string();
    const std::string day = o.study.studyDate.empty() ? "undated" : o.study.studyDate;
    // One folder per day (a folder per study would cost a directory per object received).
    const fs::path dir = fs::path(settings_.dataDir) / "archive" / day;
    const fs::path target = dir / (o.study.studyUid + "_" + o.sopInstanceUid + ".dcm");
    std::error_code ec;
    // The archive's folders are the owner's alone, like its files (restrictToOwner).
    for (const fs::path& folder : {dir.parent_path(), dir})
        if (!ec && fs::create_directories(folder, ec)) fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (!ec) {
        switch (policy) {
        // The spool file is removed only after the commit: see store().
        case ArchivePolicy::MoveFile: linkOrCopy(content.path, target.string(), ec); break;
        case ArchivePolicy::CopyFile: copyFile(content.path, target, ec); break;
        case ArchivePolicy::WriteBytes: writeFlushed(target, content.data, content.size, ec); break;
        }
    }
    if (ec) throw Error("cannot keep the object in " + dir.string() + ": " + ec.message());
    return target.string();
}

dicom::ExtractOptions Pipeline::extractOptions(const ObjectSource& source) const {
    dicom::ExtractOptions extraction = settings_.extraction;
    if (!source.characterSetHint.empty()) extraction.defaultCharacterSet = source.characterSetHint;
    return extraction;
}

namespace {
// After a large object the heap holds many freed small blocks that glibc keeps unless asked: give
// them back, so that one 100 MB report does not leave the service 100 MB larger for good.
constexpr std::uintmax_t kLargeObject = 4 << 20;
void giveBackMemory(std::uintmax_t objectBytes) {
    if (objectBytes >= kLargeObject) ::malloc_trim(0);
}
} // namespace

IngestResult Pipeline::ingestFile(const std::string& path, ObjectSource source) {
    if (source.origin.empty()) source.origin = path;
    Content content;
    content.path = path;
    std::error_code ec;
    const std::uintmax_t bytes = fs::file_size(path, ec); // before the object may be moved into the archive
    IngestResult r = store(dicom::extractFile(path, extractOptions(source)), content, source);
    giveBackMemory(ec ? 0 : bytes);
    return r;
}

IngestResult Pipeline::ingestDataset(DcmDataset& dataset, const std::string& path, const ObjectSource& source) {
    Content content;
    content.path = path;
    dicom::Extraction x;
    try {
        x = dicom::extractDataset(dataset, extractOptions(source));
    } catch (const Error& e) {
        throw Error(source.origin + ": " + e.what());
    }
    return store(std::move(x), content, source);
}

IngestResult Pipeline::ingestBuffer(const void* data, std::size_t size, const ObjectSource& source) {
    Content content;
    content.data = data;
    content.size = size;
    ObjectSource bytes = source;
    bytes.archive = ArchivePolicy::WriteBytes;
    IngestResult r = store(dicom::extractBuffer(data, size, source.origin, extractOptions(source)), content, bytes);
    giveBackMemory(size);
    return r;
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

IngestResult Pipeline::store(dicom::Extraction x, const Content& content, const ObjectSource& source) {
    refreshReferenceTable();
    IngestResult result;
    result.studyUid = x.object.study.studyUid;
    // A consumed file goes once what it carries is committed (or there is nothing to keep).
    auto consumed = [&] {
        std::error_code ec;
        if (source.archive == ArchivePolicy::MoveFile) fs::remove(content.path, ec);
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
    try {
        result.outcome = commit(o, content, source);
    } catch (const store::DatabaseError&) {
        throw;
    } catch (const Error& e) {
        const std::string what = e.what();
        throw Error(what.rfind(source.origin, 0) == 0 ? what : source.origin + ": " + what);
    }
    // Only now, with the object committed and archived, may a spooled file go: a stop at any
    // earlier point leaves it in the spool to be stored again (or found a duplicate) at restart.
    consumed();
    return result;
}

IngestOutcome Pipeline::commit(const DoseObject& o, const Content& content, const ObjectSource& source) {
    store::ObjectMeta meta;
    meta.patientKey = keyer_.keyFor(o.study.patientId, o.study.issuerOfPatientId);
    meta.receivedAt = nowUtc();
    meta.keepPatientIdentifiers = settings_.storePatientIdentifiers;
    meta.filePath = archive(o, content, source.archive);
    try {
        switch (store_.add(o, meta)) {
        case store::AddOutcome::Created: return IngestOutcome::Created;
        case store::AddOutcome::Updated: return IngestOutcome::Updated;
        case store::AddOutcome::Duplicate: return IngestOutcome::Duplicate;
        }
        return IngestOutcome::Duplicate;
    } catch (...) {
        // The archived copy goes with the failed commit, unless another pipeline stored the same
        // object meanwhile: its row refers to that file.
        bool storedMeanwhile = false;
        try {
            storedMeanwhile = store_.hasObject(o.study.studyUid, o.sopInstanceUid);
        } catch (...) {
        }
        std::error_code ec;
        if (o.kind != SourceKind::ImageHeaders && !meta.filePath.empty() && !storedMeanwhile) fs::remove(meta.filePath, ec);
        if (storedMeanwhile) return IngestOutcome::Duplicate;
        throw;
    }
}

} // namespace fa
