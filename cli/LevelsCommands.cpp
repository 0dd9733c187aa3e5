#include "core/Error.h"
#include "cli/Commands.h"
#include "present/Display.h"
#include "present/RecordJson.h"
#include "present/DrlAudit.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

namespace fa::cli {

using namespace fa::present;

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Dynamic::Var;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

int levelsImport(Pipeline& pipeline, const std::string& file, bool ownSite, std::ostream& out, std::ostream& err) {
    const auto activation = pipeline.activateReferenceTable(readFile(file), "imported from " + file, ownSite);
    const auto& problems = activation.problems;
    if (!problems.empty()) {
        err << file << " has " << problems.size() << " problem(s); the active table (version "
            << pipeline.levels().tableVersion() << ") stays in use:\n";
        for (const auto& p : problems) err << "  " << rules::describe(p) << "\n";
        return 1;
    }
    if (activation.unchanged) {
        out << file << " is the active reference table (version " << activation.version
            << ") already: nothing changed.\n";
        return 0;
    }
    pipeline.store().addTrail(commandLineActor(), "levels-replace",
                              text("trail.version", {{"version", std::to_string(pipeline.levels().tableVersion())}})
                                  .with("source", text("source.imported", {{"file", file}})),
                              "");
    out << "Activated " << file << " as reference table version " << pipeline.levels().tableVersion() << " ("
        << pipeline.levels().table().rows().size() << " procedures); every study was re-evaluated.\n";
    return 0;
}

int levelsExport(Pipeline& pipeline, const std::string& file, std::ostream& out) {
    const std::string csv = pipeline.levels().table().toCsv();
    if (file.empty()) {
        out << csv;
        return 0;
    }
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    if (!(f << csv)) throw Error("cannot write " + file);
    out << "Wrote reference table version " << pipeline.levels().tableVersion() << " to " << file << "\n";
    return 0;
}

int levelsHistory(Pipeline& pipeline, std::ostream& out) {
    Table t({"Version", "For", "Activated", "Source", "Procedures"});
    for (const auto& v : pipeline.store().referenceTableHistory()) {
        std::vector<rules::TableProblem> problems;
        const auto table = rules::ReferenceTable::parse(v.csv, problems);
        t.add({std::to_string(v.version), v.site.empty() ? "group" : "site " + v.site, v.activatedAt, v.source,
               table ? std::to_string(table->rows().size()) : "?"});
    }
    out << t.render();
    return 0;
}

int flags(Pipeline& pipeline, const FlagOptions& options, std::ostream& out) {
    store::FlagFilter filter;
    filter.site = options.site;
    filter.fromDate = options.from;
    filter.toDate = options.to;
    filter.kind = options.kind;
    const auto records = pipeline.store().flags(filter);
    if (options.json) {
        printJson(out, *flagRecordsJson(records));
        return 0;
    }
    Table t({"Date", "Study UID", "Procedure", "Flag", "Metric", "Value", "Level", "Review"});
    for (const auto& r : records)
        t.add({r.studyDate, r.studyUid, r.procedureId, r.flag.kind, r.flag.metric, figure(r.flag.value, 3),
               figure(r.flag.level, 3), r.flag.reviewState});
    out << t.render() << records.size() << " flag(s)\n";
    return 0;
}

namespace {

int survey(Pipeline& pipeline, const StatsOptions& options, std::ostream& out) {
    auto filter = store::StudyFilter::between(options.from, options.to);
    filter.site = options.site;
    const auto rows = regionalSurvey(pipeline.store(), filter);
    if (options.json) {
        printJson(out, *surveyRowsJson(rows));
        return 0;
    }
    Table t({"Procedure", "Metric", "Site", "n", "Median", "P75", "Regional DRL", "Above it"});
    for (const auto& row : rows) {
        const auto& st = row.statistics;
        const char* metric = rules::metricName(row.metric);
        for (const auto& s : st.sites)
            t.add({row.procedureId, metric, s.site, std::to_string(s.n) + (s.counted ? "" : " (too few)"),
                   figure(s.median, 3), figure(s.p75, 3), "", s.aboveRegionalDrl ? "yes" : ""});
        t.add({row.procedureId, metric, "group (" + std::to_string(st.sitesCounted) + " sites counted)", "", "", "",
               st.regionalDrl ? figure(*st.regionalDrl, 3) : "— (" + st.noDrlBecause + ")", ""});
    }
    out << t.render();
    return 0;
}

} // namespace

int stats(Pipeline& pipeline, const StatsOptions& options, std::ostream& out) {
    if (options.bySite) return survey(pipeline, options, out);
    auto filter = store::StudyFilter::between(options.from, options.to);
    filter.site = options.site;
    const auto rows = drlAudit(pipeline.store(), pipeline.levels(), filter, options.byDevice);
    if (options.json) {
        printJson(out, *drlRowsJson(rows, options.byDevice));
        return 0;
    }
    Table t({"Procedure", "Device", "Metric", "n", "Median", "P75", "Mean", "Max", "Level", "Median > level",
             "Suggested DRL"});
    for (const auto& row : rows) {
        const auto& st = row.statistics;
        const char* metric = rules::metricName(row.metric);
        t.add({row.procedureId, row.device.empty() ? "all" : row.device, metric, std::to_string(st.n),
               figure(st.median, 3), figure(st.p75, 3), figure(st.mean, 3), figure(st.max, 3), figure(st.level, 3),
               st.medianAboveLevel ? "yes" : "no",
               st.suggestedDrl ? figure(*st.suggestedDrl, 3) : "— (" + st.noSuggestionBecause.english() + ")"});
    }
    out << t.render();
    return 0;
}

int reevaluate(Pipeline& pipeline, std::ostream& out) {
    const std::size_t n = pipeline.reevaluateSites();
    out << "Re-evaluated " << n << " stud" << (n == 1 ? "y" : "ies") << " against reference table version "
        << pipeline.levels().tableVersion() << ".\n";
    return 0;
}

} // namespace fa::cli
