#include "present/RecordJson.h"

#include "present/DrlAudit.h"
#include "present/StudyJson.h"
#include "rules/LevelEvaluator.h"
#include "rules/Metric.h"
#include "rules/Statistics.h"

#include <map>
#include <tuple>

namespace fa::present {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr flagRecordJson(const store::FlagRecord& r) {
    Object::Ptr o = jsonObject();
    o->set("study_uid", r.studyUid);
    o->set("site", text(r.site));
    o->set("study_date", text(r.studyDate));
    o->set("procedure_id", text(r.procedureId));
    const auto flag = flagsJson({r.flag})->getObject(0);
    for (const auto& key : {"kind", "metric", "value", "level", "table_version", "studies", "review_state", "raised_at"})
        o->set(key, flag->get(key));
    return o;
}

Array::Ptr flagRecordsJson(const std::vector<store::FlagRecord>& records) {
    Array::Ptr list = new Array;
    for (const auto& r : records) list->add(flagRecordJson(r));
    return list;
}

Object::Ptr drlRowJson(const DrlRow& row, bool byDevice, std::size_t valuesUpTo, Language language) {
    const auto& st = row.statistics;
    Object::Ptr o = jsonObject();
    o->set("procedure_id", row.procedureId);
    o->set("procedure_name", text(row.procedureName));
    if (byDevice) o->set("device", row.device);
    o->set("metric", rules::metricName(row.metric));
    o->set("n", integer(st.n));
    o->set("min", row.values.empty() ? Var() : number(row.values.front()));
    o->set("q1", row.values.empty() ? Var() : number(rules::percentileInc(row.values, 0.25)));
    o->set("median", number(st.median));
    o->set("p75", number(st.p75));
    o->set("mean", number(st.mean));
    o->set("max", number(st.max));
    o->set("level", number(st.level));
    o->set("median_above_level", st.medianAboveLevel);
    o->set("suggested_drl", number(st.suggestedDrl));
    o->set("no_suggestion_because", st.suggestedDrl ? Var() : Var(st.noSuggestionBecause.in(language)));
    if (row.values.size() <= valuesUpTo) {
        Array::Ptr values = new Array;
        for (double v : row.values) values->add(number(v));
        o->set("values", values);
    } else {
        o->set("values", Var());
    }
    return o;
}

Array::Ptr drlRowsJson(const std::vector<DrlRow>& rows, bool byDevice, std::size_t valuesUpTo, Language language) {
    Array::Ptr list = new Array;
    for (const auto& row : rows) list->add(drlRowJson(row, byDevice, valuesUpTo, language));
    return list;
}

Array::Ptr surveyRowsJson(const std::vector<SurveyRow>& rows) {
    Array::Ptr list = new Array;
    for (const auto& row : rows) {
        const auto& st = row.statistics;
        Object::Ptr o = jsonObject();
        o->set("procedure_id", row.procedureId);
        o->set("procedure_name", text(row.procedureName));
        o->set("metric", rules::metricName(row.metric));
        Array::Ptr sites = new Array;
        Array::Ptr above = new Array;
        for (const auto& s : st.sites) {
            Object::Ptr x = jsonObject();
            x->set("site", s.site);
            x->set("n", integer(s.n));
            x->set("median", number(s.median));
            x->set("p75", number(s.p75));
            x->set("counted", s.counted);
            x->set("above_regional_drl", s.aboveRegionalDrl);
            sites->add(x);
            if (s.aboveRegionalDrl) above->add(s.site);
        }
        o->set("sites", sites);
        o->set("sites_counted", integer(st.sitesCounted));
        o->set("regional_drl", number(st.regionalDrl));
        o->set("no_drl_because", st.regionalDrl ? Var() : Var(st.noDrlBecause));
        o->set("sites_above", above);
        list->add(o);
    }
    return list;
}

Array::Ptr monthlyMediansJson(const std::vector<store::StudyFigures>& studies) {
    std::map<std::tuple<std::string, rules::Metric, std::string>, std::vector<double>> groups;
    for (const auto& s : studies) {
        if (s.studyDate.size() < 7) continue;
        const auto values = metricsOf(s);
        const std::string procedure = s.procedureId.empty() ? rules::kUnclassified : s.procedureId;
        const std::string month = s.studyDate.substr(0, 7);
        for (auto m : rules::kMetrics)
            if (values[rules::index(m)]) groups[{procedure, m, month}].push_back(*values[rules::index(m)]);
    }
    Array::Ptr list = new Array;
    for (auto& [key, values] : groups) {
        Object::Ptr o = jsonObject();
        o->set("procedure_id", std::get<0>(key));
        o->set("metric", rules::metricName(std::get<1>(key)));
        o->set("month", std::get<2>(key));
        o->set("n", integer(values.size()));
        o->set("median", number(rules::percentileInc(values, 0.5)));
        list->add(o);
    }
    return list;
}

Object::Ptr auditRunJson(const store::AuditRun& r) {
    Object::Ptr o = jsonObject();
    o->set("id", static_cast<Poco::Int64>(r.id));
    o->set("site", text(r.site));
    o->set("trigger", r.trigger);
    o->set("period_from", r.periodFrom);
    o->set("period_to", r.periodTo);
    o->set("started_at", r.startedAt);
    o->set("finished_at", r.finishedAt);
    o->set("outcome", r.outcome);
    o->set("pacs", r.pacs);
    o->set("pacs_studies", r.pacsStudies);
    o->set("pacs_dose_objects", r.pacsDoseObjects);
    o->set("retrieved", r.retrieved);
    o->set("retrieve_failed", r.retrieveFailed);
    o->set("studies", r.studies);
    o->set("missing_dose", r.missingDose);
    o->set("new_flags", r.newFlags);
    o->set("errors", texts(r.errors));
    o->set("report_html", r.reportHtml);
    o->set("report_csv", r.reportCsv);
    o->set("mailed_to", r.mailedTo);
    return o;
}

Array::Ptr auditRunsJson(const std::vector<store::AuditRun>& runs) {
    Array::Ptr list = new Array;
    for (const auto& run : runs) list->add(auditRunJson(run));
    return list;
}

Object::Ptr auditRunDetailJson(const store::AuditRun& run, const std::vector<store::AuditFinding>& findings) {
    Object::Ptr o = auditRunJson(run);
    Array::Ptr list = new Array;
    for (const auto& f : findings) {
        Object::Ptr x = jsonObject();
        x->set("kind", f.kind);
        x->set("study_uid", f.studyUid);
        x->set("study_date", f.studyDate);
        x->set("detail", f.detail);
        list->add(x);
    }
    o->set("findings", list);
    return o;
}

Object::Ptr tableVersionJson(const store::ReferenceTableVersion& v, bool withCsv) {
    Object::Ptr o = jsonObject();
    o->set("version", v.version);
    o->set("activated_at", v.activatedAt);
    o->set("source", v.source);
    o->set("site", text(v.site)); // null: the group's default
    if (withCsv) o->set("csv", v.csv);
    return o;
}

Array::Ptr devicesJson(const std::vector<store::DeviceSummary>& devices) {
    Array::Ptr list = new Array;
    for (const auto& d : devices) {
        Object::Ptr o = jsonObject();
        o->set("site", d.site);
        o->set("device", d.device);
        o->set("manufacturer", d.manufacturer);
        o->set("model", d.model);
        o->set("last_object_at", d.lastObjectAt);
        o->set("studies", integer(d.studies));
        o->set("objects", integer(d.objects));
        o->set("studies_without_dose_data", integer(d.missingDose));
        list->add(o);
    }
    return list;
}

Array::Ptr overviewJson(const std::vector<store::OverviewRow>& rows) {
    Array::Ptr list = new Array;
    for (const auto& r : rows) {
        Object::Ptr o = jsonObject();
        o->set("site", r.site);
        o->set("device", r.device);
        o->set("procedure_id", r.procedureId);
        o->set("studies", integer(r.studies));
        o->set("studies_with_open_flags", integer(r.studiesWithOpenFlags));
        o->set("open_flags", integer(r.openFlags));
        list->add(o);
    }
    return list;
}

Object::Ptr userJson(const store::User& u) {
    Object::Ptr o = jsonObject();
    o->set("username", u.username);
    o->set("role", u.role);
    o->set("created_at", u.createdAt);
    o->set("disabled", u.disabled);
    return o;
}

Object::Ptr trailEntryJson(const store::TrailEntry& t, Language language) {
    Object::Ptr o = jsonObject();
    o->set("id", static_cast<Poco::Int64>(t.id));
    o->set("at", t.at);
    o->set("username", t.username);
    o->set("action", t.action);
    o->set("detail", t.detailIn(language));
    o->set("detail_parts", t.text.id.empty() ? piecesJson({{t.detail, true}}) : piecesJson(t.text.pieces(language)));
    o->set("remote", t.remote);
    return o;
}

} // namespace fa::present
