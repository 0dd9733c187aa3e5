#include "audit/NightlyAudit.h"

#include "audit/AuditReport.h"
#include "pipeline/Integrity.h"
#include "audit/DicomPacs.h"
#include "audit/Mailer.h"
#include "audit/Reconciler.h"
#include "audit/RunJournal.h"
#include "core/Clock.h"
#include "core/FileLock.h"
#include "core/Error.h"
#include "present/DrlAudit.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fa {

namespace {

void writeFile(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) throw Error("cannot write " + tmp);
    }
    fs::rename(tmp, path);
}

class Audit {
public:
    Audit(const Settings& settings, const AuditRequest& request)
        : settings_(settings), request_(request), journal_(request, Poco::Logger::get("audit")) {}

    store::AuditRun run();

private:
    void begin();
    void steps(const std::string& newFlagsSince);
    // The whole database looked at for damage; what is found is an error of the run.
    void checkIntegrity();
    void findMissingDoseInStore(const std::map<std::string, std::string>& noDoseOnPacs);
    AuditReportData reportData(const std::string& newSince);
    // The run's period, of this site's studies: an audit is of its own site (sites sharing a
    // database each audit theirs, each with its own reference table).
    store::StudyFilter period() const;
    void report(const std::string& newSince);
    void mail(const AuditReportData& data, const std::string& html, const std::string& stem);

    const Settings& settings_;
    const AuditRequest& request_;
    RunJournal journal_;
    std::unique_ptr<Pipeline> pipeline_;
    std::unique_ptr<PacsGateway> pacs_;
    std::string pacsProblem_; // why the PACS could not be set up, or ""
};

store::AuditRun Audit::run() {
    fs::create_directories(settings_.dataDir);
    // One audit at a time per data folder.
    const std::string lockFile = settings_.dataDir + "/audit.lock";
    FileLock lock(lockFile, [&](int pid) {
        return "another audit of this data folder is running" + (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
               "; try again when it ends (" + lockFile + ")";
    });
    pipeline_ = std::make_unique<Pipeline>(settings_);
    auto& store = pipeline_->store();
    // Sites sharing a database: one audit of a site at a time on any host, and a scheduled day once.
    if (!store.tryLockAudits())
        throw Error("another audit of site " + store.site() + " is running (another process on the same database); "
                    "try again when it ends");
    if (request_.trigger == "schedule") {
        if (auto done = store.finishedScheduledRun(request_.from, request_.to)) {
            journal_.log().information("the scheduled audit of %s for site %s ran already (run %?d, %s): not run again",
                                       request_.from, store.site(), done->id, done->outcome);
            return *done;
        }
    }
    if (const auto n = store.closeAbandonedAuditRuns("the run stopped before it finished (its process ended)"))
        journal_.log().warning("closed %?d audit run(s) left running by a process that ended", n);
    // New flags: first raised since the previous run ended (at the same second: in both reports).
    const auto previous = store.auditRuns(1, store.site());
    std::string since;
    if (!previous.empty())
        since = previous.front().finishedAt.empty() ? previous.front().startedAt : previous.front().finishedAt;
    // A PACS that cannot even be set up (Orthanc's modality gone, say) skips the reconciliation
    // only: the run still reports on what the store has, and records why.
    try {
        if (request_.pacs) pacs_ = request_.pacs();
        else if (settings_.pacs.configured()) pacs_ = std::make_unique<DicomPacs>(settings_);
    } catch (const Error& e) {
        pacsProblem_ = e.what();
    }
    begin();
    try {
        steps(since);
        journal_.run.outcome = journal_.run.errors.empty() ? "ok" : "partial";
    } catch (const std::exception& e) {
        journal_.run.errors.push_back(e.what());
        journal_.run.outcome = "failed";
    }
    auto& run = journal_.run;
    run.finishedAt = nowUtc();
    store.finishAuditRun(run, journal_.findings);
    (run.outcome == "ok" ? journal_.log().information("audit run %?d: %s", run.id, run.outcome)
                         : journal_.log().warning("audit run %?d: %s (%s)", run.id, run.outcome, run.errors.front()));
    return run;
}

void Audit::begin() {
    auto& run = journal_.run;
    run.trigger = request_.trigger;
    run.periodFrom = request_.from;
    run.periodTo = request_.to;
    run.pacs = pacs_ ? pacs_->describe() : "";
    pipeline_->store().beginAuditRun(run);
    journal_.say("audit run " + std::to_string(run.id) + ": studies dated " + journal_.period());
}

void Audit::steps(const std::string& newFlagsSince) {
    checkIntegrity();
    std::map<std::string, std::string> noDoseOnPacs;
    if (pacs_) {
        Reconciler reconciler(settings_, request_, *pacs_, *pipeline_, journal_);
        reconciler.reconcile();
        reconciler.finish();
        noDoseOnPacs = reconciler.noDoseOnPacs();
    } else if (!pacsProblem_.empty()) {
        journal_.error("reconciliation skipped: " + pacsProblem_);
    } else {
        journal_.say("no PACS configured ([pacs] ae_title): reporting on what the store has");
    }
    findMissingDoseInStore(noDoseOnPacs);
    const auto n = pipeline_->store().reevaluate(period());
    journal_.say("re-evaluated " + std::to_string(n) + " stud" + (n == 1 ? "y" : "ies") + " of the period");
    report(newFlagsSince);
}

void Audit::checkIntegrity() {
    const store::IntegrityReport report = checkStore(pipeline_->store(), settings_);
    if (report.problems.empty()) {
        journal_.say("integrity of the study database: no damage found (" + report.method + ")");
        return;
    }
    std::string tables;
    for (const auto& p : report.problems)
        if (tables.find(p.table) == std::string::npos) tables += (tables.empty() ? "" : ", ") + (p.table.empty() ? std::string("(no table named)") : p.table);
    journal_.error("the study database is damaged in " + tables + " (" + report.method + ": " + report.problems.front().detail +
                   "): " + report.whatToDo());
}

store::StudyFilter Audit::period() const {
    auto filter = store::StudyFilter::between(journal_.run.periodFrom, journal_.run.periodTo);
    filter.site = pipeline_->store().site();
    return filter;
}

// Studies of the period with images but no dose object: from the PACS and from the store.
void Audit::findMissingDoseInStore(const std::map<std::string, std::string>& noDoseOnPacs) {
    auto& store = pipeline_->store();
    auto& run = journal_.run;
    std::set<std::string> reported;
    for (const auto& s : store.studies(period())) {
        if (s.summary.source != SourceKind::ImageHeaders) continue;
        reported.insert(s.study.studyUid);
        std::string detail = "images only, no dose report";
        if (s.summary.irradiationEvents)
            detail += " (image headers: " + std::to_string(*s.summary.irradiationEvents) + " shot(s))";
        if (noDoseOnPacs.count(s.study.studyUid)) detail += "; none on the PACS either";
        journal_.finding("missing-dose-data", s.study.studyUid, s.study.studyDate, detail);
    }
    for (const auto& [uid, date] : noDoseOnPacs) {
        if (reported.count(uid)) continue;
        if (auto stored = store.study(uid); stored && stored->summary.source != SourceKind::ImageHeaders) continue;
        journal_.finding("missing-dose-data", uid, date, "XA/RF images on the PACS, no dose object anywhere");
    }
    const auto& findings = journal_.findings;
    run.missingDose = static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const store::AuditFinding& f) {
        return f.kind == "missing-dose-data";
    }));
    if (run.missingDose)
        journal_.say(std::to_string(run.missingDose) + " stud" + (run.missingDose == 1 ? "y" : "ies") +
                     " without dose data");
}

AuditReportData Audit::reportData(const std::string& newSince) {
    auto& store = pipeline_->store();
    auto& run = journal_.run;
    AuditReportData data;
    // This site's studies and flags; with other sites on the database, its name and the group's
    // survey beside them.
    const bool group = store.sites().size() > 1;
    if (group) data.site = store.site();
    data.studies = store.studies(period());
    data.perPlane = present::perPlaneOf(store, data.studies);
    run.studies = static_cast<int>(data.studies.size());
    store::FlagFilter fresh;
    fresh.site = store.site();
    if (newSince.empty()) {
        fresh.fromDate = run.periodFrom;
        fresh.toDate = run.periodTo;
    } else {
        fresh.raisedSince = newSince;
    }
    data.newFlags = store.flags(fresh);
    data.newFlagsSince = newSince;
    run.newFlags = static_cast<int>(data.newFlags.size());
    store::FlagFilter stale;
    stale.site = store.site();
    stale.reviewState = "unreviewed";
    stale.raisedBefore = Poco::DateTimeFormatter::format(
        Poco::DateTime() - Poco::Timespan(settings_.audit.unreviewedDays, 0, 0, 0, 0), Poco::DateTimeFormat::ISO8601_FORMAT);
    data.staleFlags = store.flags(stale);
    data.unreviewedDays = settings_.audit.unreviewedDays;
    store::FlagFilter open;
    open.site = store.site();
    open.reviewState = "unreviewed";
    data.openFlags = store.flags(open).size();
    data.studyLinkBase = webAddress(settings_);
    data.drl = drlAudit(data.studies, pipeline_->levels(), false);
    data.tableVersion = pipeline_->levels().tableVersion();
    data.language = languageOf(settings_.audit.language);
    data.staffYear = std::stoi(run.periodTo.substr(0, 4));
    data.staffOperators = pipeline_->staffYear(pipeline_->staffTables(), data.staffYear, run.periodTo).operators;
    data.staffAnnualLevel_mSv = settings_.staffAnnualLevel_mSv;
    for (const auto& row : pipeline_->levels().table().rows()) data.procedureNames[row.procedureId] = row.name;
    if (group) data.survey = regionalSurvey(store, store::StudyFilter::between(run.periodFrom, run.periodTo));
    data.today = todayLocal();
    data.followUps = store.followUps("open", data.today, store.site());
    data.findings = journal_.findings;
    return data;
}

void Audit::report(const std::string& newSince) {
    AuditReportData data = reportData(newSince);
    auto& run = journal_.run;
    const std::string folder = settings_.reportsDir();
    fs::create_directories(folder);
    const std::string stem = folder + "/fluoroaudit-audit-" +
                             (run.periodFrom == run.periodTo ? run.periodFrom : run.periodFrom + "_" + run.periodTo) +
                             "-run" + std::to_string(run.id);
    run.reportHtml = stem + ".html";
    run.reportCsv = stem + ".csv";
    // The run as it stands when the report is written (the mail's outcome comes after).
    run.outcome = run.errors.empty() ? "ok" : "partial";
    data.run = run;
    writeFile(run.reportCsv, studiesCsv(data));
    writeFile(stem + "-drl.csv", drlCsv(data));
    const std::string html = renderHtml(data);
    writeFile(run.reportHtml, html);
    // The page in each language beside it, for whoever opens it from the web UI in the other
    // (api/ReportsResource: GET /api/audit-runs/N/report answers in the caller's language).
    for (const Language language : {Language::English, Language::Chinese}) {
        AuditReportData in = data;
        in.language = language;
        writeFile(store::reportIn(run.reportHtml, language), language == data.language ? html : renderHtml(in));
    }
    journal_.say("report written to " + run.reportHtml);
    if (request_.mail && !settings_.mail.to.empty()) mail(data, html, stem);
}

void Audit::mail(const AuditReportData& data, const std::string& html, const std::string& stem) {
    auto& run = journal_.run;
    try {
        MailMessageContent mail;
        mail.subject = "fluoroaudit audit " + journal_.period() + ": " + std::to_string(run.studies) + " studies, " +
                       std::to_string(run.newFlags) + " new flag(s)" + (run.errors.empty() ? "" : ", with errors");
        mail.html = html;
        mail.attachments.push_back({fs::path(run.reportCsv).filename().string(), studiesCsv(data), "text/csv"});
        mail.attachments.push_back({fs::path(stem + "-drl.csv").filename().string(), drlCsv(data), "text/csv"});
        sendMail(settings_.mail, mail);
        for (const auto& to : settings_.mail.to) run.mailedTo += (run.mailedTo.empty() ? "" : ", ") + to;
        journal_.say("report mailed to " + run.mailedTo);
    } catch (const Error& e) {
        journal_.error(std::string("the report was not mailed: ") + e.what());
    }
}

} // namespace

store::AuditRun runNightlyAudit(const Settings& settings, const AuditRequest& request) {
    Audit audit(settings, request);
    return audit.run();
}

} // namespace fa
