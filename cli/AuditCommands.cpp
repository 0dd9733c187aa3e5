#include "core/Error.h"
#include "audit/AuditScheduler.h"
#include "service/Logging.h"
#include "audit/NightlyAudit.h"
#include "cli/Commands.h"
#include "present/Display.h"
#include "present/RecordJson.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <ostream>

namespace fa::cli {

using namespace fa::present;

namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

} // namespace

int auditNightly(const Settings& settings, AuditOptions options, std::ostream& out, std::ostream& err) {
    AuditRequest request;
    for (auto [name, value] : {std::pair<const char*, std::string*>{"--date", &options.date}, {"--from", &options.from},
                               {"--to", &options.to}})
        if (!value->empty()) *value = parseDateOption(name, *value);
    if (!options.date.empty() && (!options.from.empty() || !options.to.empty()))
        throw Error("give either --date or --from/--to, not both");
    if (!options.date.empty()) request.from = request.to = options.date;
    else if (!options.from.empty() || !options.to.empty()) {
        if (options.from.empty() || options.to.empty()) throw Error("--from and --to go together");
        if (options.from > options.to) throw Error("--from " + options.from + " is after --to " + options.to);
        request.from = options.from;
        request.to = options.to;
    } else {
        request.from = request.to = previousLocalDay(std::chrono::system_clock::now());
    }
    request.mail = !options.noMail;
    if (options.scheduled) request.trigger = "schedule";
    (void)err;
    configureLogging(settings); // progress and errors to standard error and the service's log file
    const store::AuditRun run = runNightlyAudit(settings, request);
    out << "Audit run " << run.id << " of " << run.periodFrom
        << (run.periodTo != run.periodFrom ? " to " + run.periodTo : std::string()) << ": " << run.outcome << "\n";
    out << "  studies " << run.studies << ", new flags " << run.newFlags << ", missing dose data " << run.missingDose
        << "\n";
    if (!run.pacs.empty())
        out << "  PACS " << run.pacs << ": " << run.pacsStudies << " studies, " << run.pacsDoseObjects
            << " dose objects, " << run.retrieved << " retrieved, " << run.retrieveFailed << " failed\n";
    if (!run.reportHtml.empty()) out << "  report " << run.reportHtml << "\n";
    if (!run.mailedTo.empty()) out << "  mailed to " << run.mailedTo << "\n";
    for (const auto& e : run.errors) out << "  error: " << e << "\n";
    return run.outcome == "ok" ? 0 : run.outcome == "partial" ? 1 : 2;
}

int auditRuns(Pipeline& pipeline, std::size_t limit, bool json, std::ostream& out) {
    const auto runs = pipeline.store().auditRuns(limit);
    if (json) {
        printJson(out, *auditRunsJson(runs));
        return 0;
    }
    Table t({"Run", "Trigger", "Period", "Started", "Finished", "Outcome", "Studies", "Retrieved", "Missing dose",
             "New flags", "Errors"});
    for (const auto& r : runs)
        t.add({std::to_string(r.id), r.trigger,
               r.periodFrom == r.periodTo ? r.periodFrom : r.periodFrom + " to " + r.periodTo, r.startedAt, r.finishedAt,
               r.outcome, std::to_string(r.studies), std::to_string(r.retrieved), std::to_string(r.missingDose),
               std::to_string(r.newFlags), truncateToWidth(joined(r.errors, "; "), 60)});
    out << t.render() << runs.size() << " run(s)\n";
    return 0;
}

int auditShow(Pipeline& pipeline, std::int64_t id, bool json, std::ostream& out, std::ostream& err) {
    const auto run = pipeline.store().auditRun(id);
    if (!run) {
        err << "fluoroaudit: no audit run " << id << " (see `fluoroaudit audit runs`)\n";
        return 2;
    }
    const auto findings = pipeline.store().auditFindings(id);
    if (json) {
        printJson(out, *auditRunDetailJson(*run, findings));
        return 0;
    }
    out << "Audit run " << run->id << " (" << run->trigger << ") of " << run->periodFrom
        << (run->periodTo != run->periodFrom ? " to " + run->periodTo : std::string()) << ": " << run->outcome << "\n"
        << "  started " << run->startedAt << ", finished " << run->finishedAt << "\n";
    if (!run->reportHtml.empty()) out << "  report " << run->reportHtml << "\n";
    for (const auto& e : run->errors) out << "  error: " << e << "\n";
    Table t({"Finding", "Study date", "Study UID", "Detail"});
    for (const auto& f : findings) t.add({f.kind, f.studyDate, f.studyUid, f.detail});
    out << t.render() << findings.size() << " finding(s)\n";
    return 0;
}

} // namespace fa::cli
