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
                                  "missing_dose_data", "warnings"};
    if (o.patients) head.insert(head.begin() + 2, {"patient_id", "patient_name"});
    return head;
}

std::vector<std::string> studyCells(const store::StudyRecord& s, const StudyCsvOptions& o) {
    const auto v = rules::metricsOf(s.summary);
    std::string flags, states;
    for (const auto& f : s.flags) {
        flags += (flags.empty() ? "" : " ") + f.kind + ":" + f.metric;
        states += (states.empty() ? "" : " ") + f.reviewState;
    }
    const std::string missing = !o.missingDoseData ? "" : o.missingDoseData->count(s.study.studyUid) ? "yes" : "no";
    std::vector<std::string> cells{s.study.studyDate, s.study.studyUid, s.study.accessionNumber, s.study.studyDescription,
                                   s.procedureId.empty() ? rules::kUnclassified : s.procedureId, s.procedureName,
                                   deviceLabel(s.device), s.study.operators,
                                   s.summary.source ? toString(*s.summary.source) : "", csvNumber(v[0]), csvNumber(v[1]),
                                   csvNumber(v[2]), csvNumber(v[3]), csvNumber(v[4]),
                                   csvNumber(units::toMilliGray(s.summary.psd_Gy)), flags, states, missing,
                                   std::to_string(s.warnings.size())};
    if (o.patients) cells.insert(cells.begin() + 2, {s.study.patientId, s.study.patientName});
    return cells;
}
} // namespace

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
    ExportTable t{"Studies", studyHeader(options),
            {"shots", "fluoro_time_s", "exposure_time_s", "dap_gycm2", "kar_mgy", "psd_mgy", "warnings"}, {}};
    for (const auto& s : studies) t.rows.push_back(studyCells(s, options));
    return t;
}

std::string studiesCsv(const std::vector<store::StudyRecord>& studies, const StudyCsvOptions& options) {
    return csvOf(studiesTable(studies, options));
}

ExportTable eventsTable(const std::vector<StudyEvents>& studies) {
    ExportTable t{"Events",
            {"study_date", "study_uid", "procedure_id", "sop_instance_uid", "event_uid", "type", "plane", "started_at",
             "protocol", "dap_gycm2", "kar_mgy", "duration_s", "kvp", "tube_current_ma", "pulses", "pulse_rate",
             "frames", "primary_angle_deg", "secondary_angle_deg"},
            {"dap_gycm2", "kar_mgy", "duration_s", "kvp", "tube_current_ma", "pulses", "pulse_rate", "frames",
             "primary_angle_deg", "secondary_angle_deg"},
            {}};
    auto scaled = [](const std::optional<double>& v, double factor) {
        return v ? csvNumber(*v * factor) : std::string();
    };
    for (const auto& s : studies)
        for (const auto& o : s.objects)
            for (const auto& e : o.events)
                t.rows.push_back({s.study->study.studyDate, s.study->study.studyUid,
                                  s.study->procedureId.empty() ? rules::kUnclassified : s.study->procedureId,
                                  o.sopInstanceUid, e.uid, toString(e.type), toString(e.plane), e.startedAt, e.protocol,
                                  scaled(e.dap_Gym2, 1e4), scaled(e.doseRp_Gy, 1e3), csvNumber(e.duration_s()),
                                  csvNumber(e.kvp_kV), csvNumber(e.tubeCurrent_mA), csvNumber(e.pulses),
                                  csvNumber(e.pulseRate_per_s), csvNumber(e.frames), csvNumber(e.primaryAngle_deg),
                                  csvNumber(e.secondaryAngle_deg)});
    return t;
}

std::string flagsCsv(const std::vector<store::FlagRecord>& flags) {
    std::string csv = kBom + csvLine({"study_date", "study_uid", "procedure_id", "kind", "metric", "value", "level",
                                      "table_version", "review_state", "raised_at"});
    for (const auto& r : flags)
        csv += csvLine({r.studyDate, r.studyUid, r.procedureId, r.flag.kind, r.flag.metric, csvNumber(r.flag.value),
                        csvNumber(r.flag.level), r.flag.tableVersion ? std::to_string(*r.flag.tableVersion) : "",
                        r.flag.reviewState, r.flag.raisedAt});
    return csv;
}

ExportTable drlTable(const std::vector<DrlRow>& rows) {
    ExportTable t{"DRL audit",
            {"procedure_id", "procedure_name", "metric", "n", "median", "p75", "mean", "max", "level",
             "median_above_level", "suggested_drl", "no_suggestion_because"},
            {"n", "median", "p75", "mean", "max", "level", "suggested_drl"},
            {}};
    for (const auto& r : rows) {
        const auto& st = r.statistics;
        t.rows.push_back({r.procedureId, r.procedureName, rules::metricName(r.metric), std::to_string(st.n),
                          csvNumber(st.median), csvNumber(st.p75), csvNumber(st.mean), csvNumber(st.max),
                          csvNumber(st.level), st.medianAboveLevel ? "yes" : "no", csvNumber(st.suggestedDrl),
                          st.suggestedDrl ? "" : st.noSuggestionBecause});
    }
    return t;
}

std::string drlCsv(const std::vector<DrlRow>& rows) { return csvOf(drlTable(rows)); }

} // namespace fa::present
