#include "present/RegionalSurvey.h"

#include "present/DrlAudit.h"
#include "rules/LevelEvaluator.h"

#include <map>

namespace fa {

std::vector<SurveyRow> regionalSurvey(const std::vector<store::StudyFigures>& studies) {
    struct Group {
        std::string name;
        std::map<rules::Metric, std::map<std::string, std::vector<double>>> values; // metric -> site -> values
    };
    std::map<std::string, Group> groups;
    for (const auto& s : studies) {
        if (s.procedureId.empty() || s.procedureId == rules::kUnclassified) continue;
        auto& g = groups[s.procedureId];
        if (g.name.empty()) g.name = s.procedureName;
        const auto values = metricsOf(s);
        for (rules::Metric m : rules::kMetrics)
            if (const auto& v = values[rules::index(m)]) g.values[m][s.site].push_back(*v);
    }
    std::vector<SurveyRow> out;
    for (const auto& [id, g] : groups)
        for (const auto& [metric, bySite] : g.values)
            out.push_back(SurveyRow{id, g.name, metric, rules::regionalStatisticsOf(bySite)});
    return out;
}

std::vector<SurveyRow> regionalSurvey(store::StudyStore& store, const store::StudyFilter& filter) {
    store::FigureParts parts;
    parts.date = parts.device = parts.operators = false;
    return regionalSurvey(store.figures(filter, parts));
}

} // namespace fa
