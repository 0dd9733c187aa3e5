#include "api/LevelsResource.h"

#include "api/Http.h"
#include "rules/CsvRecords.h"
#include "present/Json.h"
#include "present/RecordJson.h"

namespace fa::api {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using present::integer;
using present::jsonObject;

ApiResponse LevelsResource::levels() {
    require("viewer");
    const auto active = c_.store().activeReferenceTable();
    if (!active) throw Refusal{404, text("levels.noneActive")};
    Object::Ptr o = present::tableVersionJson(*active, true);
    Array::Ptr rows = new Array;
    for (const auto& row : c_.pipeline->levels().table().rows()) {
        Object::Ptr x = jsonObject();
        x->set("procedure_id", row.procedureId);
        x->set("name", row.name);
        x->set("match", row.match);
        x->set("device", row.device);
        for (auto m : rules::kMetrics)
            x->set(rules::metricName(m), row.levels[rules::index(m)] ? Var(*row.levels[rules::index(m)]) : Var());
        rows->add(x);
    }
    o->set("rows", rows);
    return json(o);
}


namespace {
// {"site_only": true}: the table is this site's own (sites sharing a database), not the group's default.
bool siteOnly(const Object::Ptr& body) {
    if (!body->has("site_only")) return false;
    const Var v = body->get("site_only");
    if (!v.isBoolean()) throw Refusal{400, fa::text("request.notBoolean", {{"name", "site_only"}})};
    return v.extract<bool>();
}
} // namespace

ApiResponse LevelsResource::activate(const std::string& csv, const Text& source, const std::string& action,
                                     bool ownSite) {
    const auto activation = c_.pipeline->activateReferenceTable(csv, source.english(), ownSite);
    if (!activation.problems.empty()) return tableProblems(activation.problems, languageOf(r_.acceptLanguage));
    const int version = activation.version;
    // The same table again is no new version, and no change for the audit trail.
    if (!activation.unchanged)
        trail(action, ownSite ? text("trail.versionSite", {{"version", std::to_string(version)}, {"site", c_.store().site()}})
                                    .with("source", source)
                              : text("trail.version", {{"version", std::to_string(version)}}).with("source", source));
    Object::Ptr o = jsonObject();
    o->set("version", version);
    o->set("unchanged", activation.unchanged);
    return json(o);
}

ApiResponse LevelsResource::replaceLevels() {
    auto& s = require("reviewer");
    const auto body = parseBody(r_.body);
    const std::string csv = field(body, "csv");
    const std::string name = field(body, "file_name", false);
    return activate(csv, tableSource(name, s.username), "levels-replace", siteOnly(body));
}

ApiResponse LevelsResource::levelHistory() {
    require("viewer");
    Array::Ptr list = new Array;
    for (const auto& v : c_.store().referenceTableHistory()) list->add(present::tableVersionJson(v, false));
    return json(list);
}

std::optional<store::ReferenceTableVersion> LevelsResource::version(const std::string& text) {
    int n = 0;
    if (!Poco::NumberParser::tryParse(text, n)) throw Refusal{400, fa::text("levels.badVersion", {{"value", text}})};
    for (auto& v : c_.store().referenceTableHistory())
        if (v.version == n) return v;
    return std::nullopt;
}

ApiResponse LevelsResource::levelVersion(const std::string& text) {
    require("viewer");
    const auto v = version(text);
    if (!v) throw Refusal{404, fa::text("levels.unknownVersion", {{"version", text}})};
    return json(present::tableVersionJson(*v, true));
}

ApiResponse LevelsResource::restoreLevels() {
    auto& s = require("reviewer");
    const auto body = parseBody(r_.body);
    if (!body->has("version")) throw Refusal{400, fa::text("request.missing", {{"name", "version"}})};
    const std::string text = body->get("version").toString();
    const auto v = version(text);
    if (!v) throw Refusal{404, fa::text("levels.unknownVersion", {{"version", text}})};
    return activate(v->csv, fa::text("source.restored", {{"version", text}, {"user", s.username}}), "levels-restore",
                    siteOnly(body));
}

ApiResponse LevelsResource::previewLevels() {
    require("reviewer");
    const auto body = parseBody(r_.body);
    std::string csv;
    if (body->has("version")) {
        const std::string text = body->get("version").toString();
        const auto v = version(text);
        if (!v) throw Refusal{404, fa::text("levels.unknownVersion", {{"version", text}})};
        csv = v->csv;
    } else {
        csv = field(body, "csv");
    }
    const auto preview = c_.pipeline->previewReferenceTable(csv, siteOnly(body));
    if (!preview.problems.empty()) return tableProblems(preview.problems, languageOf(r_.acceptLanguage));
    Object::Ptr o = jsonObject();
    o->set("unchanged", preview.unchanged);
    o->set("studies", static_cast<Poco::UInt64>(preview.studies));
    o->set("gain_flags", static_cast<Poco::UInt64>(preview.gainFlags));
    o->set("lose_flags", static_cast<Poco::UInt64>(preview.loseFlags));
    o->set("reclassified", static_cast<Poco::UInt64>(preview.reclassified));
    return json(o);
}

namespace {
constexpr std::size_t kTestedStudies = 1000, kShownMatches = 100;
} // namespace

ApiResponse LevelsResource::testMatch() {
    require("viewer");
    const auto body = parseBody(r_.body);
    const std::string match = field(body, "match"), device = field(body, "device", false);
    // A table of one row, read and matched as the real table is: the same checks, the same result.
    std::vector<rules::TableProblem> problems;
    const auto table = rules::ReferenceTable::parse("procedure_id,match,device\ntested," + rules::csv::quoted(match) + "," + rules::csv::quoted(device) + "\n",
                                                    problems);
    if (!table) return tableProblems(problems, languageOf(r_.acceptLanguage));
    store::StudyFilter recent;
    recent.sort = "date";
    recent.descending = true;
    recent.limit = kTestedStudies;
    const auto studies = c_.store().studies(recent);
    Array::Ptr list = new Array;
    std::size_t matched = 0;
    for (const auto& s : studies) {
        if (!table->classify({&s.study, &s.device})) continue;
        if (++matched > kShownMatches) continue;
        Object::Ptr x = jsonObject();
        x->set("study_uid", s.study.studyUid);
        x->set("study_date", s.study.studyDate);
        x->set("study_description", s.study.studyDescription);
        x->set("procedure_id", s.procedureId.empty() ? Var() : Var(s.procedureId));
        list->add(x);
    }
    Object::Ptr o = jsonObject();
    o->set("tested", integer(studies.size()));
    o->set("matched", integer(matched));
    o->set("studies", list);
    return json(o);
}

ApiResponse LevelsResource::descriptions() {
    require("viewer");
    const std::string procedure = param(r_, "procedure").empty() ? std::string("unclassified") : param(r_, "procedure");
    Array::Ptr list = new Array;
    for (const auto& d : c_.store().descriptionsOf(procedure, numberParam(r_, "limit", 50, 1000))) {
        Object::Ptr x = jsonObject();
        x->set("description", d.description);
        x->set("studies", integer(d.studies));
        x->set("latest_date", d.latestDate);
        list->add(x);
    }
    return json(list);
}

} // namespace fa::api
