#include "audit/AuditReport.h"

#include "present/Csv.h"

#include "rules/Metric.h"
#include "rules/Statistics.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/LocalDateTime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace fa {

namespace {

using rules::Metric;

std::string num(double v) {
    char buf[64];
    if (std::fabs(v) >= 1000) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}


std::string procedureOf(const store::StudyRecord& s) {
    return s.procedureId.empty() ? std::string("unclassified") : s.procedureId;
}

// A sentence of the catalog in the report's language.
std::string tr(const AuditReportData& d, const std::string& id, std::vector<std::pair<std::string, std::string>> values = {}) {
    return text(id, std::move(values)).in(d.language);
}

std::string procedureName(const AuditReportData& d, const std::string& id) {
    if (id == "unclassified" || id.empty()) return tr(d, "report.unclassified");
    const auto it = d.procedureNames.find(id);
    return it == d.procedureNames.end() || it->second.empty() ? id : localName(it->second, d.language);
}

struct Html {
    std::ostringstream out;
    void text(const std::string& t) { out << htmlEscape(t); }
    void raw(const std::string& t) { out << t; }
    void h2(const std::string& id, const std::string& title) { out << "<h2 id=\"" << id << "\">" << htmlEscape(title) << "</h2>\n"; }
    void p(const std::string& t, const char* cls = nullptr) {
        out << "<p" << (cls ? std::string(" class=\"") + cls + "\"" : "") << ">" << htmlEscape(t) << "</p>\n";
    }
    void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
               const std::vector<bool>& numeric = {}) {
        out << "<table><thead><tr>";
        for (std::size_t i = 0; i < head.size(); ++i)
            out << "<th" << (i < numeric.size() && numeric[i] ? " class=\"n\"" : "") << ">" << htmlEscape(head[i]) << "</th>";
        out << "</tr></thead><tbody>\n";
        for (const auto& r : rows) {
            out << "<tr>";
            for (std::size_t i = 0; i < r.size(); ++i)
                out << "<td" << (i < numeric.size() && numeric[i] ? " class=\"n\"" : "") << ">" << htmlEscape(r[i]) << "</td>";
            out << "</tr>\n";
        }
        out << "</tbody></table>\n";
    }
};

// An axis from 0 to `max` in round steps: 1, 2 or 5 times a power of ten, four or five of them.
struct Axis {
    double step = 1, max = 1;
    int ticks = 1;
};

Axis roundAxis(double max) {
    if (!(max > 0) || !std::isfinite(max)) max = 1;
    const double raw = max / 4, magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    Axis a;
    a.step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            a.step = m * magnitude;
            break;
        }
    a.ticks = static_cast<int>(std::ceil(max / a.step));
    a.max = a.step * a.ticks;
    return a;
}

// The geometry of a strip chart: rows of dots on one shared horizontal axis.
struct Strip {
    static constexpr int plot = 530, rowH = 30, top = 34;
    int left = 210; // room for the longest row label (labelWidth)
    Axis axis;
    int height;
    int width() const { return left + plot + 20; }
    double x(double v) const { return left + v / axis.max * plot; }
};

// The width an 11 px label takes, estimated: a CJK character about 11 px, anything else about 6.5 px.
int labelWidth(const std::string& label) {
    double width = 0;
    for (std::size_t i = 0; i < label.size();) {
        const auto c = static_cast<unsigned char>(label[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += n >= 3 ? 11.0 : 6.5;
        i += n;
    }
    return static_cast<int>(std::ceil(width));
}

std::string rowLabel(const DrlRow& r, const AuditReportData& d) {
    return procedureName(d, r.procedureId) + " (n=" + std::to_string(r.statistics.n) + ")";
}

// A vertical mark of `half` height at `v` on the row at `y`, with a tooltip.
void mark(std::ostringstream& s, const Strip& g, double v, double y, int half, const char* cls, const std::string& tip) {
    s << "<line x1=\"" << g.x(v) << "\" y1=\"" << y - half << "\" x2=\"" << g.x(v) << "\" y2=\"" << y + half
      << "\" class=\"" << cls << "\"><title>" << htmlEscape(tip) << "</title></line>\n";
}

void stripRow(std::ostringstream& s, const Strip& g, const DrlRow& r, double y, const AuditReportData& d) {
    const auto& st = r.statistics;
    const std::string label = rowLabel(r, d);
    s << "<text x=\"" << g.left - 8 << "\" y=\"" << y + 4 << "\" class=\"lb\">" << htmlEscape(label) << "</text>\n";
    for (double v : r.values) s << "<circle cx=\"" << g.x(v) << "\" cy=\"" << y << "\" r=\"3\" class=\"dot\"/>";
    s << "\n";
    mark(s, g, st.median, y, 9, "median", tr(d, "report.legend.median") + " " + num(st.median));
    if (st.level) mark(s, g, *st.level, y, 12, "level", tr(d, "report.legend.level") + " " + num(*st.level));
    if (st.suggestedDrl) mark(s, g, *st.suggestedDrl, y, 12, "drl", tr(d, "report.legend.drl") + " " + num(*st.suggestedDrl));
}

// A strip plot per procedure: every study a dot, the median a bar, the reference level a red line
// and the suggested local DRL (75th percentile) a dashed line, on one shared axis.
std::string stripChart(const std::vector<const DrlRow*>& rows, const std::string& title, const AuditReportData& d) {
    if (rows.empty()) return {};
    double max = 0;
    for (const auto* r : rows) {
        if (!r->values.empty()) max = std::max(max, r->values.back());
        if (r->statistics.level) max = std::max(max, *r->statistics.level);
    }
    Strip g;
    for (const auto* r : rows) g.left = std::max(g.left, std::min(560, labelWidth(rowLabel(*r, d)) + 16));
    g.axis = roundAxis(max);
    g.height = Strip::top + Strip::rowH * static_cast<int>(rows.size()) + 34;
    std::ostringstream s;
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << g.width() << "\" height=\"" << g.height
      << "\" viewBox=\"0 0 " << g.width() << " " << g.height << "\" role=\"img\" aria-label=\"" << htmlEscape(title)
      << "\">\n<text x=\"4\" y=\"18\" class=\"ct\">" << htmlEscape(title) << "</text>\n";
    for (int i = 0; i <= g.axis.ticks; ++i) {
        const double v = g.axis.step * i;
        s << "<line x1=\"" << g.x(v) << "\" y1=\"" << Strip::top - 6 << "\" x2=\"" << g.x(v) << "\" y2=\"" << g.height - 26
          << "\" class=\"grid\"/><text x=\"" << g.x(v) << "\" y=\"" << g.height - 10 << "\" class=\"ax\">" << num(v)
          << "</text>\n";
    }
    for (std::size_t row = 0; row < rows.size(); ++row)
        stripRow(s, g, *rows[row], Strip::top + Strip::rowH * static_cast<double>(row) + Strip::rowH / 2.0, d);
    s << "</svg>\n";
    return s.str();
}

const char* kStyle = R"(body{font-family:"Noto Sans","Noto Sans CJK SC","DejaVu Sans",Arial,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc;padding-bottom:3px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n,th.n{text-align:right}.muted{color:#666}.outcome{display:inline-block;padding:2px 8px;border-radius:3px;color:#fff}
.ok{background:#2e7d32}.partial{background:#ef6c00}.failed{background:#c62828}.running{background:#666}
.figures{display:flex;gap:12px;flex-wrap:wrap}.figure{border:1px solid #ccc;padding:8px 14px;min-width:110px}
.figure b{display:block;font-size:22px}.errors li{color:#c62828}
svg.chart{max-width:100%;height:auto}svg.chart text{font-size:11px;fill:#333}svg.chart .ct{font-size:13px;font-weight:bold}svg.chart .lb{text-anchor:end}
svg.chart .ax{text-anchor:middle;fill:#666}svg.chart .grid{stroke:#e4e4e4}svg.chart .dot{fill:#1565c0;fill-opacity:.55}
svg.chart .median{stroke:#000;stroke-width:2.5}svg.chart .level{stroke:#c62828;stroke-width:2.5}
svg.chart .drl{stroke:#2e7d32;stroke-width:2;stroke-dasharray:4 3}
.legend span{margin-right:16px;font-size:12px})";

} // namespace

std::string metricLabel(const std::string& metric, Language language) {
    return text("metricUnit." + metric).in(language);
}

const char* metricLabel(const std::string& metric) {
    if (metric == "shots") return "Shots";
    if (metric == "fluoro_time_s") return "Fluoroscopy time (s)";
    if (metric == "exposure_time_s") return "Exposure time (s)";
    if (metric == "dap_gycm2") return "DAP (Gy·cm²)";
    if (metric == "kar_mgy") return "Ka,r (mGy)";
    if (metric == "psd_mgy") return "Peak skin dose (mGy)";
    return "";
}

std::string htmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

namespace {

// Title, the run and its outcome.
void writeHead(Html& h, const AuditReportData& d) {
    const auto& run = d.run;
    const std::string period = run.periodFrom == run.periodTo ? run.periodFrom : run.periodFrom + " – " + run.periodTo;
    h.raw(std::string("<!DOCTYPE html>\n<html lang=\"") + (d.language == Language::Chinese ? "zh-CN" : "en") +
          "\"><head><meta charset=\"utf-8\">\n<title>");
    h.text(tr(d, "report.title", {{"period", period}}));
    h.raw("</title>\n<style>");
    h.raw(kStyle);
    h.raw("</style></head><body>\n<h1>");
    h.text(tr(d, "report.heading", {{"period", period}}));
    h.raw("</h1>\n");
    if (!d.site.empty()) {
        h.raw("<p class=\"site\">");
        h.text(tr(d, "report.site", {{"site", d.site}}));
        h.raw("</p>\n");
    }
    h.raw("<p class=\"muted\">");
    h.text(tr(d, "report.run",
              {{"run", std::to_string(run.id)}, {"trigger", term("trigger." + run.trigger)}, {"started", run.startedAt},
               {"written", Poco::DateTimeFormatter::format(Poco::LocalDateTime(), "%Y-%m-%d %H:%M")},
               {"version", std::to_string(d.tableVersion)}}) + " ");
    h.raw("</p>\n<p>");
    h.text(tr(d, "report.outcome"));
    h.raw(" <span class=\"outcome ");
    h.text(run.outcome);
    h.raw("\">");
    h.text(tr(d, "outcome." + run.outcome));
    h.raw("</span></p>\n");

}

// The headline counts.
void writeFigures(Html& h, const AuditReportData& d) {
    const auto& run = d.run;
    std::size_t stale = d.staleFlags.size();
    int warnings = 0;
    for (const auto& s : d.studies) warnings += static_cast<int>(s.warnings.size());
    h.raw("<div class=\"figures\">");
    auto figure = [&](const std::string& id, const std::string& label, std::size_t n) {
        h.raw("<div class=\"figure\" id=\"fig-" + id + "\"><b>" + std::to_string(n) + "</b>");
        h.text(label);
        h.raw("</div>");
    };
    figure("studies", tr(d, "report.fig.studies"), d.studies.size());
    figure("new-flags", tr(d, "report.fig.newFlags"), d.newFlags.size());
    figure("open-flags", tr(d, "report.fig.openFlags"), d.openFlags);
    figure("stale-flags", tr(d, "report.fig.stale", {{"days", std::to_string(d.unreviewedDays)}}), stale);
    figure("missing-dose", tr(d, "report.fig.missing"), static_cast<std::size_t>(run.missingDose));
    figure("retrieved", tr(d, "report.fig.retrieved"), static_cast<std::size_t>(run.retrieved));
    figure("errors", tr(d, "report.fig.errors"), run.errors.size());
    h.raw("</div>\n");

}

// What failed in this run (the rest still ran).
void writeErrors(Html& h, const AuditReportData& d) {
    const auto& run = d.run;
    if (!run.errors.empty()) {
        h.h2("errors", tr(d, "report.errors"));
        h.raw("<ul class=\"errors\">");
        for (const auto& e : run.errors) {
            h.raw("<li>");
            h.text(e);
            h.raw("</li>");
        }
        h.raw("</ul>\n");
    }

}

// How many studies per procedure and device.
void writeStudiesPerGroup(Html& h, const AuditReportData& d) {
    h.h2("studies", tr(d, "report.perGroup"));
    std::map<std::pair<std::string, std::string>, int> perGroup;
    for (const auto& s : d.studies) ++perGroup[{procedureOf(s), deviceLabel(s.device)}];
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, n] : perGroup)
        rows.push_back({procedureName(d, key.first), key.second.empty() ? tr(d, "report.unknown") : key.second, std::to_string(n)});
    if (rows.empty()) h.p(tr(d, "report.noStudies"), "muted");
    else h.table({tr(d, "report.col.procedure"), tr(d, "report.col.device"), tr(d, "report.col.studies")}, rows, {false, false, true});

}

// Follow-ups of substantial doses still open, the overdue first (they are sorted by due date).
void writeFollowUps(Html& h, const AuditReportData& d) {
    h.h2("follow-ups", tr(d, "report.followUps"));
    std::size_t overdue = 0;
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : d.followUps) {
        const std::string state = f.state(d.today);
        if (state == "overdue") ++overdue;
        std::string reasons;
        for (const auto& r : f.reasons)
            reasons += (reasons.empty() ? "" : "; ") + metricLabel(r.metric, d.language) + " " + num(r.value);
        rows.push_back({f.studyDate, f.studyUid, procedureName(d, f.procedureId), reasons, f.dueFrom + " – " + f.dueTo,
                        tr(d, "report.followUp." + state)});
    }
    if (rows.empty()) {
        h.p(tr(d, "report.noFollowUps"), "muted");
        return;
    }
    h.p(text("report.followUpsCount", {{"open", std::to_string(rows.size())}, {"overdue", std::to_string(overdue)}}).in(d.language));
    h.table({tr(d, "report.col.studyDate"), tr(d, "report.col.studyUid"), tr(d, "report.col.procedure"), tr(d, "report.col.reasons"),
             tr(d, "report.col.due"), tr(d, "report.col.state")},
            rows);
}

// New flags, and unreviewed ones older than the configured days.
void writeFlags(Html& h, const AuditReportData& d) {
    std::vector<std::string> flagHead;
    for (const char* c : {"studyDate", "study", "procedure", "flag", "metric", "value", "level", "review", "raised"})
        flagHead.push_back(tr(d, std::string("report.col.") + c));
    auto flagTable = [&](const std::vector<store::FlagRecord>& flags) {
        h.raw("<table><thead><tr>");
        for (const auto& head : flagHead) h.raw("<th>" + htmlEscape(head) + "</th>");
        h.raw("</tr></thead><tbody>\n");
        for (const auto& f : flags) {
            // The study's page in the web UI when its address is known; its UID shortened either way.
            const std::string shortUid = f.studyUid.size() > 24 ? "…" + f.studyUid.substr(f.studyUid.size() - 20) : f.studyUid;
            const std::string study = d.studyLinkBase.empty()
                                          ? "<span title=\"" + htmlEscape(f.studyUid) + "\">" + htmlEscape(shortUid) + "</span>"
                                          : "<a href=\"" + htmlEscape(d.studyLinkBase + "#/study/" + f.studyUid) + "\" title=\"" +
                                                htmlEscape(f.studyUid) + "\">" + htmlEscape(shortUid) + "</a>";
            h.raw("<tr><td>" + htmlEscape(f.studyDate) + "</td><td>" + study + "</td><td>" +
                  htmlEscape(procedureName(d, f.procedureId)) + "</td><td>" + htmlEscape(tr(d, "kind." + f.flag.kind)) +
                  "</td><td>" + htmlEscape(metricLabel(f.flag.metric, d.language)) + "</td><td class=\"n\">" +
                  num(f.flag.value) + "</td><td class=\"n\">" + num(f.flag.level) + "</td><td>" +
                  htmlEscape(tr(d, "state." + f.flag.reviewState)) + "</td><td>" + htmlEscape(f.flag.raisedAt) + "</td></tr>\n");
        }
        h.raw("</tbody></table>\n");
    };
    std::size_t reviewed = 0;
    for (const auto& f : d.newFlags) reviewed += f.flag.reviewState != "unreviewed";
    h.h2("new-flags", tr(d, "report.newFlags"));
    h.p(tr(d, d.newFlagsSince.empty() ? "report.newOfPeriod" : "report.newSince",
           {{"since", d.newFlagsSince}, {"count", std::to_string(d.newFlags.size())},
            {"reviewed", std::to_string(reviewed)}, {"open", std::to_string(d.openFlags)}}),
        "muted");
    if (!d.newFlags.empty()) flagTable(d.newFlags);

    h.h2("stale-flags", tr(d, "report.stale", {{"days", std::to_string(d.unreviewedDays)}}));
    if (d.staleFlags.empty()) h.p(tr(d, "report.none"), "muted");
    else flagTable(d.staleFlags);

}

// The DRL table of the period and its strip charts.
void writeDrl(Html& h, const AuditReportData& d) {
    std::vector<std::vector<std::string>> rows;
    h.h2("drl", tr(d, "report.drl"));
    std::string previousProcedure;
    for (const auto& r : d.drl) {
        const auto& st = r.statistics;
        const bool first = r.procedureId != previousProcedure;
        previousProcedure = r.procedureId;
        const std::string name = r.procedureName.empty() ? procedureName(d, r.procedureId) : localName(r.procedureName, d.language);
        rows.push_back({first ? r.procedureId : "", first ? name : "",
                        metricLabel(rules::metricName(r.metric), d.language), std::to_string(st.n), num(st.median),
                        num(st.p75), st.level ? num(*st.level) : tr(d, "report.noLevel"),
                        !st.level ? "—" : tr(d, st.medianAboveLevel ? "report.yes" : "report.no"),
                        st.suggestedDrl ? num(*st.suggestedDrl)
                                        : "— (" + tr(d, "report.fewCases", {{"n", std::to_string(st.n)},
                                                                            {"min", std::to_string(rules::kMinCasesForDrl)}}) + ")"});
    }
    if (rows.empty()) h.p(tr(d, "report.noFigures"), "muted");
    else {
        h.table({tr(d, "report.col.procedure"), tr(d, "report.col.name"), tr(d, "report.col.metric"), "n",
                 tr(d, "report.col.median"), tr(d, "report.col.p75"), tr(d, "report.col.level"), tr(d, "report.col.aboveLevel"),
                 tr(d, "report.col.suggested")},
                rows, {false, false, false, true, true, true, true, false, false});
        h.raw("<p class=\"legend\"><span>● " + htmlEscape(tr(d, "report.legend.study")) + "</span><span>▮ " +
              htmlEscape(tr(d, "report.legend.median")) + "</span><span style=\"color:#c62828\">▮ " +
              htmlEscape(tr(d, "report.legend.level")) + "</span><span style=\"color:#2e7d32\">┆ " +
              htmlEscape(tr(d, "report.legend.drl")) + "</span></p>\n");
        for (Metric m : {Metric::Dap_Gycm2, Metric::Kar_mGy, Metric::FluoroTime_s, Metric::Shots}) {
            std::vector<const DrlRow*> chartRows;
            for (const auto& r : d.drl)
                if (r.metric == m) chartRows.push_back(&r);
            h.raw(stripChart(chartRows, metricLabel(rules::metricName(m), d.language), d));
        }
    }

}

// Studies with images and no dose report.
void writeMissingDose(Html& h, const AuditReportData& d) {
    std::vector<std::vector<std::string>> rows;
    h.h2("missing-dose", tr(d, "report.missing"));
    for (const auto& f : d.findings)
        if (f.kind == "missing-dose-data") rows.push_back({f.studyDate, f.studyUid, f.detail});
    if (rows.empty()) h.p(tr(d, "report.noMissing"), "muted");
    else h.table({tr(d, "report.col.studyDate"), tr(d, "report.col.studyUid"), tr(d, "report.col.finding")}, rows);

}

// Data-quality warnings of the period's studies.
void writeWarnings(Html& h, const AuditReportData& d) {
    std::vector<std::vector<std::string>> rows;
    h.h2("warnings", tr(d, "report.warnings"));
    for (const auto& s : d.studies)
        for (const auto& w : s.warnings)
            rows.push_back({s.study.studyDate, s.study.studyUid, w.code, w.message, std::to_string(w.count)});
    if (rows.empty()) h.p(tr(d, "report.none"), "muted");
    else
        h.table({tr(d, "report.col.studyDate"), tr(d, "report.col.studyUid"), tr(d, "report.col.warning"),
                 tr(d, "report.col.message"), tr(d, "report.col.times")},
                rows, {false, false, false, false, true});

}

// Each operator's estimated dose over the year so far, against the annual level.
void writeStaff(Html& h, const AuditReportData& d) {
    h.h2("staff", tr(d, "report.staff", {{"year", std::to_string(d.staffYear)}}));
    h.p(tr(d, "report.staffNote", {{"level", num(d.staffAnnualLevel_mSv)}}), "muted");
    std::vector<std::vector<std::string>> rows;
    for (const auto& y : d.staffOperators) {
        int studies = 0;
        for (int n : y.studies) studies += n;
        const double of = y.total_uSv / (d.staffAnnualLevel_mSv * 1000);
        rows.push_back({y.operatorName.empty() ? tr(d, "report.notNamed") : y.operatorName, std::to_string(studies),
                        num(y.total_uSv), num(100 * of) + " %", of >= 1 ? tr(d, "report.yes") : tr(d, "report.no"),
                        std::to_string(y.withoutEstimate)});
    }
    if (rows.empty()) h.p(tr(d, "report.none"), "muted");
    else
        h.table({tr(d, "report.col.operator"), tr(d, "report.col.studies"), tr(d, "report.col.estimate"),
                 tr(d, "report.col.ofLevel"), tr(d, "report.col.aboveAnnual"), tr(d, "report.col.withoutEstimate")},
                rows, {false, true, true, true, false, true});
}

// The regional survey of the group's sites (only when several sites share the database).
void writeSurvey(Html& h, const AuditReportData& d) {
    if (d.survey.empty()) return;
    h.h2("survey", tr(d, "report.survey"));
    h.p(tr(d, "report.surveyNote", {{"min", std::to_string(rules::kMinCasesPerSite)},
                                     {"sites", std::to_string(rules::kMinSitesForRegionalDrl)}}),
        "muted");
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : d.survey) {
        const auto& st = r.statistics;
        bool first = true;
        for (const auto& s : st.sites) {
            rows.push_back({first ? procedureName(d, r.procedureId) : "", first ? metricLabel(rules::metricName(r.metric), d.language) : "",
                            s.site, s.counted ? std::to_string(s.n) : tr(d, "report.siteFew", {{"n", std::to_string(s.n)}}),
                            num(s.median), num(s.p75),
                            first ? (st.regionalDrl ? num(*st.regionalDrl)
                                                    : tr(d, "report.tooFewSites", {{"n", std::to_string(st.sitesCounted)}}))
                                  : "",
                            s.aboveRegionalDrl ? tr(d, "report.yes") : ""});
            first = false;
        }
    }
    h.table({tr(d, "report.col.procedure"), tr(d, "report.col.metric"), tr(d, "report.col.site"), "n",
             tr(d, "report.col.median"), tr(d, "report.col.p75"), tr(d, "report.col.regionalDrl"),
             tr(d, "report.col.aboveRegional")},
            rows, {false, false, false, true, true, true, true, false});
}

// What reconciliation with the PACS found and retrieved.
void writeReconciliation(Html& h, const AuditReportData& d) {
    const auto& run = d.run;
    std::vector<std::vector<std::string>> rows;
    h.h2("reconciliation", tr(d, "report.reconciliation"));
    if (run.pacs.empty()) h.p(tr(d, "report.noPacs"), "muted");
    else {
        h.p(tr(d, "report.pacs",
               {{"pacs", run.pacs}, {"studies", std::to_string(run.pacsStudies)}, {"objects", std::to_string(run.pacsDoseObjects)},
                {"retrieved", std::to_string(run.retrieved)}, {"failed", std::to_string(run.retrieveFailed)}}));
            for (const auto& f : d.findings)
            if (f.kind == "retrieved" || f.kind == "retrieve-failed" || f.kind == "no-dose-content")
                rows.push_back({f.kind, f.studyDate, f.studyUid, f.detail});
        if (!rows.empty())
            h.table({tr(d, "report.col.what"), tr(d, "report.col.studyDate"), tr(d, "report.col.studyUid"),
                     tr(d, "report.col.object")},
                    rows);
    }
}

} // namespace

std::string renderHtml(const AuditReportData& d) {
    Html h;
    // The DRL audit first: it is what the report is for; then the flags, then the details.
    for (auto section : {writeHead, writeFigures, writeErrors, writeDrl, writeSurvey, writeFlags, writeFollowUps, writeStaff, writeStudiesPerGroup, writeMissingDose,
                         writeWarnings, writeReconciliation})
        section(h, d);
    h.raw("<p class=\"muted\">fluoroaudit</p>\n</body></html>\n");
    return h.out.str();
}

std::string studiesCsv(const AuditReportData& d) {
    std::set<std::string> missing;
    for (const auto& f : d.findings)
        if (f.kind == "missing-dose-data") missing.insert(f.studyUid);
    present::StudyCsvOptions options;
    options.missingDoseData = &missing;
    options.perPlane = &d.perPlane;
    return present::studiesCsv(d.studies, options);
}

std::string drlCsv(const AuditReportData& d) { return present::drlCsv(d.drl); }

} // namespace fa
