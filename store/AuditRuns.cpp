// The audit_runs, audit_findings and reconcile_skipped tables (migration 4).
#include "store/Columns.h"
#include "store/Guard.h"
#include "core/Error.h"
#include "store/Rows.h"
#include "store/StudyStore.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Data/Transaction.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Statement;

namespace fa::store {

namespace {

// Errors are free text: kept one per line.
std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) {
        std::string one = l;
        for (char& c : one)
            if (c == '\n') c = ' ';
        out += (out.empty() ? "" : "\n") + one;
    }
    return out;
}

std::vector<std::string> splitLines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

constexpr const char* kRunColumns =
    "id, site, trigger, period_from, period_to, started_at, finished_at, outcome, pacs, pacs_studies, pacs_dose_objects, "
    "retrieved, retrieve_failed, studies, missing_dose, new_flags, errors, report_html, report_csv, mailed_to";

std::vector<AuditRun> readRuns(Statement& select) {
    RecordSet rs(select);
    const Columns c(rs);
    std::vector<AuditRun> out;
    auto count = [&](const char* name, std::size_t r) { return static_cast<int>(c.integer(name, r).value_or(0)); };
    for (std::size_t r = 0; r < c.rows(); ++r) {
        AuditRun a;
        a.id = c.integer("id", r).value_or(0);
        a.site = c.text("site", r);
        a.trigger = c.text("trigger", r);
        a.periodFrom = c.text("period_from", r);
        a.periodTo = c.text("period_to", r);
        a.startedAt = c.text("started_at", r);
        a.finishedAt = c.text("finished_at", r);
        a.outcome = c.text("outcome", r);
        a.pacs = c.text("pacs", r);
        a.pacsStudies = count("pacs_studies", r);
        a.pacsDoseObjects = count("pacs_dose_objects", r);
        a.retrieved = count("retrieved", r);
        a.retrieveFailed = count("retrieve_failed", r);
        a.studies = count("studies", r);
        a.missingDose = count("missing_dose", r);
        a.newFlags = count("new_flags", r);
        a.errors = splitLines(c.text("errors", r));
        a.reportHtml = c.text("report_html", r);
        a.reportCsv = c.text("report_csv", r);
        a.mailedTo = c.text("mailed_to", r);
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace

void StudyStore::beginAuditRun(AuditRun& run) {
    return guarded([&]() -> void {
        try {
            run.startedAt = nowUtc();
            run.outcome = "running";
            Poco::Data::Transaction tx(db_->session());
            Poco::Int64 id = 0;
            run.site = site_;
            *db_ << "INSERT INTO audit_runs (site, trigger, period_from, period_to, started_at, outcome, pacs) "
                    "VALUES (?, ?, ?, ?, ?, 'running', ?) RETURNING id",
                bind(run.site), bind(run.trigger), bind(run.periodFrom), bind(run.periodTo), bind(run.startedAt), bind(run.pacs), into(id),
                now;
            tx.commit();
            run.id = id;
        } catch (...) {
            failed("cannot record the audit run");
        }
    });
}

void StudyStore::finishAuditRun(const AuditRun& run, const std::vector<AuditFinding>& findings) {
    return guarded([&]() -> void {
        try {
            Poco::Data::Transaction tx(db_->session());
            const std::string finished = run.finishedAt.empty() ? nowUtc() : run.finishedAt;
            *db_ << "UPDATE audit_runs SET finished_at = ?, outcome = ?, pacs_studies = ?, pacs_dose_objects = ?, "
                         "retrieved = ?, retrieve_failed = ?, studies = ?, missing_dose = ?, new_flags = ?, errors = ?, "
                         "report_html = ?, report_csv = ?, mailed_to = ? WHERE id = ?",
                bind(finished), bind(run.outcome), bind(run.pacsStudies), bind(run.pacsDoseObjects), bind(run.retrieved),
                bind(run.retrieveFailed), bind(run.studies), bind(run.missingDose), bind(run.newFlags),
                bind(joinLines(run.errors)), bind(run.reportHtml), bind(run.reportCsv), bind(run.mailedTo), bind(run.id),
                now;
            *db_ << "DELETE FROM audit_findings WHERE run_id = ?", bind(run.id), now;
            int seq = 0;
            for (const auto& f : findings)
                *db_ << "INSERT INTO audit_findings (run_id, seq, kind, study_uid, study_date, detail) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                    bind(run.id), bind(seq++), bind(f.kind), bind(f.studyUid), bind(f.studyDate), bind(f.detail), now;
            tx.commit();
        } catch (...) {
            failed("cannot record the end of audit run " + std::to_string(run.id));
        }
    });
}

std::vector<AuditRun> StudyStore::auditRuns(std::size_t limit, const std::string& site) {
    return guarded([&]() -> std::vector<AuditRun> {
        Statement select(db_->session());
        int n = static_cast<int>(limit);
        std::string of = site;
        if (site.empty())
            select << db_->dialect(std::string("SELECT ") + kRunColumns + " FROM audit_runs ORDER BY id DESC LIMIT ?"),
                use(n), now;
        else
            select << db_->dialect(std::string("SELECT ") + kRunColumns +
                                   " FROM audit_runs WHERE site = ? ORDER BY id DESC LIMIT ?"),
                use(of), use(n), now;
        return readRuns(select);
    });
}

std::optional<AuditRun> StudyStore::finishedScheduledRun(const std::string& periodFrom, const std::string& periodTo) {
    return guarded([&]() -> std::optional<AuditRun> {
        Statement select(db_->session());
        std::string site = site_, from = periodFrom, to = periodTo;
        select << db_->dialect(std::string("SELECT ") + kRunColumns +
                               " FROM audit_runs WHERE site = ? AND trigger = 'schedule' AND period_from = ? AND "
                               "period_to = ? AND outcome IN ('ok', 'partial') ORDER BY id DESC LIMIT 1"),
            use(site), use(from), use(to), now;
        auto runs = readRuns(select);
        if (runs.empty()) return std::nullopt;
        return runs.front();
    });
}

std::optional<AuditRun> StudyStore::auditRun(std::int64_t id) {
    return guarded([&]() -> std::optional<AuditRun> {
        Statement select(db_->session());
        select << db_->dialect(std::string("SELECT ") + kRunColumns + " FROM audit_runs WHERE id = ?"), use(id), now;
        auto runs = readRuns(select);
        if (runs.empty()) return std::nullopt;
        return runs.front();
    });
}

std::vector<AuditFinding> StudyStore::auditFindings(std::int64_t runId) {
    return guarded([&]() -> std::vector<AuditFinding> {
        Statement select(db_->session());
        select << db_->dialect("SELECT kind, study_uid, study_date, detail FROM audit_findings WHERE run_id = ? ORDER BY seq"),
            use(runId), now;
        RecordSet rs(select);
        const Columns c(rs);
        std::vector<AuditFinding> out;
        for (std::size_t r = 0; r < c.rows(); ++r)
            out.push_back({c.text("kind", r), c.text("study_uid", r), c.text("study_date", r), c.text("detail", r)});
        return out;
    });
}

std::size_t StudyStore::closeAbandonedAuditRuns(const std::string& reason) {
    return guarded([&]() -> std::size_t {
        int n = 0;
        *db_ << "SELECT COUNT(*) FROM audit_runs WHERE outcome = 'running' AND site = ?", bind(site_), into(n), now;
        if (n)
            *db_ << "UPDATE audit_runs SET outcome = 'failed', finished_at = ?, "
                         "errors = CASE WHEN errors = '' THEN ? ELSE errors || ? END WHERE outcome = 'running' AND site = ?",
                bind(nowUtc()), bind(reason), bind("\n" + reason), bind(site_), now;
        return static_cast<std::size_t>(n);
    });
}

void StudyStore::addReconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid,
                                     const std::string& reason) {
    return guarded([&]() -> void {
        *db_ << "INSERT INTO reconcile_skipped (study_uid, sop_instance_uid, reason, skipped_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (study_uid, sop_instance_uid) DO UPDATE SET reason = excluded.reason, "
                     "skipped_at = excluded.skipped_at",
            bind(studyUid), bind(sopInstanceUid), bind(reason), bind(nowUtc()), now;
    });
}

bool StudyStore::reconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid) {
    return guarded([&]() -> bool {
        int n = 0;
        *db_ << "SELECT COUNT(*) FROM reconcile_skipped WHERE study_uid = ? AND sop_instance_uid = ?",
            bind(studyUid), bind(sopInstanceUid), into(n), now;
        return n > 0;
    });
}

} // namespace fa::store
