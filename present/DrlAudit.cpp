#include "present/DrlAudit.h"

#include "core/Units.h"

#include <algorithm>
#include <map>

namespace fa {

std::string deviceLabel(const DeviceInfo& device) {
    if (!device.station.empty()) return device.station;
    if (!device.model.empty()) return device.model;
    return device.manufacturer;
}

rules::MetricValues metricsOf(const store::StudyFigures& s) {
    using rules::Metric;
    rules::MetricValues v;
    if (s.irradiationEvents) v[rules::index(Metric::Shots)] = static_cast<double>(*s.irradiationEvents);
    v[rules::index(Metric::FluoroTime_s)] = s.fluoroTime_s;
    v[rules::index(Metric::ExposureTime_s)] = s.exposureTime_s;
    if (s.dap_Gym2) v[rules::index(Metric::Dap_Gycm2)] = units::toGycm2(*s.dap_Gym2);
    if (s.doseRp_Gy) v[rules::index(Metric::Kar_mGy)] = units::toMilliGray(*s.doseRp_Gy);
    return v;
}

std::vector<DrlRow> drlAudit(const std::vector<store::StudyRecord>& studies, const rules::LevelEvaluator& levels,
                             bool byDevice) {
    std::vector<store::StudyFigures> figures;
    figures.reserve(studies.size());
    for (const auto& s : studies) figures.push_back(store::StudyFigures::of(s));
    return drlAudit(figures, levels, byDevice);
}

std::vector<DrlRow> drlAudit(const std::vector<store::StudyFigures>& studies, const rules::LevelEvaluator& levels,
                             bool byDevice) {
    using rules::Metric;
    struct Group {
        std::string name;
        std::map<Metric, std::vector<double>> values;
    };
    std::map<std::pair<std::string, std::string>, Group> groups;
    for (const auto& s : studies) {
        const std::string id = s.procedureId.empty() ? rules::kUnclassified : s.procedureId;
        auto& group = groups[{id, byDevice ? deviceLabel(s.device) : ""}];
        if (group.name.empty()) group.name = s.procedureName;
        const auto values = metricsOf(s);
        for (Metric m : rules::kMetrics)
            if (values[rules::index(m)]) group.values[m].push_back(*values[rules::index(m)]);
    }
    const auto& rows = levels.table().rows();
    auto levelOf = [&](const std::string& id, Metric m) -> std::optional<double> {
        for (const auto& r : rows)
            if (r.procedureId == id) return r.levels[rules::index(m)];
        return std::nullopt;
    };
    std::vector<DrlRow> out;
    for (auto& [key, group] : groups) {
        for (auto& [metric, values] : group.values) {
            DrlRow row;
            row.procedureId = key.first;
            row.procedureName = group.name;
            row.device = key.second;
            row.metric = metric;
            std::sort(values.begin(), values.end());
            row.statistics = rules::statisticsOf(values, levelOf(key.first, metric));
            row.values = std::move(values);
            out.push_back(std::move(row));
        }
    }
    return out;
}

std::vector<DrlRow> drlAudit(store::StudyStore& store, const rules::LevelEvaluator& levels, const std::string& from,
                             const std::string& to, bool byDevice) {
    return drlAudit(store, levels, store::StudyFilter::between(from, to), byDevice);
}

std::vector<DrlRow> drlAudit(store::StudyStore& store, const rules::LevelEvaluator& levels,
                             const store::StudyFilter& filter, bool byDevice) {
    store::FigureParts parts;
    parts.date = parts.operators = parts.site = false;
    parts.device = byDevice;
    return drlAudit(store.figures(filter, parts), levels, byDevice);
}

} // namespace fa
