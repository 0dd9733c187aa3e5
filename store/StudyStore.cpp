#include "store/StudyStore.h"

#include "store/Guard.h"
#include "core/Clock.h"
#include "core/Error.h"
#include "store/FlagRows.h"
#include "store/Rows.h"
#include "store/Database.h"
#include "store/Schema.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>

#include <map>
#include <functional>
#include <mutex>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

StudyStore::StudyStore(const StoreLocation& location, Durability durability) {
    try {
        db_ = std::make_unique<Database>(location.where, durability, location.passwordFile);
        db_->connect();
        migrate(*db_);
    } catch (...) {
        failed("cannot open the study database");
    }
}

void StudyStore::recover() {
    if (!reopen_) return;
    // After a write failed for lack of space, SQLite may keep the connection's pager in its error
    // state (and a PostgreSQL connection may have been lost): a fresh connection sees things as
    // they are now.
    reopen_ = false;
    try {
        db_->reopen();
    } catch (...) {
        reopen_ = true; // still away: the next call tries again
        throw;
    }
}

StudyStore::~StudyStore() = default;

bool StudyStore::hasObject(const std::string& studyUid, const std::string& sopInstanceUid) {
    return guarded([&]() -> bool {
        return db_->run("SELECT 1 FROM source_objects WHERE study_uid = ? AND sop_instance_uid = ?",
                        {studyUid, sopInstanceUid})
                   .rows() > 0;
    });
}

AddOutcome StudyStore::add(const DoseObject& o, const ObjectMeta& meta) {
    return guarded([&]() -> AddOutcome {
        // Services of a group write at once: the same object or a new study arriving at two of them
        // makes one transaction fail on a unique key; run again, it finds what the other stored.
        for (int attempt = 1;; ++attempt) {
            try {
                return addOnce(o, meta);
            } catch (const Poco::Exception& e) {
                if (attempt < 5 && db_->retryable(e)) continue;
                failed("cannot store object " + o.sopInstanceUid);
            } catch (...) {
                failed("cannot store object " + o.sopInstanceUid);
            }
        }
    });
}

AddOutcome StudyStore::addOnce(const DoseObject& o, const ObjectMeta& meta) {
    Poco::Data::Transaction tx(db_->session());
    // The patient, then the study's row, locked until commit (PostgreSQL): another service adding
    // to the same study waits and then computes its summary with this object in it, and one
    // adding a study of the same patient (whose cumulative flags span both) waits its turn
    // instead of deadlocking.
    if (!meta.patientKey.empty()) db_->lockForTransaction("fluoroaudit patient " + meta.patientKey);
    const bool existing =
        db_->run("SELECT study_uid FROM studies WHERE study_uid = ?" + db_->forUpdate(), {o.study.studyUid}).rows() > 0;
    if (hasObject(o.study.studyUid, o.sopInstanceUid)) return AddOutcome::Duplicate;
    const CountKey before = existing ? countKey(*db_, o.study.studyUid) : std::nullopt;
    const Result others = db_->run("SELECT study_uid FROM source_objects WHERE sop_instance_uid = ?", {o.sopInstanceUid});
    const Columns otherStudies(others);
    // Copied only to add warnings: a report or procedure step may hold 200,000 events.
    std::optional<DoseObject> withWarnings;
    if (otherStudies.rows() > 0) withWarnings = o;
    for (std::size_t r = 0; r < otherStudies.rows(); ++r)
        withWarnings->warnings.push_back(
            warning("sop-instance-reused", text("warn.sopReused", {{"uid", otherStudies.text("study_uid", r)}})));
    const DoseObject& object = withWarnings ? *withWarnings : o;
    if (!existing) insertStudyShell(*db_, object, meta, site_);
    else fillStudyBlanks(*db_, object, meta);
    insertObject(*db_, object, meta, site_);

    const std::vector<DoseObject> stored = existing ? objectsOf(o.study.studyUid) : std::vector<DoseObject>{};
    const std::vector<const DoseObject*> objects = existing ? pointersTo(stored) : std::vector<const DoseObject*>{&object};
    const StudySummary summary = summarize(objects);
    writeSummary(*db_, o.study.studyUid, objects, summary, meta.receivedAt, evaluator_);
    // Only a dose report can change what is mapped (images, summaries and steps never outrank one):
    // the hundreds of images that follow a report do not map the study again each.
    if (o.kind == SourceKind::Rdsr) mapSkin(o.study.studyUid, objects, summary, meta.receivedAt);
    if (evaluator_) evaluateStudy(*db_, o.study.studyUid, *evaluator_, meta.receivedAt);
    moveCount(*db_, before, countKey(*db_, o.study.studyUid));
    tx.commit();
    return existing ? AddOutcome::Updated : AddOutcome::Created;
}

std::size_t StudyStore::reevaluateAll() { return reevaluate({}); }

std::size_t StudyStore::reevaluate(const StudyFilter& filter) {
    return guarded([&]() -> std::size_t {
        if (!evaluator_) return 0;
        const std::vector<std::string> uids = selectStudyUids(*db_, filter);
        const std::string stamp = nowUtc();
        try {
            Poco::Data::Transaction tx(db_->session());
            // A study whose figures and procedure come out the same keeps its updated_at and revision.
            const std::string signature =
                "SELECT updated_at, revision, COALESCE(manufacturer, '') || '|' || COALESCE(model, '') || '|' || "
                "COALESCE(serial_number, '') || '|' || COALESCE(station_name, '') || '|' || "
                "COALESCE(CAST(irradiation_events AS TEXT), '') || '|' || COALESCE(CAST(fluoro_time_s AS TEXT), '') || '|' || "
                "COALESCE(CAST(acquisition_time_s AS TEXT), '') || '|' || COALESCE(CAST(exposure_time_s AS TEXT), '') || '|' || "
                "COALESCE(CAST(dap_gym2 AS TEXT), '') || '|' || COALESCE(CAST(dose_rp_gy AS TEXT), '') || '|' || "
                "COALESCE(CAST(frames AS TEXT), '') || '|' || COALESCE(source, '') || '|' || "
                "COALESCE(CAST(estimated_dose_usv AS TEXT), '') || '|' || COALESCE(procedure_id, '') || '|' || "
                "COALESCE(procedure_name, '') FROM studies WHERE study_uid = ?";
            for (const auto& uid : uids) {
                std::string updatedBefore, before, updatedAfter, after;
                Poco::Int64 revisionBefore = 0, revisionAfter = 0;
                *db_ << signature, bind(uid), into(updatedBefore), into(revisionBefore), into(before), now;
                const CountKey counted = countKey(*db_, uid);
                const std::vector<DoseObject> stored = objectsOf(uid);
                const auto objects = pointersTo(stored);
                writeSummary(*db_, uid, objects, summarize(objects), stamp, evaluator_);
                evaluateStudy(*db_, uid, *evaluator_, stamp);
                moveCount(*db_, counted, countKey(*db_, uid));
                *db_ << signature, bind(uid), into(updatedAfter), into(revisionAfter), into(after), now;
                if (before == after)
                    *db_ << "UPDATE studies SET updated_at = ?, revision = ? WHERE study_uid = ?", bind(updatedBefore),
                        bind(revisionBefore), bind(uid), now;
            }
            tx.commit();
        } catch (...) {
            failed("cannot re-evaluate the studies");
        }
        return uids.size();
    });
}

namespace {
// A flag with its study's UID, date and procedure (columns study_uid, study_date, procedure_id).
FlagRecord flagRecordFromRow(const Columns& c, std::size_t r) {
    FlagRecord x;
    x.site = c.text("site", r);
    x.studyUid = c.text("study_uid", r);
    x.studyDate = c.text("study_date", r);
    x.procedureId = c.text("procedure_id", r);
    x.flag = flagFromRow(c, r);
    return x;
}
} // namespace

std::vector<FlagRecord> StudyStore::flags(const FlagFilter& filter) {
    return guarded([&]() -> std::vector<FlagRecord> {
        std::string sql = "SELECT s.site, f.study_uid, s.study_date, s.procedure_id, f.kind, f.metric, f.value, f.level, "
                          "f.table_version, f.studies, f.review_state, COALESCE(f.first_raised_at, f.raised_at) AS raised_at "
                          "FROM flags f JOIN studies s ON s.study_uid = f.study_uid WHERE 1 = 1";
        std::string from = filter.fromDate, to = filter.toDate, kind = filter.kind, state = filter.reviewState;
        std::string since = filter.raisedSince, before = filter.raisedBefore, site = filter.site;
        Statement select(db_->session());
        if (!site.empty()) sql += " AND s.site = ?";
        if (!from.empty()) sql += " AND s.study_date >= ?";
        if (!to.empty()) sql += " AND s.study_date <= ?";
        if (!kind.empty()) sql += " AND f.kind = ?";
        if (!state.empty()) sql += " AND f.review_state = ?";
        if (!since.empty()) sql += " AND COALESCE(f.first_raised_at, f.raised_at) >= ?";
        if (!before.empty()) sql += " AND COALESCE(f.first_raised_at, f.raised_at) < ?";
        sql += " ORDER BY s.study_date, f.study_uid, f.seq";
        select << db_->dialect(sql);
        if (!site.empty()) select, use(site);
        if (!from.empty()) select, use(from);
        if (!to.empty()) select, use(to);
        if (!kind.empty()) select, use(kind);
        if (!state.empty()) select, use(state);
        if (!since.empty()) select, use(since);
        if (!before.empty()) select, use(before);
        select.execute();
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<FlagRecord> out;
        for (std::size_t r = 0; r < c.rows(); ++r) {
            out.push_back(flagRecordFromRow(c, r));
        }
        return out;
    });
}

std::vector<FlagAlert> StudyStore::flagsWithoutAlert(const std::vector<std::string>& kinds, const std::string& fromDate,
                                                     const std::string& raisedSince) {
    return guarded([&]() -> std::vector<FlagAlert> {
        std::string placeholders;
        for (std::size_t i = 0; i < kinds.size(); ++i) placeholders += i ? ", ?" : "?";
        if (kinds.empty()) return {};
        Statement select(db_->session());
        select << db_->dialect("SELECT s.site, f.study_uid, s.study_date, s.procedure_id, s.procedure_name, s.study_description, "
                  "s.accession_number, s.manufacturer, s.model, s.serial_number, s.station_name, f.kind, f.metric, "
                  "f.value, f.level, f.table_version, f.studies, f.review_state, "
                  "COALESCE(f.first_raised_at, f.raised_at) AS raised_at "
                  "FROM flags f JOIN studies s ON s.study_uid = f.study_uid "
                  "WHERE f.kind IN (" + placeholders + ") AND s.study_date >= ? "
                  "AND COALESCE(f.first_raised_at, f.raised_at) >= ? AND NOT EXISTS (SELECT 1 FROM alert_mails a "
                  "WHERE a.study_uid = f.study_uid AND a.kind = f.kind AND a.metric = f.metric)" +
                  std::string(site_.empty() ? "" : " AND s.site = ?") + " ORDER BY f.study_uid, f.seq");
        std::vector<std::string> values = kinds;
        values.push_back(fromDate);
        values.push_back(raisedSince);
        if (!site_.empty()) values.push_back(site_); // each site mails its own
        for (auto& v : values) select, use(v);
        select.execute();
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<FlagAlert> out;
        for (std::size_t r = 0; r < c.rows(); ++r) {
            FlagAlert a;
            a.record = flagRecordFromRow(c, r);
            a.procedureName = c.text("procedure_name", r);
            a.studyDescription = c.text("study_description", r);
            a.accessionNumber = c.text("accession_number", r);
            a.device.manufacturer = c.text("manufacturer", r);
            a.device.model = c.text("model", r);
            a.device.serial = c.text("serial_number", r);
            a.device.station = c.text("station_name", r);
            out.push_back(std::move(a));
        }
        return out;
    });
}

void StudyStore::recordAlertMail(const std::string& studyUid, const std::string& kind, const std::string& metric,
                                 const std::string& recipients) {
    guarded([&]() -> void {
        *db_ << "INSERT INTO alert_mails (study_uid, kind, metric, sent_at, recipients) VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (study_uid, kind, metric) DO NOTHING",
            bind(studyUid), bind(kind), bind(metric), bind(nowUtc()), bind(recipients), now;
    });
}

int StudyStore::addReferenceTable(const std::string& csv, const std::string& source, bool ownSite) {
    return guarded([&]() -> int {
        int version = 0;
        const std::string stamp = nowUtc();
        Poco::Data::Transaction tx(db_->session());
        *db_ << "SELECT COALESCE(MAX(version), 0) + 1 FROM reference_tables", into(version), now;
        *db_ << "INSERT INTO reference_tables (version, activated_at, source, csv, site) VALUES (?, ?, ?, ?, ?)",
            bind(version), bind(stamp), bind(source), bind(csv), bind(ownSite ? site_ : std::string()), now;
        tx.commit();
        return version;
    });
}

std::vector<ReferenceTableVersion> StudyStore::referenceTableHistory() {
    return guarded([&]() -> std::vector<ReferenceTableVersion> {
        Statement select(db_->session());
        std::string site = site_;
        select << db_->dialect("SELECT version, activated_at, source, csv, site FROM reference_tables "
                               "WHERE site = '' OR site = ? ORDER BY version"),
            use(site), now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<ReferenceTableVersion> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({static_cast<int>(c.integer("version", r).value_or(0)), c.text("activated_at", r),
                           c.text("source", r), c.text("csv", r), c.text("site", r)});
        return out;
    });
}

std::optional<ReferenceTableVersion> StudyStore::activeReferenceTable() { return activeReferenceTable(site_); }

std::optional<ReferenceTableVersion> StudyStore::activeReferenceTable(const std::string& site) {
    return guarded([&]() -> std::optional<ReferenceTableVersion> {
        Statement select(db_->session());
        std::string of = site;
        // The site's own newest, else the group's newest.
        select << db_->dialect("SELECT version, activated_at, source, csv, site FROM reference_tables "
                               "WHERE site = '' OR site = ? ORDER BY CASE WHEN site = '' THEN 1 ELSE 0 END, version DESC "
                               "LIMIT 1"),
            use(of), now;
        RecordSet rs(select);
        const Columns c(rs);
        if (c.rows() == 0) return std::nullopt;
        return ReferenceTableVersion{static_cast<int>(c.integer("version", 0).value_or(0)), c.text("activated_at", 0),
                                     c.text("source", 0), c.text("csv", 0), c.text("site", 0)};
    });
}

std::vector<std::string> StudyStore::sitesWithOwnTables() {
    return guarded([&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        *db_ << "SELECT DISTINCT site FROM reference_tables WHERE site <> '' ORDER BY site", into(out), now;
        return out;
    });
}

bool StudyStore::replace(const DoseObject& o) {
    return guarded([&]() -> bool {
        try {
            Poco::Data::Transaction tx(db_->session());
            if (!hasObject(o.study.studyUid, o.sopInstanceUid)) return false;
            const CountKey counted = countKey(*db_, o.study.studyUid);
            replaceObjectContent(*db_, o);
            const std::vector<DoseObject> stored = objectsOf(o.study.studyUid);
            const auto objects = pointersTo(stored);
            const std::string stamp = nowUtc();
            const StudySummary summary = summarize(objects);
            writeSummary(*db_, o.study.studyUid, objects, summary, stamp, evaluator_);
            mapSkin(o.study.studyUid, objects, summary, stamp);
            if (evaluator_) evaluateStudy(*db_, o.study.studyUid, *evaluator_, stamp);
            moveCount(*db_, counted, countKey(*db_, o.study.studyUid));
            tx.commit();
            return true;
        } catch (...) {
            failed("cannot re-store object " + o.sopInstanceUid);
        }
    });
}

std::vector<StudyStore::KeptFile> StudyStore::keptFiles() {
    return guarded([&]() -> std::vector<StudyStore::KeptFile> {
        Statement select(db_->session());
        select << db_->dialect("SELECT study_uid, sop_instance_uid, file_path FROM source_objects "
                  "WHERE file_path IS NOT NULL AND file_path <> '' ORDER BY arrival"),
            now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<KeptFile> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({c.text("study_uid", r), c.text("sop_instance_uid", r), c.text("file_path", r)});
        return out;
    });
}

std::vector<DoseObject> StudyStore::objectsOf(const std::string& studyUid) {
    return guarded([&] { return snapshot([&] { return readObjects(*db_, studyUid); }); });
}

} // namespace fa::store

namespace fa::store {

int StudyStore::activeReferenceTableVersion() {
    return guarded([&]() -> int {
        // The site's own newest, else the group's newest (as activeReferenceTable).
        const Result r = db_->run("SELECT COALESCE((SELECT MAX(version) FROM reference_tables WHERE site = ? AND site <> ''), "
                                  "(SELECT MAX(version) FROM reference_tables WHERE site = ''), 0) AS version",
                                  {site_});
        return static_cast<int>(Columns(r).integer("version", 0).value_or(0));
    });
}

} // namespace fa::store

namespace fa::store {

int StudyStore::addStaffTable(const std::string& kind, const std::string& csv, const std::string& source) {
    return guarded([&]() -> int {
        int version = 0;
        Poco::Data::Transaction tx(db_->session());
        *db_ << "SELECT COALESCE(MAX(version), 0) + 1 FROM staff_tables", into(version), now;
        *db_ << "INSERT INTO staff_tables (version, kind, activated_at, source, csv) VALUES (?, ?, ?, ?, ?)",
            bind(version), bind(kind), bind(nowUtc()), bind(source), bind(csv), now;
        tx.commit();
        return version;
    });
}

std::optional<ReferenceTableVersion> StudyStore::activeStaffTable(const std::string& kind) {
    return guarded([&]() -> std::optional<ReferenceTableVersion> {
        Statement select(db_->session());
        select << db_->dialect("SELECT version, activated_at, source, csv FROM staff_tables WHERE kind = ? ORDER BY version DESC LIMIT 1"),
            bind(kind), now;
        RecordSet rs(select);
        const Columns c(rs);
        if (c.rows() == 0) return std::nullopt;
        return ReferenceTableVersion{static_cast<int>(c.integer("version", 0).value_or(0)), c.text("activated_at", 0),
                                     c.text("source", 0), c.text("csv", 0), ""};
    });
}

} // namespace fa::store

namespace fa::store {

void StudyStore::mapSkin(const std::string& studyUid, const std::vector<const DoseObject*>& objects,
                         const StudySummary& summary, const std::string& at) {
    if (!skin_) return;
    // Only dose reports carry beam geometry: a study of image headers alone is not mapped (and
    // costs its filing nothing more).
    const bool report = std::any_of(objects.begin(), objects.end(), [&](const DoseObject* o) {
        return o->kind == SourceKind::Rdsr && !o->events.empty() &&
               std::find(summary.countedObjects.begin(), summary.countedObjects.end(), o->sopInstanceUid) !=
                   summary.countedObjects.end();
    });
    if (report) writeSkinDose(*db_, studyUid, objects, summary.countedObjects, *skin_, at);
}

std::optional<SkinDoseResult> StudyStore::skinDose(const std::string& studyUid) {
    return guarded([&] { return snapshot([&] { return readSkinDose(*db_, studyUid); }); });
}

} // namespace fa::store
