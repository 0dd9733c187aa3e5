#include "plugin/Pipeline.h"

#include "core/Error.h"
#include "dicom/ObjectExtractor.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>

#include <filesystem>
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

std::string nowUtc() {
    return Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

} // namespace

Pipeline::Pipeline(const Settings& settings)
    : settings_(settings), keyer_(ensureDataDir(settings.dataDir) + "/site-secret"),
      store_(settings.dataDir + "/fluoroaudit.db") {}

std::string Pipeline::archive(const DoseObject& o, const std::string& path) {
    // Dose reports are small and are what `reprocess` needs; image headers point at their source.
    if (o.kind == SourceKind::ImageHeaders) return fs::absolute(path).string();
    const std::string day = o.study.studyDate.empty() ? "undated" : o.study.studyDate;
    const fs::path dir = fs::path(settings_.dataDir) / "archive" / day / o.study.studyUid;
    const fs::path target = dir / (o.sopInstanceUid + ".dcm");
    const fs::path partial = dir / (o.sopInstanceUid + ".dcm.partial");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) fs::copy_file(path, partial, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(partial, target, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw Error(path + ": cannot keep a copy in " + dir.string() + ": " + ec.message());
    }
    return target.string();
}

IngestResult Pipeline::ingestFile(const std::string& path) {
    dicom::Extraction x = dicom::extractFile(path, settings_.extraction);
    IngestResult result;
    result.studyUid = x.object.study.studyUid;
    if (!x.hasDoseContent) {
        result.detail = x.whyNot;
        return result;
    }
    const DoseObject& o = x.object;
    if (store_.hasObject(o.study.studyUid, o.sopInstanceUid)) {
        result.outcome = IngestOutcome::Duplicate;
        return result;
    }
    store::ObjectMeta meta;
    meta.patientKey = keyer_.keyFor(o.study.patientId, o.study.issuerOfPatientId);
    meta.receivedAt = nowUtc();
    meta.keepPatientIdentifiers = settings_.storePatientIdentifiers;
    meta.filePath = archive(o, path);
    try {
        switch (store_.add(o, meta)) {
        case store::AddOutcome::Created: result.outcome = IngestOutcome::Created; break;
        case store::AddOutcome::Updated: result.outcome = IngestOutcome::Updated; break;
        case store::AddOutcome::Duplicate: result.outcome = IngestOutcome::Duplicate; break;
        }
    } catch (const Error& e) {
        if (o.kind != SourceKind::ImageHeaders) {
            std::error_code ec;
            fs::remove(meta.filePath, ec);
        }
        throw Error(path + ": " + e.what());
    }
    return result;
}

} // namespace fa
