// Which studies a FHIR server has of this site (migration 19), for audit/FhirPusher.
#include "core/Clock.h"
#include "store/Columns.h"
#include "store/Guard.h"
#include "store/StudyStore.h"

#include <Poco/Data/Transaction.h>
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timespan.h>

namespace fa::store {

namespace {

// A day before the latest change sent: a study whose change was written by a transaction that
// committed after later ones (a long re-evaluation) is still found, without reading every study
// ever sent.
std::string windowStart(Database& db, const std::string& site) {
    const Result rs = db.run("SELECT MAX(updated_at) AS latest FROM fhir_pushes WHERE site = ?", {site});
    const Columns c(rs);
    if (c.rows() == 0) return "";
    const std::string latest = c.text("latest", 0);
    if (latest.empty()) return "";
    Poco::DateTime at;
    int zone = 0;
    if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, latest, at, zone)) return "";
    at -= Poco::Timespan(1, 0, 0, 0, 0);
    return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%SZ");
}

std::string pendingWhere(const std::string& since, const std::string& from, std::vector<Value>& values,
                         const std::string& site) {
    std::string where = " WHERE s.site = ?";
    values.push_back(site);
    if (!from.empty()) {
        where += " AND s.updated_at >= ?";
        values.push_back(from);
    }
    if (!since.empty()) {
        where += " AND s.study_date >= ?";
        values.push_back(since);
    }
    return where;
}

} // namespace

std::vector<FhirPending> StudyStore::fhirPending(const std::string& since, std::size_t limit) {
    return guarded([&]() -> std::vector<FhirPending> {
        const Result rs = snapshot([&] {
            std::vector<Value> values;
            const std::string sql = "SELECT s.study_uid, s.updated_at, s.revision FROM studies s LEFT JOIN fhir_pushes p ON p.study_uid = "
                                    "s.study_uid" +
                                    pendingWhere(since, windowStart(*db_, site_), values, site_) +
                                    " AND (p.revision IS NULL OR p.revision <> s.revision) ORDER BY s.updated_at, "
                                    "s.study_uid LIMIT ?";
            values.push_back(static_cast<long long>(limit));
            return db_->run(sql, values);
        });
        const Columns c(rs);
        std::vector<FhirPending> out;
        for (std::size_t r = 0; r < c.rows(); ++r) out.push_back({c.text("study_uid", r), c.text("updated_at", r), c.integer("revision", r).value_or(0)});
        return out;
    });
}

void StudyStore::recordFhirSent(const std::vector<FhirPending>& studies, const std::string& refusal) {
    guarded([&] {
        try {
            Poco::Data::Transaction tx(db_->session());
            const std::string at = nowUtc();
            for (const auto& s : studies)
                db_->run("INSERT INTO fhir_pushes (study_uid, site, revision, updated_at, sent_at, refusal) VALUES (?, ?, ?, ?, ?, ?) "
                         "ON CONFLICT (study_uid) DO UPDATE SET site = excluded.site, revision = excluded.revision, "
                         "updated_at = excluded.updated_at, sent_at = excluded.sent_at, refusal = excluded.refusal",
                         {s.studyUid, site_, Value(s.revision), s.updatedAt, at, refusal.empty() ? Value() : Value(refusal)});
            tx.commit();
        } catch (...) {
            failed("cannot record what the FHIR server took");
        }
    });
}

std::pair<std::size_t, std::size_t> StudyStore::fhirCounts(const std::string& since) {
    return guarded([&]() -> std::pair<std::size_t, std::size_t> {
        const Result rs = snapshot([&] {
            std::vector<Value> values;
            const std::string sql =
                "SELECT SUM(CASE WHEN p.revision IS NULL OR p.revision <> s.revision THEN 1 ELSE 0 END) AS pending, "
                "SUM(CASE WHEN p.revision = s.revision AND p.refusal IS NOT NULL THEN 1 ELSE 0 END) AS refused "
                "FROM studies s LEFT JOIN fhir_pushes p ON p.study_uid = s.study_uid" +
                pendingWhere(since, "", values, site_);
            return db_->run(sql, values);
        });
        const Columns c(rs);
        if (c.rows() == 0) return {0, 0};
        return {static_cast<std::size_t>(c.integer("pending", 0).value_or(0)),
                static_cast<std::size_t>(c.integer("refused", 0).value_or(0))};
    });
}

} // namespace fa::store
