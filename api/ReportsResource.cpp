#include "api/ReportsResource.h"

#include <fstream>
#include <iterator>

#include "api/Http.h"
#include "present/DrlAudit.h"
#include "present/RecordJson.h"

#include <Poco/NumberParser.h>

namespace fa::api {

ApiResponse ReportsResource::stats() {
    require("viewer");
    const bool byDevice = param(r_, "by_device") == "true";
    auto filter = store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to"));
    filter.site = param(r_, "site");
    const auto rows = drlAudit(c_.store(), c_.pipeline->levels(), filter, byDevice);
    return json(present::drlRowsJson(rows, byDevice, numberParam(r_, "values_up_to", SIZE_MAX, 10000000), language()));
}

ApiResponse ReportsResource::survey() {
    require("viewer");
    return json(present::surveyRowsJson(
        regionalSurvey(c_.store(), store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to")))));
}

ApiResponse ReportsResource::sites() {
    require("viewer");
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("this_site", c_.store().site());
    Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
    for (const auto& s : c_.store().sites()) all->add(s);
    o->set("sites", all);
    return json(o);
}

ApiResponse ReportsResource::monthly() {
    require("viewer");
    auto filter = store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to"));
    filter.site = param(r_, "site");
    store::FigureParts parts; // the month, procedure and metrics of each study
    parts.device = parts.operators = parts.site = false;
    return json(present::monthlyMediansJson(c_.store().figures(filter, parts)));
}

ApiResponse ReportsResource::devices() {
    require("viewer");
    return json(present::devicesJson(c_.store().devices(param(r_, "site"))));
}

ApiResponse ReportsResource::overview() {
    require("viewer");
    auto filter = store::StudyFilter::between(dateParam(r_, "from"), dateParam(r_, "to"));
    filter.site = param(r_, "site");
    return json(present::overviewJson(c_.store().overview(filter)));
}

ApiResponse ReportsResource::auditRuns() {
    require("viewer");
    return json(present::auditRunsJson(c_.store().auditRuns(numberParam(r_, "limit", 50, 1000))));
}

namespace {
// The run a path names; refuses a non-number (400) and an unknown run (404).
store::AuditRun runNamed(store::StudyStore& store, const std::string& text) {
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(text, id)) throw Refusal{400, fa::text("run.badId", {{"value", text}})};
    auto run = store.auditRun(id);
    if (!run) throw Refusal{404, fa::text("run.unknown", {{"run", text}})};
    return *run;
}
} // namespace

ApiResponse ReportsResource::auditRun(const std::string& text) {
    require("viewer");
    const auto run = runNamed(c_.store(), text);
    return json(present::auditRunDetailJson(run, c_.store().auditFindings(run.id)));
}

ApiResponse ReportsResource::auditRunReport(const std::string& text) {
    require("viewer");
    const auto found = runNamed(c_.store(), text);
    const auto* run = &found;
    // The page in the caller's language where the run wrote one (runs before that wrote only their own).
    std::ifstream in;
    if (!run->reportHtml.empty()) in.open(store::reportIn(run->reportHtml, language()), std::ios::binary);
    if (!in) in.open(run->reportHtml, std::ios::binary);
    if (run->reportHtml.empty() || !in)
        throw Refusal{404, run->reportHtml.empty() ? fa::text("run.noReport", {{"run", text}})
                                                   : fa::text("run.reportGone", {{"run", text}, {"file", run->reportHtml}})};
    ApiResponse r;
    r.contentType = "text/html; charset=utf-8";
    r.body.assign(std::istreambuf_iterator<char>(in), {});
    return r;
}

} // namespace fa::api
