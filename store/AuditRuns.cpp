// The audit_runs, audit_findings and reconcile_skipped tables (migration 4).
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
    "id, trigger, period_from, period_to, started_at, finished_at, outcome, pacs, pacs_studies, pacs_dose_objects, "
    "retrieved, retrieve_failed, studies, missing_dose, new_flags, errors, report_html, report_csv, mailed_to";

std::vector<AuditRun> readRuns(Statement& select) {
    RecordSet rs(select);
    std::vector<AuditRun> out;
    auto text = [&](std::size_t c, std::size_t r) {
        return rs.isNull(c, r) ? std::string() : rs.value(c, r).convert<std::string>();
    };
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
        AuditRun a;
        a.id = rs.value(0, r).convert<Poco::Int64>();
        a.trigger = text(1, r);
        a.periodFrom = text(2, r);
        a.periodTo = text(3, r);
        a.startedAt = text(4, r);
        a.finishedAt = text(5, r);
        a.outcome = text(6, r);
        a.pacs = text(7, r);
        a.pacsStudies = rs.value(8, r).convert<int>();
        a.pacsDoseObjects = rs.value(9, r).convert<int>();
        a.retrieved = rs.value(10, r).convert<int>();
        a.retrieveFailed = rs.value(11, r).convert<int>();
        a.studies = rs.value(12, r).convert<int>();
        a.missingDose = rs.value(13, r).convert<int>();
        a.newFlags = rs.value(14, r).convert<int>();
        a.errors = splitLines(text(15, r));
        a.reportHtml = text(16, r);
        a.reportCsv = text(17, r);
        a.mailedTo = text(18, r);
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
            Poco::Data::Transaction tx(*session_);
            *session_ << "INSERT INTO audit_runs (trigger, period_from, period_to, started_at, outcome, pacs) "
                         "VALUES (?, ?, ?, ?, 'running', ?)",
                bind(run.trigger), bind(run.periodFrom), bind(run.periodTo), bind(run.startedAt), bind(run.pacs), now;
            Poco::Int64 id = 0;
            *session_ << "SELECT MAX(id) FROM audit_runs", into(id), now;
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
            Poco::Data::Transaction tx(*session_);
            const std::string finished = run.finishedAt.empty() ? nowUtc() : run.finishedAt;
            *session_ << "UPDATE audit_runs SET finished_at = ?, outcome = ?, pacs_studies = ?, pacs_dose_objects = ?, "
                         "retrieved = ?, retrieve_failed = ?, studies = ?, missing_dose = ?, new_flags = ?, errors = ?, "
                         "report_html = ?, report_csv = ?, mailed_to = ? WHERE id = ?",
                bind(finished), bind(run.outcome), bind(run.pacsStudies), bind(run.pacsDoseObjects), bind(run.retrieved),
                bind(run.retrieveFailed), bind(run.studies), bind(run.missingDose), bind(run.newFlags),
                bind(joinLines(run.errors)), bind(run.reportHtml), bind(run.reportCsv), bind(run.mailedTo), bind(run.id),
                now;
            *session_ << "DELETE FROM audit_findings WHERE run_id = ?", bind(run.id), now;
            int seq = 0;
            for (const auto& f : findings)
                *session_ << "INSERT INTO audit_findings (run_id, seq, kind, study_uid, study_date, detail) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                    bind(run.id), bind(seq++), bind(f.kind), bind(f.studyUid), bind(f.studyDate), bind(f.detail), now;
            tx.commit();
        } catch (...) {
            failed("cannot record the end of audit run " + std::to_string(run.id));
        }
    });
}

std::vector<AuditRun> StudyStore::auditRuns(std::size_t limit) {
    return guarded([&]() -> std::vector<AuditRun> {
        Statement select(*session_);
        int n = static_cast<int>(limit);
        select << std::string("SELECT ") + kRunColumns + " FROM audit_runs ORDER BY id DESC LIMIT ?", use(n), now;
        return readRuns(select);
    });
}

std::optional<AuditRun> StudyStore::auditRun(std::int64_t id) {
    return guarded([&]() -> std::optional<AuditRun> {
        Statement select(*session_);
        select << std::string("SELECT ") + kRunColumns + " FROM audit_runs WHERE id = ?", use(id), now;
        auto runs = readRuns(select);
        if (runs.empty()) return std::nullopt;
        return runs.front();
    });
}

std::vector<AuditFinding> StudyStore::auditFindings(std::int64_t runId) {
    return guarded([&]() -> std::vector<AuditFinding> {
        Statement select(*session_);
        select << "SELECT kind, study_uid, study_date, detail FROM audit_findings WHERE run_id = ? ORDER BY seq",
            use(runId), now;
        RecordSet rs(select);
        std::vector<AuditFinding> out;
        for (std::size_t r = 0; r < rs.rowCount(); ++r) {
            auto text = [&](std::size_t c) { return rs.isNull(c, r) ? std::string() : rs.value(c, r).convert<std::string>(); };
            out.push_back({text(0), text(1), text(2), text(3)});
        }
        return out;
    });
}

std::size_t StudyStore::closeAbandonedAuditRuns(const std::string& reason) {
    return guarded([&]() -> std::size_t {
        int n = 0;
        *session_ << "SELECT COUNT(*) FROM audit_runs WHERE outcome = 'running'", into(n), now;
        if (n)
            *session_ << "UPDATE audit_runs SET outcome = 'failed', finished_at = ?, "
                         "errors = CASE WHEN errors = '' THEN ? ELSE errors || char(10) || ? END WHERE outcome = 'running'",
                bind(nowUtc()), bind(reason), bind(reason), now;
        return static_cast<std::size_t>(n);
    });
}

void StudyStore::addReconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid,
                                     const std::string& reason) {
    return guarded([&]() -> void {
        *session_ << "INSERT OR REPLACE INTO reconcile_skipped (study_uid, sop_instance_uid, reason, skipped_at) "
                     "VALUES (?, ?, ?, ?)",
            bind(studyUid), bind(sopInstanceUid), bind(reason), bind(nowUtc()), now;
    });
}

bool StudyStore::reconcileSkipped(const std::string& studyUid, const std::string& sopInstanceUid) {
    return guarded([&]() -> bool {
        int n = 0;
        *session_ << "SELECT COUNT(*) FROM reconcile_skipped WHERE study_uid = ? AND sop_instance_uid = ?",
            bind(studyUid), bind(sopInstanceUid), into(n), now;
        return n > 0;
    });
}

} // namespace fa::store
