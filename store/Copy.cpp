// Moving a site's SQLite store into a group's PostgreSQL database (StudyStore::copyFrom): study by
// study, each with everything that belongs to it in one transaction, so that a copy stopped at any
// point resumes where it was and a copy run twice adds nothing.
#include "store/Guard.h"
#include "core/Clock.h"
#include "core/Error.h"

#include <Poco/Data/PostgreSQL/SessionImpl.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

namespace fa::store {

namespace {

// One row of a query, as text (what libpq's text parameters take; REAL as 17 significant digits,
// which read back are the same double).
using Row = std::vector<std::optional<std::string>>;

class Source {
public:
    explicit Source(const std::string& file) {
        if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "cannot open";
            sqlite3_close(db_);
            throw Error("cannot read the SQLite store " + file + ": " + why);
        }
        sqlite3_busy_timeout(db_, 60000);
        // One snapshot for the whole copy: what `serve` commits meanwhile is for the next run.
        exec("BEGIN");
        file_ = file;
    }
    ~Source() { sqlite3_close(db_); }
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    void exec(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
            throw Error("cannot read the SQLite store " + file_ + ": " + sqlite3_errmsg(db_));
    }
    // The columns of `table`, in order.
    std::vector<std::string> columns(const std::string& table) {
        std::vector<std::string> out;
        each("SELECT name FROM pragma_table_info('" + table + "')", {}, [&](const std::vector<std::string>&, const Row& r) {
            out.push_back(*r[0]);
        });
        return out;
    }
    void each(const std::string& sql, const std::vector<std::string>& values,
              const std::function<void(const std::vector<std::string>&, const Row&)>& visit) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            throw Error("cannot read the SQLite store " + file_ + ": " + sqlite3_errmsg(db_) + " (" + sql + ")");
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
        for (std::size_t i = 0; i < values.size(); ++i)
            sqlite3_bind_text(st, static_cast<int>(i + 1), values[i].c_str(), -1, SQLITE_TRANSIENT);
        std::vector<std::string> names;
        for (int c = 0; c < sqlite3_column_count(st); ++c) names.push_back(sqlite3_column_name(st, c));
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            Row row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                switch (sqlite3_column_type(st, c)) {
                case SQLITE_NULL: row.emplace_back(); break;
                case SQLITE_INTEGER: row.emplace_back(std::to_string(sqlite3_column_int64(st, c))); break;
                case SQLITE_FLOAT: {
                    char text[40];
                    std::snprintf(text, sizeof text, "%.17g", sqlite3_column_double(st, c));
                    row.emplace_back(text);
                    break;
                }
                default: row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
                }
            }
            visit(names, row);
        }
        if (rc != SQLITE_DONE) throw Error("cannot read the SQLite store " + file_ + ": " + sqlite3_errmsg(db_));
    }

private:
    sqlite3* db_ = nullptr;
    std::string file_;
};

class Target {
public:
    Target(PGconn* conn, std::string name) : conn_(conn), name_(std::move(name)) {}
    // Runs `sql` with `values` ($1..); the rows it returns.
    std::vector<Row> run(const std::string& sql, const Row& values = {}) {
        std::vector<const char*> params;
        for (const auto& v : values) params.push_back(v ? v->c_str() : nullptr);
        PGresult* r = PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                                   nullptr, 0);
        std::unique_ptr<PGresult, void (*)(PGresult*)> guard(r, PQclear);
        const auto status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            throw Error("the database " + name_ + " refused the copy: " + PQresultErrorMessage(r));
        std::vector<Row> out;
        for (int i = 0; i < PQntuples(r); ++i) {
            Row row;
            for (int c = 0; c < PQnfields(r); ++c)
                row.push_back(PQgetisnull(r, i, c) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, i, c)));
            out.push_back(std::move(row));
        }
        return out;
    }
    // INSERT of `row` (named by `names`) into `table`, leaving out `skip` and setting `overrides`.
    std::vector<Row> insert(const std::string& table, const std::vector<std::string>& names, Row row,
                            const std::map<std::string, std::string>& overrides = {}, const std::string& skip = "",
                            const std::string& tail = "") {
        std::string cols, marks;
        Row values;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == skip) continue;
            if (auto o = overrides.find(names[i]); o != overrides.end()) row[i] = o->second;
            cols += (cols.empty() ? "" : ", ") + names[i];
            values.push_back(row[i]);
            marks += (marks.empty() ? "$" : ", $") + std::to_string(values.size());
        }
        return run("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")" + tail, values);
    }

private:
    PGconn* conn_;
    std::string name_;
};

// The study's rows in the tables keyed by study.
const char* const kStudyTables[] = {"source_objects", "planes", "events", "object_warnings", "study_warnings", "flags",
                                    "alert_mails", "skin_doses", "follow_ups"};

} // namespace

CopyReport StudyStore::copyFrom(const std::string& sqliteFile, const std::string& patientKeySecret,
                                const std::function<void(const CopyReport&)>& progress) {
    return guarded([&]() -> CopyReport {
        if (db_->engine() != Engine::PostgreSQL) throw Error("a store is copied into PostgreSQL only");
        Source from(sqliteFile);
        Target to(static_cast<Poco::Data::PostgreSQL::SessionImpl*>(db_->session().impl())->handle(), db_->name());
        const std::string site = site_;
        CopyReport report;

        // The group's patient-key secret: this site's, when the group has none yet.
        const auto secret = to.run("SELECT value FROM group_settings WHERE name = 'patient-key-secret'");
        if (secret.empty()) {
            to.run("INSERT INTO group_settings (name, value) VALUES ('patient-key-secret', $1) ON CONFLICT (name) DO NOTHING",
                   {patientKeySecret});
            report.secretCopied = true;
        } else {
            report.secretDiffers = secret.front()[0] != patientKeySecret;
        }

        std::vector<std::string> uids;
        from.each("SELECT study_uid FROM studies ORDER BY study_uid", {},
                  [&](const std::vector<std::string>&, const Row& r) { uids.push_back(*r[0]); });
        report.studies = uids.size();
        std::map<std::string, std::vector<std::string>> columns;
        for (const char* t : {"studies", "source_objects", "planes", "events", "object_warnings", "study_warnings", "flags",
                              "alert_mails", "flag_reviews", "audit_runs", "audit_findings", "audit_trail", "users",
                              "reconcile_skipped", "reference_tables", "staff_tables", "skin_doses", "follow_ups"})
            columns[t] = from.columns(t);
        const std::map<std::string, std::string> ownSite{{"site", site}};
        auto siteOf = [&](const std::vector<std::string>& names, const Row& r) {
            for (std::size_t i = 0; i < names.size(); ++i)
                if (names[i] == "site" && r[i] && !r[i]->empty()) return std::map<std::string, std::string>{};
            return ownSite; // a row from before sites is this site's
        };

        for (const auto& uid : uids) {
            if (!to.run("SELECT 1 FROM studies WHERE study_uid = $1", {uid}).empty()) {
                ++report.alreadyThere;
            } else {
                to.run("BEGIN");
                try {
                    from.each("SELECT * FROM studies WHERE study_uid = ?", {uid},
                              [&](const std::vector<std::string>& n, const Row& r) { to.insert("studies", n, r, siteOf(n, r)); });
                    for (const char* t : kStudyTables)
                        from.each(std::string("SELECT * FROM ") + t + " WHERE study_uid = ?", {uid},
                                  [&](const std::vector<std::string>& n, const Row& r) {
                                      to.insert(t, n, r, std::string(t) == "source_objects" ? siteOf(n, r) : std::map<std::string, std::string>{});
                                  });
                    from.each("SELECT * FROM flag_reviews WHERE study_uid = ? ORDER BY id", {uid},
                              [&](const std::vector<std::string>& n, const Row& r) { to.insert("flag_reviews", n, r, siteOf(n, r), "id"); });
                    to.run("INSERT INTO study_counts (site, study_date, procedure_id, device, n) SELECT site, "
                           "COALESCE(study_date, ''), COALESCE(procedure_id, ''), COALESCE(NULLIF(station_name, ''), model, ''), 1 "
                           "FROM studies WHERE study_uid = $1 ON CONFLICT (site, study_date, procedure_id, device) "
                           "DO UPDATE SET n = study_counts.n + 1",
                           {uid});
                    to.run("COMMIT");
                } catch (...) {
                    to.run("ROLLBACK");
                    throw;
                }
                ++report.copied;
            }
            if (progress && (report.copied + report.alreadyThere) % 1000 == 0) progress(report);
        }

        // The site's audit runs with their findings (new ids: the group numbers them), once each.
        from.each("SELECT * FROM audit_runs ORDER BY id", {}, [&](const std::vector<std::string>& n, const Row& r) {
            std::map<std::string, std::string> v;
            for (std::size_t i = 0; i < n.size(); ++i) v[n[i]] = r[i].value_or("");
            const std::string runSite = v["site"].empty() ? site : v["site"];
            if (!to.run("SELECT 1 FROM audit_runs WHERE site = $1 AND started_at = $2 AND trigger = $3",
                        {runSite, v["started_at"], v["trigger"]})
                     .empty())
                return;
            to.run("BEGIN");
            try {
                const auto id = to.insert("audit_runs", n, r, siteOf(n, r), "id", " RETURNING id");
                from.each("SELECT * FROM audit_findings WHERE run_id = ?", {v["id"]},
                          [&](const std::vector<std::string>& fn, const Row& fr) {
                              to.insert("audit_findings", fn, fr, {{"run_id", *id.at(0)[0]}});
                          });
                to.run("COMMIT");
            } catch (...) {
                to.run("ROLLBACK");
                throw;
            }
            ++report.auditRuns;
        });
        // Who did what: each entry once.
        from.each("SELECT * FROM audit_trail ORDER BY id", {}, [&](const std::vector<std::string>& n, const Row& r) {
            std::map<std::string, std::string> v;
            for (std::size_t i = 0; i < n.size(); ++i) v[n[i]] = r[i].value_or("");
            if (to.run("SELECT 1 FROM audit_trail WHERE at = $1 AND username = $2 AND action = $3 AND detail = $4",
                       {v["at"], v["username"], v["action"], v["detail"]})
                    .empty())
                to.insert("audit_trail", n, r, {}, "id");
        });
        from.each("SELECT * FROM users", {}, [&](const std::vector<std::string>& n, const Row& r) {
            if (to.insert("users", n, r, {}, "", " ON CONFLICT (username) DO NOTHING RETURNING username").empty())
                report.usersKept.push_back(*r[0]);
        });
        from.each("SELECT * FROM reconcile_skipped", {}, [&](const std::vector<std::string>& n, const Row& r) {
            to.insert("reconcile_skipped", n, r, {}, "", " ON CONFLICT (study_uid, sop_instance_uid) DO NOTHING");
        });
        // The tables of levels and staff rates: the group's own when it has any, else this site's.
        for (const char* t : {"reference_tables", "staff_tables"}) {
            if (!to.run(std::string("SELECT 1 FROM ") + t + " LIMIT 1").empty()) {
                from.each(std::string("SELECT COUNT(*) FROM ") + t, {},
                          [&](const std::vector<std::string>&, const Row& r) { report.tablesKept += std::stoul(*r[0]); });
                continue;
            }
            from.each(std::string("SELECT * FROM ") + t + " ORDER BY version", {},
                      [&](const std::vector<std::string>& n, const Row& r) { to.insert(t, n, r); });
        }
        if (progress) progress(report);
        return report;
    });
}

} // namespace fa::store
