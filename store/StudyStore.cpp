#include "store/StudyStore.h"

#include "core/Error.h"
#include "store/Rows.h"
#include "store/Schema.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>

#include <map>
#include <mutex>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

std::once_flag registerOnce;

const char* kStudyColumns =
    "study_uid, patient_key, patient_id, issuer_of_patient_id, patient_name, patient_birth_date, patient_sex, "
    "study_date, study_time, accession_number, study_description, requested_procedure, performed_procedure, "
    "protocol_name, procedure_codes, manufacturer, model, serial_number, station_name, irradiation_events, "
    "fluoro_events, acquisition_events, fluoro_time_s, acquisition_time_s, exposure_time_s, dap_gym2, dose_rp_gy, "
    "frames, planes, source, object_count, created_at, updated_at";

} // namespace

StudyStore::StudyStore(const std::string& path, Durability durability) {
    std::call_once(registerOnce, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    try {
        session_ = std::make_unique<Poco::Data::Session>("SQLite", path);
        *session_ << "PRAGMA journal_mode=WAL", now;
        *session_ << (durability == Durability::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"), now;
        *session_ << "PRAGMA foreign_keys=ON", now;
        *session_ << "PRAGMA busy_timeout=10000", now;
        migrate(*session_);
    } catch (const Poco::Exception& e) {
        throw Error("cannot open the study database " + path + ": " + e.displayText());
    }
}

StudyStore::~StudyStore() = default;

bool StudyStore::hasObject(const std::string& studyUid, const std::string& sopInstanceUid) {
    int n = 0;
    *session_ << "SELECT COUNT(*) FROM source_objects WHERE study_uid = ? AND sop_instance_uid = ?", bind(studyUid),
        bind(sopInstanceUid), into(n), now;
    return n > 0;
}

AddOutcome StudyStore::add(const DoseObject& o, const ObjectMeta& meta) {
    try {
        Poco::Data::Transaction tx(*session_);
        if (hasObject(o.study.studyUid, o.sopInstanceUid)) return AddOutcome::Duplicate;
        std::vector<std::string> otherStudies;
        *session_ << "SELECT study_uid FROM source_objects WHERE sop_instance_uid = ?", bind(o.sopInstanceUid),
            into(otherStudies), now;
        DoseObject object = o;
        for (const auto& other : otherStudies)
            object.warnings.push_back(Warning{"sop-instance-reused",
                                              "the same SOP Instance UID was also received for study " + other +
                                                  " (an edited or re-anonymised copy?)",
                                              1});
        int existing = 0;
        *session_ << "SELECT COUNT(*) FROM studies WHERE study_uid = ?", bind(o.study.studyUid), into(existing), now;
        if (existing == 0) insertStudyShell(*session_, object, meta);
        else fillStudyBlanks(*session_, object, meta);
        insertObject(*session_, object, meta);

        std::vector<DoseObject> objects = existing ? objectsOf(o.study.studyUid) : std::vector<DoseObject>{object};
        writeSummary(*session_, o.study.studyUid, objects, summarize(objects), meta.receivedAt);
        tx.commit();
        return existing ? AddOutcome::Updated : AddOutcome::Created;
    } catch (const Poco::Exception& e) {
        throw Error("cannot store object " + o.sopInstanceUid + ": " + e.displayText());
    }
}

bool StudyStore::replace(const DoseObject& o) {
    try {
        Poco::Data::Transaction tx(*session_);
        if (!hasObject(o.study.studyUid, o.sopInstanceUid)) return false;
        replaceObjectContent(*session_, o);
        const std::vector<DoseObject> objects = objectsOf(o.study.studyUid);
        Poco::DateTime now;
        writeSummary(*session_, o.study.studyUid, objects, summarize(objects),
                     Poco::DateTimeFormatter::format(now, Poco::DateTimeFormat::ISO8601_FORMAT));
        tx.commit();
        return true;
    } catch (const Poco::Exception& e) {
        throw Error("cannot re-store object " + o.sopInstanceUid + ": " + e.displayText());
    }
}

std::vector<StudyStore::KeptFile> StudyStore::keptFiles() {
    Statement select(*session_);
    select << "SELECT study_uid, sop_instance_uid, file_path FROM source_objects "
              "WHERE file_path IS NOT NULL AND file_path <> '' ORDER BY arrival",
        now;
    RecordSet rs(select);
    std::vector<KeptFile> out;
    for (std::size_t r = 0; r < rs.rowCount(); ++r)
        out.push_back({rs.value(0, r).convert<std::string>(), rs.value(1, r).convert<std::string>(),
                       rs.value(2, r).convert<std::string>()});
    return out;
}

std::vector<DoseObject> StudyStore::objectsOf(const std::string& studyUid) {
    return readObjects(*session_, studyUid);
}

std::vector<StudyRecord> StudyStore::studies(const StudyFilter& filter) {
    std::string sql = std::string("SELECT ") + kStudyColumns + " FROM studies WHERE 1 = 1";
    Statement select(*session_);
    std::string from = filter.fromDate, to = filter.toDate;
    if (!from.empty()) sql += " AND study_date >= ?";
    if (!to.empty()) sql += " AND study_date <= ?";
    sql += " ORDER BY study_date, study_time, study_uid";
    select << sql;
    if (!from.empty()) select, use(from);
    if (!to.empty()) select, use(to);
    select.execute();
    RecordSet rs(select);
    std::vector<StudyRecord> out;
    for (std::size_t row = 0; row < rs.rowCount(); ++row) out.push_back(readStudyRow(rs, row));
    for (auto& r : out) {
        r.warnings = readStudyWarnings(*session_, r.study.studyUid);
        r.summary.countedObjects = readCountedObjects(*session_, r.study.studyUid);
    }
    return out;
}

std::optional<StudyRecord> StudyStore::study(const std::string& studyUid) {
    Statement select(*session_);
    std::string uid = studyUid;
    select << std::string("SELECT ") + kStudyColumns + " FROM studies WHERE study_uid = ?", use(uid), now;
    RecordSet rs(select);
    if (rs.rowCount() == 0) return std::nullopt;
    StudyRecord r = readStudyRow(rs, 0);
    r.warnings = readStudyWarnings(*session_, studyUid);
    r.summary.countedObjects = readCountedObjects(*session_, studyUid);
    return r;
}

} // namespace fa::store
