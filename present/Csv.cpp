#include "present/Csv.h"

#include "core/Units.h"

#include "present/Display.h"
#include "rules/LevelEvaluator.h"
#include "rules/Metric.h"

#include <cmath>
#include <sstream>

namespace fa::present {

namespace {
const char* const kBom = "\xEF\xBB\xBF";

std::vector<std::string> studyHeader(const StudyCsvOptions& o) {
    std::vector<std::string> head{"study_date", "study_uid", "accession_number", "study_description", "procedure_id",
                                  "procedure_name", "device", "operators", "source", "shots", "fluoro_time_s",
                                  "exposure_time_s", "dap_gycm2", "kar_mgy", "psd_mgy", "flags", "review_states",
                                  "missing_dose_data", "warnings", "kar_a_mgy", "kar_b_mgy", "dap_a_gycm2",
                                  "dap_b_gycm2"};
    if (o.patients) head.insert(head.begin() + 2, {"patient_id", "patient_name"});
    return head;
}

// The procedure's name as a person reads it: the part in their language, "unclassified" for none.
std::string procedureName(const std::string& id, const std::string& name, const ExportForm& form) {
    if (form.machine) return name;
    if (id.empty() || id == rules::kUnclassified) return form.term("common.", "unclassified");
    return localName(name, form.language);
}

std::vector<std::string> studyCells(const store::StudyRecord& s, const StudyCsvOptions& o) {
    const auto v = rules::metricsOf(s.summary);
    const ExportForm& form = o.form;
    std::string flags, states;
    const char* const between = form.machine ? " " : "; ";
    for (const auto& f : s.flags) {
        flags += (flags.empty() ? "" : between) +
                 (form.machine ? f.kind + ":" + f.metric
                               : form.sentence(fa::text("export.flag", {{"metric", term("metric." + f.metric)},
                                                                       {"kind", term("kind." + f.kind)}})));
        states += (states.empty() ? "" : between) + form.term("state.", f.reviewState);
    }
    const std::string missing =
        !o.missingDoseData ? "" : form.term("yesNo.", o.missingDoseData->count(s.study.studyUid) ? "yes" : "no");
    std::vector<std::string> cells{s.study.studyDate, s.study.studyUid, s.study.accessionNumber, s.study.studyDescription,
                                   s.procedureId.empty() ? rules::kUnclassified : s.procedureId,
                                   procedureName(s.procedureId, s.procedureName, form),
                                   deviceLabel(s.device), s.study.operators,
                                   s.summary.source ? form.term("sourceKind.", toString(*s.summary.source)) : "",
                                   csvNumber(v[0]), csvNumber(v[1]),
                                   csvNumber(v[2]), csvNumber(v[3]), csvNumber(v[4]),
                                   csvNumber(units::toMilliGray(s.summary.psd_Gy)), flags, states, missing,
                                   std::to_string(s.warnings.size())};
    std::optional<double> kar[2], dap[2];
    if (o.perPlane)
        if (const auto it = o.perPlane->find(s.study.studyUid); it != o.perPlane->end())
            for (const auto& p : it->second)
                if (p.plane == Plane::A || p.plane == Plane::B) {
                    kar[p.plane == Plane::B] = units::toMilliGray(p.doseRp_Gy);
                    dap[p.plane == Plane::B] = units::toGycm2(p.dap_Gym2);
                }
    for (const auto& figure : {kar[0], kar[1], dap[0], dap[1]}) cells.push_back(csvNumber(figure));
    if (o.patients) cells.insert(cells.begin() + 2, {s.study.patientId, s.study.patientName});
    return cells;
}

// The header of `keys` in `form`, and the table made of them.
ExportTable table(const std::string& name, std::vector<std::string> keys, std::set<std::string> numeric,
                  const ExportForm& form) {
    ExportTable t;
    t.name = form.sheet(name);
    for (const auto& k : keys) t.header.push_back(form.column(k));
    t.keys = std::move(keys);
    t.numericColumns = std::move(numeric);
    return t;
}
} // namespace

std::string ExportForm::column(const std::string& key) const {
    return machine ? key : fa::text("col." + key).in(language);
}
std::string ExportForm::sheet(const std::string& name) const {
    return machine ? name : fa::text("sheet." + name).in(language);
}
std::string ExportForm::term(const std::string& prefix, const std::string& value) const {
    return machine ? value : fa::text(prefix + value).in(language);
}

std::string csvCell(const std::string& text) {
    std::string t = text;
    if (!t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@')) t = "'" + t;
    if (t.find_first_of(",\"\r\n") == std::string::npos) return t;
    std::string out = "\"";
    for (char c : t) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csvLine(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csvCell(cells[i]);
    return out + "\r\n";
}

std::string csvNumber(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return {};
    std::ostringstream s;
    s << roundForDisplay(*v);
    return s.str();
}

std::string csvOf(const ExportTable& table) {
    std::string csv = kBom + csvLine(table.header);
    for (const auto& row : table.rows) csv += csvLine(row);
    return csv;
}

ExportTable studiesTable(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options) {
    const auto keys = studyHeader(options);
    std::vector<bool> shown;
    std::vector<std::string> kept;
    for (const auto& k : keys) {
        shown.push_back(!options.hidden.count(k));
        if (shown.back()) kept.push_back(k);
    }
    ExportTable t = table("Studies", kept,
                          {"shots", "fluoro_time_s", "exposure_time_s", "dap_gycm2", "kar_mgy", "psd_mgy", "warnings",
                           "kar_a_mgy", "kar_b_mgy", "dap_a_gycm2", "dap_b_gycm2"},
                          options.form);
    for (const auto& s : studies) {
        auto cells = studyCells(s, options);
        std::vector<std::string> row;
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (shown[i]) row.push_back(std::move(cells[i]));
        t.rows.push_back(std::move(row));
    }
    return t;
}

PerPlane perPlaneOf(store::StudyStore& store, const std::vector<store::StudyRecord>& studies) {
    PerPlane out;
    for (const auto& s : studies)
        if (s.summary.planes && *s.summary.planes >= 2)
            if (auto planes = perPlaneFigures(s, store.objectsOf(s.study.studyUid)); !planes.empty())
                out.emplace(s.study.studyUid, std::move(planes));
    return out;
}

std::string studiesCsv(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options) {
    return csvOf(studiesTable(studies, options));
}

ExportTable eventsTable(const std::vector<StudyEvents>& studies, const ExportForm& form) {
    ExportTable t = table("Events",
                          {"study_date", "study_uid", "procedure_id", "sop_instance_uid", "event_uid", "type", "plane",
                           "started_at", "protocol", "dap_gycm2", "kar_mgy", "duration_s", "kvp", "tube_current_ma",
                           "pulses", "pulse_rate", "frames", "primary_angle_deg", "secondary_angle_deg"},
                          {"dap_gycm2", "kar_mgy", "duration_s", "kvp", "tube_current_ma", "pulses", "pulse_rate",
                           "frames", "primary_angle_deg", "secondary_angle_deg"},
                          form);
    auto scaled = [](const std::optional<double>& v, double factor) {
        return v ? csvNumber(*v * factor) : std::string();
    };
    for (const auto& s : studies)
        for (const auto& o : s.objects)
            for (const auto& e : o.events)
                t.rows.push_back({s.study->study.studyDate, s.study->study.studyUid,
                                  s.study->procedureId.empty() ? rules::kUnclassified : s.study->procedureId,
                                  o.sopInstanceUid, e.uid, form.term("eventType.", toString(e.type)),
                                  form.term("plane.", toString(e.plane)), e.startedAt, e.protocol,
                                  scaled(e.dap_Gym2, 1e4), scaled(e.doseRp_Gy, 1e3), csvNumber(e.duration_s()),
                                  csvNumber(e.kvp_kV), csvNumber(e.tubeCurrent_mA), csvNumber(e.pulses),
                                  csvNumber(e.pulseRate_per_s), csvNumber(e.frames), csvNumber(e.primaryAngle_deg),
                                  csvNumber(e.secondaryAngle_deg)});
    return t;
}

std::string flagsCsv(const std::vector<store::FlagRecord>& flags, const ExportForm& form) {
    ExportTable t = table("Flags",
                          {"study_date", "study_uid", "procedure_id", "kind", "metric", "value", "level", "table_version",
                           "review_state", "raised_at"},
                          {"value", "level", "table_version"}, form);
    for (const auto& r : flags)
        t.rows.push_back({r.studyDate, r.studyUid, r.procedureId, form.term("kind.", r.flag.kind),
                          form.term("metric.", r.flag.metric), csvNumber(r.flag.value), csvNumber(r.flag.level),
                          r.flag.tableVersion ? std::to_string(*r.flag.tableVersion) : "",
                          form.term("state.", r.flag.reviewState), r.flag.raisedAt});
    return csvOf(t);
}

ExportTable drlTable(const std::vector<DrlRow>& rows, const ExportForm& form) {
    ExportTable t = table("DRL audit",
                          {"procedure_id", "procedure_name", "metric", "n", "median", "p75", "mean", "max", "level",
                           "median_above_level", "suggested_drl", "no_suggestion_because"},
                          {"n", "median", "p75", "mean", "max", "level", "suggested_drl"}, form);
    for (const auto& r : rows) {
        const auto& st = r.statistics;
        t.rows.push_back({r.procedureId, procedureName(r.procedureId, r.procedureName, form),
                          form.term("metric.", rules::metricName(r.metric)), std::to_string(st.n), csvNumber(st.median),
                          csvNumber(st.p75), csvNumber(st.mean), csvNumber(st.max), csvNumber(st.level),
                          form.term("yesNo.", st.medianAboveLevel ? "yes" : "no"), csvNumber(st.suggestedDrl),
                          st.suggestedDrl ? "" : form.sentence(st.noSuggestionBecause)});
    }
    return t;
}

std::string drlCsv(const std::vector<DrlRow>& rows, const ExportForm& form) { return csvOf(drlTable(rows, form)); }

} // namespace fa::present
