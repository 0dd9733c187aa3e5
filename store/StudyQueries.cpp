// Listing and counting studies with a filter, and one study with what belongs to it.
#include "store/StudyStore.h"

#include "core/Error.h"
#include "store/Columns.h"
#include "store/FlagRows.h"
#include "store/Guard.h"
#include "store/Rows.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <tuple>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

// `text` matched literally by LIKE ... ESCAPE '\\': a name with % or _ finds only itself.
std::string likeLiteral(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// WHERE clause and its values for a StudyFilter, over studies aliased s.
struct StudyWhere {
    std::string sql = " WHERE 1 = 1";
    std::vector<std::string> values;

    // `date`: the study date column; Database::unindexed for one checked on every row rather than
    // looked up in its index: reading all of a period's rows, a scan of the table costs a third of an
    // index walk that fetches each row apart, and most periods asked for cover most of the store.
    explicit StudyWhere(const StudyFilter& f, const std::string& dateColumn = "s.study_date") {
        auto add = [&](const std::string& condition, const std::string& value) {
            sql += condition;
            values.push_back(value);
        };
        const std::string date = " AND " + dateColumn;
        if (!f.site.empty()) add(" AND s.site = ?", f.site);
        if (!f.fromDate.empty()) add(date + " >= ?", f.fromDate);
        if (!f.toDate.empty()) add(date + " <= ?", f.toDate);
        // Written so that an index serves them (a function of the column would hide it).
        if (f.procedureId == "unclassified") sql += " AND (s.procedure_id IS NULL OR s.procedure_id = 'unclassified')";
        else if (!f.procedureId.empty()) add(" AND s.procedure_id = ?", f.procedureId);
        if (f.device == kUnnamedDevice) sql += " AND COALESCE(NULLIF(s.station_name, ''), s.model, '') = ''";
        else if (!f.device.empty()) add(" AND COALESCE(NULLIF(s.station_name, ''), s.model) = ?", f.device);
        if (!f.operatorName.empty()) add(" AND LOWER(s.operators) LIKE LOWER(?) ESCAPE '\\'", "%" + likeLiteral(f.operatorName) + "%");
        if (!f.flagKind.empty())
            add(" AND EXISTS (SELECT 1 FROM flags x WHERE x.study_uid = s.study_uid AND x.kind = ?)", f.flagKind);
        if (!f.reviewState.empty())
            add(" AND EXISTS (SELECT 1 FROM flags x WHERE x.study_uid = s.study_uid AND x.review_state = ?)",
                f.reviewState);
        if (!f.search.empty()) {
            // The beginning of a UID as a range of the UID's index: [text, text with its last
            // character one higher).
            std::string upper = f.search;
            if (static_cast<unsigned char>(upper.back()) < 0x7f) {
                ++upper.back();
                add(" AND (s.accession_number = ? OR (s.study_uid >= ? AND s.study_uid < ?))", f.search);
                values.push_back(f.search);
                values.push_back(upper);
            } else {
                add(" AND (s.accession_number = ? OR s.study_uid LIKE ? ESCAPE '\\')", f.search);
                values.push_back(likeLiteral(f.search) + "%");
            }
        }
        if (!f.patientId.empty()) {
            add(" AND (s.patient_id = ? OR s.patient_key = ?)", f.patientId);
            values.push_back(f.patientKey);
        }
        if (f.flaggedOnly) sql += " AND s.flag_count > 0"; // index studies_flagged
        // The column and what one stored unit is in the unit shown; the bound is converted, so that
        // the column (REAL) is compared as it is stored and its index could serve.
        static const std::map<std::string, std::pair<const char*, double>> columns{
            {"shots", {"s.irradiation_events", 1}},     {"fluoro_time_s", {"s.fluoro_time_s", 1}},
            {"exposure_time_s", {"s.exposure_time_s", 1}}, {"dap_gycm2", {"s.dap_gym2", 1e4}},
            {"kar_mgy", {"s.dose_rp_gy", 1e3}},         {"psd_mgy", {"s.psd_gy", 1e3}}};
        for (const auto& r : f.ranges) {
            const auto it = columns.find(r.metric);
            if (it == columns.end()) throw Error("no such metric for a value range: " + r.metric);
            auto bound = [&](const char* op, double v) {
                char text[40];
                std::snprintf(text, sizeof text, "%.17g", v / it->second.second);
                add(std::string(" AND ") + it->second.first + op + "?", text);
            };
            if (r.min) bound(" >= ", *r.min);
            if (r.max) bound(" <= ", *r.max);
        }
    }

    static std::string orderBy(const StudyFilter& f) {
        // Each sort key is one or more expressions, each ascending unless marked (true); sorted
        // descending, every one turns. Keys follow an index of migrations 9 and 13 where one is.
        static const std::map<std::string, std::vector<std::pair<std::string, bool>>> columns{
            {"date", {{"s.study_date", false}, {"s.study_time", false}}},
            {"procedure", {{"s.procedure_id", false}, {"s.study_date", false}, {"s.study_time", false}}},
            {"device", {{"COALESCE(NULLIF(s.station_name, ''), s.model)", false}, {"s.study_date", false}, {"s.study_time", false}}},
            {"shots", {{"s.irradiation_events", false}}},
            {"fluoro_time_s", {{"s.fluoro_time_s", false}}},
            {"exposure_time_s", {{"s.exposure_time_s", false}}},
            {"dap_gycm2", {{"s.dap_gym2", false}}},
            {"kar_mgy", {{"s.dose_rp_gy", false}}},
            {"psd_mgy", {{"s.psd_gy", false}}}, // index studies_by_psd (migration 17)
            // unreviewed first (most unreviewed flags first), then most flags
            {"flags", {{"s.open_flags", true}, {"s.flag_count", true}, {"s.study_date", false}}},
        };
        auto it = columns.find(f.sort);
        const auto& keys = it == columns.end() ? columns.at("date") : it->second;
        std::string sql = " ORDER BY ";
        for (const auto& [k, reversed] : keys) sql += k + (f.descending != reversed ? " DESC" : "") + ", ";
        return sql + "s.study_uid" + (f.descending ? " DESC" : "");
    }

    std::string page(const StudyFilter& f) const {
        if (f.limit == 0) return {};
        return " LIMIT " + std::to_string(f.limit) + " OFFSET " + std::to_string(f.offset);
    }
};

} // namespace

std::vector<std::string> selectStudyUids(Database& s, const StudyFilter& filter) {
    const StudyWhere where(filter);
    const Result r = s.run("SELECT s.study_uid FROM studies s" + where.sql + " ORDER BY s.study_date, s.study_uid",
                           std::vector<Value>(where.values.begin(), where.values.end()));
    const Columns c(r);
    std::vector<std::string> uids;
    uids.reserve(c.rows());
    for (std::size_t row = 0; row < c.rows(); ++row) uids.push_back(c.text("study_uid", row));
    return uids;
}

namespace {

// The conditions on the kept counts (migration 14: per site, day, procedure and device) that say
// what `filter` says, with their values; nullopt when the filter asks what they do not keep.
std::optional<std::string> keptCountsWhere(const StudyFilter& filter, std::vector<std::string>& values) {
    if (!filter.operatorName.empty() || !filter.flagKind.empty() || !filter.reviewState.empty() ||
        !filter.search.empty() || !filter.patientId.empty() || filter.flaggedOnly || !filter.ranges.empty())
        return std::nullopt;
    std::string sql = " WHERE 1 = 1";
    auto add = [&](const char* condition, const std::string& value) {
        if (value.empty()) return;
        sql += condition;
        values.push_back(value);
    };
    add(" AND site = ?", filter.site);
    add(" AND study_date >= ?", filter.fromDate);
    add(" AND study_date <= ?", filter.toDate);
    if (filter.procedureId == "unclassified") sql += " AND procedure_id IN ('', 'unclassified')";
    else add(" AND procedure_id = ?", filter.procedureId);
    if (filter.device == kUnnamedDevice) sql += " AND device = ''";
    else add(" AND device = ?", filter.device);
    return sql;
}

} // namespace

std::size_t StudyStore::countStudies(const StudyFilter& filter) {
    return guarded([&]() -> std::size_t {
        // Filters of site, dates, procedure and device only: from the kept counts.
        std::vector<std::string> values;
        if (const auto where = keptCountsWhere(filter, values)) {
            Statement select(db_->session());
            select << db_->dialect("SELECT COALESCE(SUM(n), 0) FROM study_counts" + *where);
            for (auto& v : values) select, use(v);
            Poco::Int64 n = 0;
            select, into(n);
            select.execute();
            return static_cast<std::size_t>(n);
        }
        StudyWhere where(filter);
        Statement select(db_->session());
        select << db_->dialect("SELECT COUNT(*) FROM studies s" + where.sql);
        for (auto& v : where.values) select, use(v);
        int n = 0;
        select, into(n);
        select.execute();
        return static_cast<std::size_t>(n);
    });
}

namespace {
// Calls `each` for every row of `sql` run with `values` bound in order.
void eachRow(Database& session, const std::string& sql, std::vector<std::string> values,
             const std::function<void(const Columns&, std::size_t)>& each) {
    Statement select(session.session());
    select << session.dialect(sql);
    for (auto& v : values) select, use(v);
    select.execute();
    RecordSet rs(select);
    const Columns c(rs);
    for (std::size_t r = 0; r < c.rows(); ++r) each(c, r);
}
} // namespace

std::vector<OverviewRow> StudyStore::overview(const StudyFilter& filter) {
    return guarded([&]() -> std::vector<OverviewRow> {
        // Two grouped queries: the studies (from the date-device-procedure index alone), and the open
        // flags from their own index (few beside the studies) joined to their studies.
        StudyWhere where(filter);
        const std::string group = "SELECT s.site, COALESCE(NULLIF(s.station_name, ''), s.model, '') AS device, "
                                  "COALESCE(s.procedure_id, 'unclassified') AS procedure_id, ";
        std::map<std::tuple<std::string, std::string, std::string>, OverviewRow> rows;
        auto row = [&](const Columns& c, std::size_t r) -> OverviewRow& {
            OverviewRow& o = rows[{c.text("site", r), c.text("device", r), c.text("procedure_id", r)}];
            o.site = c.text("site", r);
            o.device = c.text("device", r);
            o.procedureId = c.text("procedure_id", r);
            return o;
        };
        auto studies = [&](const Columns& c, std::size_t r) {
            row(c, r).studies += static_cast<std::size_t>(c.integer("n", r).value_or(0)); // '' and unclassified: one row
        };
        // The studies per site, device and procedure: from the kept counts when they can say it.
        std::vector<std::string> kept;
        if (const auto keptWhere = keptCountsWhere(filter, kept))
            eachRow(*db_, "SELECT site, device, CASE WHEN procedure_id = '' THEN 'unclassified' ELSE procedure_id END AS "
                          "procedure_id, CAST(SUM(n) AS BIGINT) AS n FROM study_counts" + *keptWhere + " GROUP BY 1, 2, 3",
                    kept, studies);
        else
            eachRow(*db_, group + "COUNT(*) AS n FROM studies s" + where.sql + " GROUP BY 1, 2, 3", where.values, studies);
        eachRow(*db_,
                group + "COUNT(DISTINCT f.study_uid) AS studies_open, COUNT(*) AS open_flags FROM flags f "
                        "JOIN studies s ON s.study_uid = f.study_uid" +
                    where.sql + " AND f.review_state = 'unreviewed' GROUP BY 1, 2, 3",
                where.values, [&](const Columns& c, std::size_t r) {
                    OverviewRow& o = row(c, r);
                    o.studiesWithOpenFlags = static_cast<std::size_t>(c.integer("studies_open", r).value_or(0));
                    o.openFlags = static_cast<std::size_t>(c.integer("open_flags", r).value_or(0));
                });
        std::vector<OverviewRow> out;
        for (auto& [key, o] : rows) out.push_back(o);
        return out;
    });
}

std::vector<DescriptionCount> StudyStore::descriptionsOf(const std::string& procedureId, std::size_t limit) {
    return guarded([&]() -> std::vector<DescriptionCount> {
        Statement select(db_->session());
        select << db_->dialect("SELECT COALESCE(NULLIF(study_description, ''), NULLIF(requested_procedure, ''), "
                  "NULLIF(performed_procedure, ''), protocol_name, '') AS description, COUNT(*) AS n, "
                  "MAX(study_date) AS latest FROM studies WHERE COALESCE(NULLIF(procedure_id, ''), 'unclassified') = ? "
                  "GROUP BY description ORDER BY n DESC, latest DESC LIMIT " +
                      std::to_string(limit)),
            useRef(procedureId), now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<DescriptionCount> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({c.text("description", r), static_cast<std::size_t>(c.integer("n", r).value_or(0)),
                           c.text("latest", r)});
        return out;
    });
}


std::vector<StudyRecord> StudyStore::studies(const StudyFilter& filter) {
    return guarded([&] { return snapshot([&]() -> std::vector<StudyRecord> {
        StudyWhere where(filter);
        // The page's studies, and in one query each their warnings, counted objects and flags (a
        // query per study would make a year's listing slow).
        std::vector<StudyRecord> out;
        std::map<std::string, std::size_t> index;
        eachRow(*db_,
                std::string("SELECT ") + kStudyColumns + " FROM studies s" + where.sql + StudyWhere::orderBy(filter) +
                    where.page(filter),
                where.values, [&](const Columns& c, std::size_t r) {
                    out.push_back(readStudyRow(c, r));
                    index[out.back().study.studyUid] = out.size() - 1;
                });
        if (out.empty()) return out;
        // A page names its studies (the filter and its sorting are not run again); a whole listing
        // is the filter's.
        std::string in;
        std::vector<std::string> inValues;
        if (where.page(filter).empty()) {
            in = " WHERE s.study_uid IN (SELECT s.study_uid FROM studies s" + where.sql + ")";
            inValues = where.values;
        } else {
            in = " WHERE s.study_uid IN (";
            for (const auto& x : out) {
                in += inValues.empty() ? "?" : ", ?";
                inValues.push_back(x.study.studyUid);
            }
            in += ")";
        }
        auto rows = [&](const std::string& sql, const std::function<void(const Columns&, std::size_t)>& each) {
            eachRow(*db_, sql, inValues, each);
        };
        auto of = [&](const Columns& c, std::size_t r) -> StudyRecord& { return out[index.at(c.text("study_uid", r))]; };
        rows("SELECT w.study_uid, w.code, w.message, w.count, w.text FROM study_warnings w JOIN studies s ON s.study_uid = "
             "w.study_uid" + in + " ORDER BY w.study_uid, w.seq",
             [&](const Columns& c, std::size_t r) {
                 of(c, r).warnings.push_back(readWarning(c, r));
             });
        rows("SELECT o.study_uid, o.sop_instance_uid FROM source_objects o JOIN studies s ON s.study_uid = o.study_uid" +
                 in + " AND o.counted = 1 ORDER BY o.arrival",
             [&](const Columns& c, std::size_t r) { of(c, r).summary.countedObjects.push_back(c.text("sop_instance_uid", r)); });
        rows("SELECT f.study_uid, f.kind, f.metric, f.value, f.level, f.table_version, f.studies, f.review_state, "
             "COALESCE(f.first_raised_at, f.raised_at) AS raised_at FROM flags f JOIN studies s ON s.study_uid = "
             "f.study_uid" + in + " ORDER BY f.study_uid, f.seq",
             [&](const Columns& c, std::size_t r) { of(c, r).flags.push_back(flagFromRow(c, r)); });
        return out;
    }); });
}

namespace {

// A query run on the engine's own interface (SQLite's, libpq's), for reads of many rows (statistics
// over the whole store), where a RecordSet (a Dynamic::Var per cell) costs ten times the query itself.
class RawRows {
public:
    RawRows(Database& db, const std::string& sql, const std::vector<std::string>& values) {
        if (db.engine() == Engine::PostgreSQL) {
            pg_ = static_cast<Poco::Data::PostgreSQL::SessionImpl*>(db.session().impl())->handle();
            std::vector<const char*> params;
            for (const auto& v : values) params.push_back(v.c_str());
            result_ = PQexecParams(pg_, db.dialect(sql).c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                                   nullptr, nullptr, 0);
            if (PQresultStatus(result_) != PGRES_TUPLES_OK) {
                const std::string why = PQresultErrorMessage(result_);
                PQclear(result_);
                throw Poco::Data::DataException(why);
            }
            rows_ = PQntuples(result_);
            return;
        }
        db_ = Poco::Data::SQLite::Utility::dbHandle(db.session());
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) fail();
        for (std::size_t i = 0; i < values.size(); ++i)
            if (sqlite3_bind_text(statement_, static_cast<int>(i + 1), values[i].c_str(), -1, SQLITE_TRANSIENT) != SQLITE_OK)
                fail();
    }
    ~RawRows() {
        if (statement_) sqlite3_finalize(statement_);
        if (result_) PQclear(result_);
    }
    RawRows(const RawRows&) = delete;
    RawRows& operator=(const RawRows&) = delete;

    // The rows there are (PostgreSQL: all of them are here; SQLite: 0, they come one by one).
    std::size_t size() const { return pg_ ? static_cast<std::size_t>(rows_) : 0; }
    bool next() {
        if (pg_) return ++row_ < rows_;
        const int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) fail();
        return false;
    }
    std::string text(int column) const {
        if (pg_) return PQgetisnull(result_, row_, column) ? std::string() : std::string(PQgetvalue(result_, row_, column));
        const auto* t = sqlite3_column_text(statement_, column);
        return t ? reinterpret_cast<const char*>(t) : "";
    }
    std::optional<double> real(int column) const {
        if (pg_) {
            if (PQgetisnull(result_, row_, column)) return std::nullopt;
            return std::strtod(PQgetvalue(result_, row_, column), nullptr);
        }
        if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_double(statement_, column);
    }
    std::optional<long long> integer(int column) const {
        if (pg_) {
            if (PQgetisnull(result_, row_, column)) return std::nullopt;
            return std::strtoll(PQgetvalue(result_, row_, column), nullptr, 10);
        }
        if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(statement_, column);
    }

private:
    [[noreturn]] void fail() const {
        throw Poco::Data::DataException(pg_ ? PQerrorMessage(pg_) : sqlite3_errmsg(db_));
    }
    sqlite3* db_ = nullptr;
    sqlite3_stmt* statement_ = nullptr;
    PGconn* pg_ = nullptr;
    PGresult* result_ = nullptr;
    int rows_ = 0, row_ = -1;
};

} // namespace

StudyFigures StudyFigures::of(const StudyRecord& s) {
    StudyFigures f;
    f.site = s.site;
    f.studyDate = s.study.studyDate;
    f.device = s.device;
    f.procedureId = s.procedureId;
    f.procedureName = s.procedureName;
    f.irradiationEvents = s.summary.irradiationEvents;
    f.fluoroTime_s = s.summary.fluoroTime_s;
    f.exposureTime_s = s.summary.exposureTime_s;
    f.dap_Gym2 = s.summary.dap_Gym2;
    f.doseRp_Gy = s.summary.doseRp_Gy;
    f.operators = s.study.operators;
    return f;
}

std::vector<StudyFigures> StudyStore::figures(const StudyFilter& filter, const FigureParts& parts) {
    return guarded([&]() -> std::vector<StudyFigures> {
        const bool whole = filter.limit == 0; // all of them, in no particular order
        StudyWhere where(filter, whole ? db_->unindexed("s.study_date") : "s.study_date");
        auto column = [](bool wanted, const char* name) { return std::string(wanted ? name : "''"); };
        RawRows rows(*db_,
                     "SELECT " + column(parts.date, "s.study_date") + ", " + column(parts.device, "s.manufacturer") + ", " +
                         column(parts.device, "s.model") + ", " + column(parts.device, "s.station_name") +
                         ", s.procedure_id, s.procedure_name, s.irradiation_events, s.fluoro_time_s, s.exposure_time_s, "
                         "s.dap_gym2, s.dose_rp_gy, " + column(parts.device, "s.serial_number") + ", " +
                         column(parts.operators, "s.operators") + ", " + column(parts.site, "s.site") + " FROM studies s" +
                         where.sql + (whole ? std::string() : StudyWhere::orderBy(filter) + where.page(filter)),
                     where.values);
        std::vector<StudyFigures> out;
        out.reserve(rows.size());
        while (rows.next()) {
            StudyFigures& x = out.emplace_back();
            x.studyDate = rows.text(0);
            x.device = DeviceInfo{rows.text(1), rows.text(2), rows.text(11), rows.text(3), ""};
            x.procedureId = rows.text(4);
            x.procedureName = rows.text(5);
            x.irradiationEvents = rows.integer(6);
            x.fluoroTime_s = rows.real(7);
            x.exposureTime_s = rows.real(8);
            x.dap_Gym2 = rows.real(9);
            x.doseRp_Gy = rows.real(10);
            x.operators = rows.text(12);
            x.site = rows.text(13);
        }
        return out;
    });
}

std::optional<StudyRecord> StudyStore::study(const std::string& studyUid) {
    return guarded([&] { return snapshot([&]() -> std::optional<StudyRecord> {
        Statement select(db_->session());
        std::string uid = studyUid;
        select << db_->dialect(std::string("SELECT ") + kStudyColumns + " FROM studies WHERE study_uid = ?"), use(uid), now;
        RecordSet rs(select);
        if (rs.rowCount() == 0) return std::nullopt;
        StudyRecord r = readStudyRow(Columns(rs), 0);
        r.warnings = readStudyWarnings(*db_, studyUid);
        r.summary.countedObjects = readCountedObjects(*db_, studyUid);
        r.flags = readFlags(*db_, studyUid);
        return r;
    }); });
}

} // namespace fa::store

namespace fa::store {

std::size_t StudyStore::eachStudy(const StudyFilter& filter, const std::function<void(const StudyRecord&)>& visit) {
    constexpr std::size_t kPage = 500;
    return guarded([&] {
        return snapshot([&] {
            StudyFilter page = filter;
            page.limit = kPage;
            page.offset = 0;
            for (;;) {
                const auto studies = this->studies(page);
                for (const auto& s : studies) visit(s);
                page.offset += studies.size();
                if (studies.size() < kPage) return page.offset;
            }
        });
    });
}

} // namespace fa::store
